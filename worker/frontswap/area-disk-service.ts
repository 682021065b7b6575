// One frontswap area's disk, on the hypervisor's thread: a DiskLog named "frontswap:<area>",
// fed by the area's write-behind batches. The service only moves bytes and keeps no location
// map of its own: the area on the calling thread owns where each offset lives, and the log's
// own map says where its committed pages sit in the records.
//
// A disk that cannot be opened (IndexedDB's "Internal error opening backing store", a broken
// profile) does not stop a non-durable area: nothing of its session is on disk yet, so it opens
// in memory, and the log is opened (and cleared) by the first write that finds the disk back;
// until then each write rejects with 'disk-error' and the area's write-behind buffer keeps the
// pages and retries with backoff. A durable area needs its committed pages, so its open rejects.
//
// An area that ends without close() (its thread terminated or crashed, its iframe gone, or the
// store detached on that thread) sends nothing more, and a MessagePort tells nothing of its other
// end's death (Chromium 156 fires no 'close' event for it). So the area's thread holds a Web
// Lock of its own while the area is open (the open request names it) and the service asks for
// it: the browser grants it once that thread lets go, and the service then closes as close()
// does (the batches it received are committed, the log closed). The buffer on the area's
// thread is gone with that thread: pages still there were never received and are lost, as
// with a crash; committed pages stay. And a service that watches its area so holds the area's
// disk lock from open until its log is closed, so the next open of the area, in this tab or
// another, waits for the previous service's last writes: a durable area reopens with them, a
// non-durable one's clear is not undone by them. The area's pool in the store goes too: its
// persistent pages are never evicted, and no thread is left to read or destroy them, so the
// service has the hypervisor destroy it, if the pool is still the one named with the area's
// port (or its open request) when the service began to watch (a pool id is given out again
// once destroyed: the area may have destroyed its own just before its thread ended, and
// another pool taken the id since).
import { transfer } from 'comlink';
import { TmemError } from '../core/errors.js';
import { openDiskLog, type CompactionReport, type DiskFaultName, type DiskLog } from '../disk/index.js';
import type { FrontswapStats, TmemEvent } from '../stats.js';
import { AREA_HOLDER_LOCK_PREFIX, isAreaOpenRequest, isHolderLockName, type AreaDiskApi, type AreaDiskInfo, type AreaOpenReply, type AreaOpenRequest, type AreaReadReply } from '../wire/frontswap.js';

/** The disk log name of an area; the prefix keeps areas apart from the service worker's logs. */
export const areaLogName = (name: string): string => `frontswap:${name}`;

/** The Web Lock a service of the area holds from open until its log is closed. */
export const areaDiskLockName = (name: string): string => `webtmem-area-disk:${name}`;

/** The store's pools as the hypervisor sees them: enough to destroy the pool of an area that
 *  ended without close(), and no other (worker/core/store.ts: poolTag, destroyPoolIf). */
export interface AreaPools {
  /** The tag (id and generation) of the live pool `poolId`, or 0. */
  tagOf(poolId: number): number;
  /** Destroys the pool if it is still the one of `tag`; false when it is not. */
  destroyIf(poolId: number, tag: number): boolean;
}

/** Web Locks where the host runs, if any (without them areas cannot open: area-lock.ts). */
const hostLocks = (): LockManager | undefined => (globalThis.navigator as Navigator | undefined)?.locks;

export class AreaDiskService implements AreaDiskApi {
  #log: DiskLog | null = null;
  /** The open request, kept while the log could not be opened yet (non-durable areas). */
  #request: AreaOpenRequest | null = null;
  #opening: Promise<DiskLog> | null = null;
  /** Failed opens of the log, and the last one's text. */
  #openErrors = 0;
  #lastOpenError: string | null = null;
  #pageSize = 0;
  #name = '';
  #durable = false;
  #stats: FrontswapStats | null = null;
  #closing: Promise<void> | null = null;
  /** open() was called with a valid request (it may have failed since). */
  #opened = false;
  /** Aborted at close: the lock requests still waiting (the holder watch, the disk lock) go. */
  readonly #lockRequests = new AbortController();
  /** Resolves once the log is closed: the disk lock is held until then. */
  readonly #logClosed: Promise<void>;
  #markLogClosed!: () => void;
  readonly #onEvent: (event: TmemEvent) => void;
  readonly #onClose: () => void;
  readonly #pools: AreaPools | undefined;
  /** The area's pool as it was when the service began to watch its holder lock (see watch),
   *  destroyed if the area ends without close(); null when none was named (or no pool was
   *  live under its id). */
  #pool: { id: number; tag: number } | null = null;
  /** The holder lock watched (see watch). */
  #watched: string | null = null;

