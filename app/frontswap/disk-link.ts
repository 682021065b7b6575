// The area's link to its disk service on the hypervisor's thread (comlink over a MessagePort).
// It is the write-behind buffer's sink: each batch is copied into one ArrayBuffer and
// transferred, so a batch of 64 pages crosses the thread boundary as one message and one
// buffer, never as 64 structured clones. The disk service hands that buffer back once the batch
// has committed and a later batch is copied into it: memory written before, instead of a
// fresh megabyte the OS must map page by page (one buffer per batch the buffer keeps in flight). The write-behind buffer keeps its own copies
// until the write commits (it serves loads of in-flight pages from them), which is why those
// are not the ones transferred.
//
// Rejection rules, kept here once: a disk failure rejects with the browser's error as it
// crossed the port (name and message kept); once the store worker is gone every call, pending
// or new, rejects with TmemError 'worker-gone'; after discard() writes resolve without being
// sent (the area was invalidated: nothing buffered may reach the disk any more).
import { transfer, wrap, type Remote } from 'comlink';
import { TmemError } from '../../worker/core/errors.js';
import type { DiskItem, DiskKey, DiskSink } from '../../worker/disk/index.js';
import type { CompactionReport, DiskFaultName } from '../../worker/disk/index.js';
import type { FrontswapStats } from '../../worker/stats.js';
import type { AreaDiskApi, AreaDiskInfo, AreaOpenReply, AreaOpenRequest } from '../../worker/wire/frontswap.js';

/** Spare batch buffers kept: one per batch the write-behind buffer keeps in flight (2). */
const MAX_SPARES = 2;

export class DiskLink implements DiskSink {
  readonly #remote: Remote<AreaDiskApi>;
  readonly #port: MessagePort;
  readonly #pageSize: number;
  readonly #gone: Promise<never>;
  #discarded = false;
  /** Buffers of committed batches, back from the disk service, for the next ones. */
  readonly #spares: ArrayBuffer[] = [];

  /**
   * @param port the area's end of the channel whose other end the host serves
   * @param pageSize bytes per page
   * @param gone rejects when the disk service's thread is gone
   */
  constructor(port: MessagePort, pageSize: number, gone: Promise<never>) {
    this.#port = port;
    this.#remote = wrap<AreaDiskApi>(port);
    this.#pageSize = pageSize;
    this.#gone = gone;
    gone.catch(() => undefined);
  }

  open(request: AreaOpenRequest): Promise<AreaOpenReply> {
    return this.#call(() => this.#remote.open(request));
  }

  /** DiskSink: one transaction for the batch. */
  async writeBatch(items: DiskItem[]): Promise<void> {
    if (this.#discarded) return;
    const ps = this.#pageSize;
    const need = items.length * ps;
    const spare = this.#spares.pop();
    const data = spare && spare.byteLength >= need ? spare : new ArrayBuffer(need);
    const view = new Uint8Array(data);
    const offsets = items.map((it, i) => {
      view.set(it.bytes, i * ps);
      return it.key as number;
    });
    const back = await this.#call(() => this.#remote.writeBatch(offsets, transfer(data, [data])));
    if (this.#spares.length < MAX_SPARES) this.#spares.push(back);
  }

  /** DiskSink: one transaction for the deletes. */
  deleteBatch(keys: DiskKey[]): Promise<void> {
    if (this.#discarded) return Promise.resolve();
    return this.#call(() => this.#remote.deleteBatch(keys as number[]));
  }

  /** Reads committed pages; `into[i]` is filled where the result is true.
   * @param offsets the pages to read, in one transaction */
  async read(offsets: number[]): Promise<(Uint8Array | undefined)[]> {
    const { hits, data } = await this.#call(() => this.#remote.read(offsets));
    const ps = this.#pageSize;
    return offsets.map((_, i) => (hits[i] ? new Uint8Array(data, i * ps, ps) : undefined));
  }

  /** From now on, writes and deletes are dropped here instead of sent. */
  discard(): void {
    this.#discarded = true;
  }

  clear(): Promise<void> {
    return this.#call(() => this.#remote.clear());
  }

  report(stats: FrontswapStats): Promise<AreaDiskInfo> {
    return this.#call(() => this.#remote.report(stats));
  }

  compact(threshold?: number): Promise<CompactionReport> {
    return this.#call(() => this.#remote.compact(threshold));
  }

  injectFault(fault: { count: number; name: DiskFaultName }): Promise<void> {
    return this.#call(() => this.#remote.injectFault(fault));
  }

  /** Closes the log (after its queued writes) and the port. */
  async close(): Promise<void> {
    try {
      await this.#call(() => this.#remote.close());
    } finally {
      this.#port.close();
    }
  }

  #call<T>(fn: () => Promise<T>): Promise<T> {
    return Promise.race([fn(), this.#gone]);
  }
}

/**
 * A disk failure as an area reports it: code 'disk-error' (or the TmemError it already was),
 * the browser's error name and message kept, the original as `cause`.
 * @param name the area
 * @param what the call that failed
 * @param e what the disk service rejected with
 */
export function diskError(name: string, what: string, e: unknown): TmemError {
  if (e instanceof TmemError) return e;
  const err = e as Error;
  const out = new TmemError('disk-error', `${what}: frontswap area "${name}": ${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`);
  (out as { cause?: unknown }).cause = e;
  return out;
}
