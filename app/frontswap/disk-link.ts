// The area's link to its disk service on the hypervisor's thread (comlink over a MessagePort).
// It is the write-behind buffer's sink: each batch is copied into one ArrayBuffer and
// transferred, so a batch of 64 pages crosses the thread boundary as one message and one
// buffer, never as 64 structured clones. The disk service hands that buffer back once the batch
// has committed and a later batch is copied into it: memory written before, instead of fresh
// memory the OS must map page by page (one buffer per batch the buffer keeps in flight, each of
// at most MAX_SPARE_BYTES: the larger batches of a large buffer's backlog get fresh buffers, so
// an area does not keep twice its largest batch after the backlog is gone). The write-behind buffer keeps its own copies
// until the write commits (it serves loads of in-flight pages from them), which is why those
// are not the ones transferred.
//
// Rejection rules, kept here once: a disk failure rejects with the browser's error as it
// crossed the port (name and message kept); once the store worker is gone every call, pending
// or new, rejects with TmemError 'worker-gone', once the store is closed with 'closed', and once
// the link itself has closed with 'area-closed' (comlink never settles a call whose port closed,
// so the link settles them itself); after discard() writes resolve without being sent (the area
// was invalidated: nothing buffered may reach the disk any more).
import { transfer, wrap, type Remote } from 'comlink';
import { TmemError } from '../../worker/core/errors.js';
import type { DiskItem, DiskKey, DiskSink } from '../../worker/disk/index.js';
import type { CompactionReport, DiskFaultName } from '../../worker/disk/index.js';
import type { FrontswapStats } from '../../worker/stats.js';
import type { AreaDiskApi, AreaDiskInfo, AreaOpenReply, AreaOpenRequest } from '../../worker/wire/frontswap.js';

/** Spare batch buffers kept: one per batch the write-behind buffer keeps in flight (2). */
const MAX_SPARES = 2;
/** The largest spare kept: a backlog batch of the default buffer (512 pages of 4 KiB). */
const MAX_SPARE_BYTES = 2 * 1024 * 1024;

export class DiskLink implements DiskSink {
  readonly #remote: Remote<AreaDiskApi>;
  readonly #port: MessagePort;
  readonly #pageSize: number;
  #discarded = false;
  /** Why every call is refused from now on, or null while the link is up. */
  #ended: TmemError | null = null;
  /** The calls waiting for an answer, with their rejecters. */
  readonly #pending = new Map<Promise<unknown>, (error: TmemError) => void>();
  /** Buffers of committed batches, back from the disk service, for the next ones. */
  readonly #spares: ArrayBuffer[] = [];

  /** Stops watching for the service becoming unreachable (the link has ended). */
  #unwatch: () => void = () => undefined;

  /**
   * @param port the area's end of the channel whose other end the host serves
   * @param pageSize bytes per page
   * @param watch starts watching for the disk service becoming unreachable (its thread is
   *   gone, or the store closed): calls `unreachable` with the TmemError to end the link with,
   *   and returns what stops the watch, which the link calls once it has ended for any reason,
   *   so that nothing of it stays registered on the store
   */
  constructor(port: MessagePort, pageSize: number, watch: (unreachable: (error: TmemError) => void) => () => void) {
    this.#port = port;
    this.#remote = wrap<AreaDiskApi>(port);
    this.#pageSize = pageSize;
    const unwatch = watch((e) => this.#end(e));
    if (this.#ended) unwatch(); // ended at once: the store was gone already
    else this.#unwatch = unwatch;
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
    if (this.#spares.length < MAX_SPARES && back.byteLength <= MAX_SPARE_BYTES) this.#spares.push(back);
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

  /** Once every call made before has its answer, closes the log (after its queued work) and the
   *  port. Waiting first keeps the answers in order: the service answers a read in progress
   *  before it closes, but that answer could still be on its way when the close() answer
   *  arrives, and a call still waiting then is rejected as the port closes. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#pending.keys());
    try {
      await this.#call(() => this.#remote.close());
    } finally {
      this.#end(new TmemError('area-closed', 'the frontswap area closed before its disk answered'));
    }
  }

  #call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#ended) return Promise.reject(this.#ended);
    let reject!: (error: TmemError) => void;
    const call = new Promise<T>((resolve, rej) => {
      reject = rej;
      fn().then(resolve, rej);
    });
    this.#pending.set(call, reject);
    const forget = () => this.#pending.delete(call);
    call.then(forget, forget);
    return call;
  }

  /** Refuses every later call with `error`, rejects the waiting ones with it, stops watching
   *  the store, closes the port. */
  #end(error: TmemError): void {
    if (this.#ended) return;
    this.#ended = error;
    for (const reject of this.#pending.values()) reject(error);
    this.#pending.clear();
    this.#unwatch();
    this.#port.close();
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