  /**
   * @param onEvent told of the log's disk errors, recoveries and compactions.
   * @param onClose called once the service has closed (its log closed and every call before
   *   close() answered): the port may close after close()'s own answer has been posted.
   * @param pools the store's pools, to destroy the pool of an area that ended without close()
   *   (without them such a pool stays until the store closes).
   */
  constructor(onEvent: (event: TmemEvent) => void, onClose: () => void, pools?: AreaPools) {
    this.#onEvent = onEvent;
    this.#onClose = onClose;
    this.#pools = pools;
    this.#logClosed = new Promise((resolve) => { this.#markLogClosed = resolve; });
  }

  async open(request: AreaOpenRequest): Promise<AreaOpenReply> {
    if (!isAreaOpenRequest(request)) throw new TmemError('bad-options', 'open: not an area open request (name, durable, pageSize, recordBytes?, holderLock?, poolId?)');
    // Once per port: a second open would wait for the disk lock this service holds itself.
    if (this.#opened) throw new TmemError('bad-options', 'open: this area port has been opened already');
    if (request.holderLock !== undefined && this.#watched !== null && request.holderLock !== this.#watched) {
      throw new TmemError('bad-options', 'open: the request names another holder lock than its port');
    }
    if (this.#pool && request.poolId !== this.#pool.id) {
      throw new TmemError('bad-options', 'open: the request names another pool than its port');
    }
    if (this.#closing) throw new TmemError('area-closed', 'open: this area port is closed');
    this.#opened = true;
    this.#pageSize = request.pageSize;
    this.#name = request.name;
    this.#durable = request.durable;
    this.#request = request;
    // Only a service that watches its area's holder may hold the disk lock: it is sure to let
    // go of it, however the area ends.
    if (request.holderLock !== undefined && this.watch(request.holderLock, request.poolId)) {
      try {
        await this.#takeDiskLock(request.name);
      } catch {
        // Withdrawn by close() (checked next); any other refusal leaves this open unordered, as
        // where there are no Web Locks.
      }
    }
    if (this.#request !== request) throw new TmemError('area-closed', `open: frontswap area "${request.name}" closed while its previous disk service finished its writes`);
    try {
      const log = await this.#ensureLog();
      const offsets = log.keys() as number[]; // #openLog checked they are all offsets
      return { offsets, disk: this.#info() };
    } catch (e) {
      if (request.durable || (e instanceof TmemError && e.code !== 'disk-error')) {
        this.#request = null;
        throw e;
      }
      return { offsets: [], disk: this.#info() };
    }
  }

  async writeBatch(offsets: number[], data: ArrayBuffer): Promise<ArrayBuffer> {
    const log = await this.#ensureLog();
    const ps = this.#pageSize;
    if (data.byteLength < offsets.length * ps) {
      throw new TmemError('bad-page-size', `writeBatch: ${data.byteLength} bytes for ${offsets.length} pages of ${ps}`);
    }
    // Views into the one transferred buffer: the log copies them into its records when the
    // transaction runs; after the commit the buffer goes back to the area, which refills it
    // for its next batch (memory written before costs a fraction of fresh memory).
    await log.writeBatch(offsets.map((key, i) => ({ key, bytes: new Uint8Array(data, i * ps, ps) })));
    return transfer(data, [data]);
  }

  async deleteBatch(offsets: number[]): Promise<void> {
    return (await this.#ensureLog()).deleteBatch(offsets);
  }

  async read(offsets: number[]): Promise<AreaReadReply> {
    const values = await (await this.#ensureLog()).readMany(offsets);
    const ps = this.#pageSize;
    const hits = new Uint8Array(offsets.length);
    const data = new ArrayBuffer(offsets.length * ps);
    values.forEach((v, i) => {
      if (!v) return;
      if (v.byteLength !== ps) throw new TmemError('bad-database', `${this.#name}: offset ${offsets[i]} holds ${v.byteLength} bytes, not a page of ${ps}`);
      new Uint8Array(data, i * ps, ps).set(v);
      hits[i] = 1;
    });
    return transfer({ hits, data }, [data]);
  }

  async clear(): Promise<void> {
    return (await this.#ensureLog()).clear();
  }

  report(stats: FrontswapStats): AreaDiskInfo {
    this.#stats = stats;
    return this.#info();
  }

  async compact(threshold?: number): Promise<CompactionReport> {
    return (await this.#ensureLog()).compact(threshold === undefined ? {} : { threshold });
  }

  async injectFault(fault: { count: number; name: DiskFaultName }): Promise<void> {
    (await this.#ensureLog()).injectFault(fault);
  }

  /** Refuses later calls, closes the log once the work it holds is done (queued writes, the
   *  compactions and checkpoints they queued, reads in progress), and only then tells the host,
   *  which closes the port after this call's answer: every call made before close() has been
   *  answered by then. A second call shares the first. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const log = this.#log;
    // A log still opening (a non-durable one may be clearing itself) is closed by #ensureLog
    // once open, as the request is gone; the disk lock waits for that too, or the next
    // service's pages could land before this one's clear.
    const opening = this.#opening;
    this.#log = null;
    this.#request = null;
    this.#stats = null;
    this.#lockRequests.abort();
    try {
      await log?.close();
      await opening?.catch(() => undefined);
    } finally {
      this.#markLogClosed(); // releases the disk lock: the area's next service may open
      this.#onClose();
    }
  }

  /**
   * Watches the area's holder lock from now on (the host calls this as the port connects; open
   * does if it has not been): once the area's thread lets go of it, the service destroys the
   * area's pool and closes (see the top of this file). A service closed first withdraws the
   * request. False when there is nothing to watch (no Web Locks here, or already closing) or
   * another lock is watched already.
   * @param holderLock the area's holder lock name (AREA_HOLDER_LOCK_PREFIX, area, id)
   * @param poolId the area's pool, made before; its tag is read now, while only the area (which
   *   is waiting for this service) could destroy it
   */
  watch(holderLock: string, poolId?: number): boolean {
    if (this.#watched !== null) return this.#watched === holderLock;
    const locks = hostLocks();
    if (!locks || this.#closing || !isHolderLockName(holderLock)) return false;
    this.#watched = holderLock;
    const tag = poolId === undefined ? 0 : this.#pools?.tagOf(poolId) ?? 0;
    if (tag !== 0) this.#pool = { id: poolId!, tag };
    locks.request(holderLock, { signal: this.#lockRequests.signal }, async () => {
      const name = this.#name || holderLock.slice(AREA_HOLDER_LOCK_PREFIX.length).replace(/:[^:]*$/, '');
      this.#onEvent({ time: Date.now(), kind: 'info', message: `frontswap "${name}": the area ended without closing its disk (its thread is gone, or detached from the store); the disk commits what it received and closes` });
      this.#destroyPool(name);
      await this.close();
    }).catch(() => undefined); // AbortError: closed first
    return true;
  }

  /** Destroys the pool of an area that ended without close() (see the top of this file). */
  #destroyPool(name: string): void {
    const pool = this.#pool;
    this.#pool = null;
    if (!pool || !this.#pools) return;
    let message: string;
    try {
      message = this.#pools.destroyIf(pool.id, pool.tag)
        ? `its memory pool ${pool.id} was destroyed, freeing its frames`
        : `its memory pool ${pool.id} was gone already`;
    } catch (e) {
      // store-busy: a lock held by a dead thread. A stuck bucket leaves the pool dying (a later
      // destroy finishes it), a stuck pool lock leaves it live; either way the frames stay.
      message = `its memory pool ${pool.id} could not be destroyed: ${(e as Error)?.message}`;
    }
    this.#onEvent({ time: Date.now(), kind: 'info', message: `frontswap "${name}": ${message}` });
  }

  /** Resolves once this service holds the area's disk lock: the previous service of the area,
   *  in this tab or another, has closed its log. Held until this one's log is closed. Rejects
   *  when close() withdraws the request. */
  #takeDiskLock(name: string): Promise<void> {
    const locks = hostLocks()!; // watch() found them
    return new Promise((granted, refused) => {
      locks.request(areaDiskLockName(name), { signal: this.#lockRequests.signal }, () => {
        granted();
        return this.#logClosed;
      }).catch(refused);
    });
  }

  /** The area's last reported counters with the disk's current ones, or null before the
   *  first report (or after close). */
  snapshot(): FrontswapStats | null {
    if (!this.#stats || !this.#request) return null;
    const d = this.#info();
    return {
      ...this.#stats, name: this.#name, durable: this.#durable, diskPages: d.diskPages, diskBytes: d.diskBytes,
      diskRecordBytes: d.diskRecordBytes, compactions: d.compactions,
    };
  }

  #info(): AreaDiskInfo {
    const s = this.#log?.stats();
    return {
      diskPages: s?.liveValues ?? 0, diskBytes: s?.liveBytes ?? 0, diskRecordBytes: s?.recordBytes ?? 0,
      compactions: s?.compactions ?? 0, errors: (s?.errors ?? 0) + this.#openErrors,
      lastError: (this.#log ? s!.lastError : null) ?? this.#lastOpenError,
      backgroundErrors: s?.backgroundErrors ?? 0, failing: s?.failing ?? false,
    };
  }

  /** The area's log, opened now if it could not be before (one attempt per call; the caller's
   *  write-behind buffer paces the retries). */
  #ensureLog(): Promise<DiskLog> {
    if (this.#log) return Promise.resolve(this.#log);
    const request = this.#request;
    if (!request) return Promise.reject(new TmemError('area-closed', 'the frontswap area is not open on this port'));
    this.#opening ??= this.#openLog(request).then(
      async (log) => {
        this.#opening = null;
        if (this.#request !== request) {
          await log.close(); // close() waits for this (through #opening) before the disk lock goes
          throw new TmemError('area-closed', 'the frontswap area closed while its disk was opening');
        }
        this.#log = log;
        if (this.#openErrors > 0) this.#onEvent({ time: Date.now(), kind: 'disk-recovered', message: `frontswap "${request.name}": the disk opened` });
        return log;
      },
      (e: unknown) => {
        this.#opening = null;
        if (!(e instanceof TmemError) || e.code === 'disk-error') {
          const err = e as Error;
          this.#openErrors++;
          this.#lastOpenError = `${err?.name}: ${err?.message}`;
          this.#onEvent({ time: Date.now(), kind: 'disk-error', message: `frontswap "${request.name}": ${this.#lastOpenError}` });
        }
        throw e;
      },
    );
    return this.#opening;
  }

  /** Opens the log, clears it for a non-durable area, checks it holds this area's pages. */
  async #openLog(request: AreaOpenRequest): Promise<DiskLog> {
    const log = await openDiskLog(areaLogName(request.name), {
      ...(request.recordBytes === undefined ? {} : { recordBytes: request.recordBytes }),
      onEvent: (e) => this.#onEvent({ ...e, message: `frontswap "${request.name}": ${e.message}` }),
    });
    try {
      if (!request.durable) await log.clear();
      const offsets = log.keys().filter((k): k is number => typeof k === 'number');
      if (offsets.length !== log.keys().length) {
        throw new TmemError('bad-database', `${log.dbName}: holds string keys, so it is not a frontswap area`);
      }
      // A durable area reopened with another page size would misread every page: check one.
      if (offsets.length > 0) {
        const sample = await log.read(offsets[0]);
        if (!sample || sample.byteLength !== request.pageSize) {
          throw new TmemError('bad-database', `${log.dbName}: holds pages of ${sample?.byteLength ?? '?'} bytes, the store's are ${request.pageSize}`);
        }
      }
      return log;
    } catch (e) {
      await log.close();
      throw e;
    }
  }
}
