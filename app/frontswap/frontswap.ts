// A frontswap area: pages stored by offset, in memory while the store has room, else copied
// into a bounded write-behind buffer and written to IndexedDB in batches by the disk service on
// the hypervisor's thread. The area lives on the calling thread because store() is
// synchronous: it owns the tier map (./tier-map.ts) and the buffer, and talks to the
// memory pool directly (no round trip) and to the disk through its DiskLink.
//
// Rules, kept here once (docs/tmem-rules.md, "Frontswap"):
//  - store() returns 'memory' or 'disk' only when memory or the buffer holds a copy; false when
//    both refused, and then the offset's older page is dropped everywhere (tmem rule 6: a
//    refused put to a live handle flushes it), so a later load never returns stale bytes.
//  - A load returns the newest store's bytes wherever they are. The buffer serves pages not yet
//    committed; an invalidate or newer store of an in-flight page wins (WriteBehind's rules).
//  - Writeback copies a page into the buffer before its frame is freed: loadable throughout.
//  - Durable areas write every page through to disk; memory is a cache of it.
//  - Bad arguments throw TmemError at once and change nothing; after close() or
//    invalidateArea() every call throws 'area-closed'.
//  - When the store closes under the area (the page's close(), or detach() on this thread) the
//    area closes at once without writing its buffer (the store's close() waits for nothing):
//    its lock is released, an 'error' event counts the pages that never reached the disk, and
//    every call, the waiting ones too, rejects with 'closed'.
//  - When the store worker is gone (the client's 'worker-gone') the disk is out of reach for
//    good, but memory is not (the store's buffer outlives its worker): the area stays open on
//    what it holds. The buffer stops (nothing more is retried), an 'error' event counts what
//    never reached the disk, loads are answered from memory and the buffer (from disk they
//    reject 'worker-gone'), and a store that would need the disk returns false: every store of
//    a durable area (it writes through), a spill of any other. An invalidate drops the page from
//    the area at once; a durable area's committed copy stays on disk, as after a crash before
//    the invalidate was written. While pages are still buffered, flush() and a durable close()
//    reject 'worker-gone' (the area stays open with them; invalidateArea() ends it); with none,
//    both resolve.
//
// About 490 lines, a third of them comments: store, load, invalidate and close share the location
// map and the buffer, and each keeps the others' invariants in one synchronous step, so they
// stay together; writeback (./writeback.ts) and the disk link (./disk-link.ts) are apart.
//
import { TmemError } from '../../worker/core/errors.js';
import { WriteBehind, type CompactionReport, type DiskFaultName } from '../../worker/disk/index.js';
import type { FrontswapStats, TmemEvent } from '../../worker/stats.js';
import type { AreaDiskInfo } from '../../worker/wire/frontswap.js';
import { checkOffset, checkPage } from './checks.js';
import { diskError, type DiskLink } from './disk-link.js';
import { TierMap, type Tier } from './tier-map.js';
import type { AreaInit, AreaStorageInfo, FrontswapClient, FrontswapEventMap } from './types.js';
import { OBJECT, Writeback } from './writeback.js';
/** How often the area's counters are sent to the hypervisor's snapshot. */
const REPORT_MS = 250;

export class Frontswap {
  readonly name: string;
  /** true: writethrough, reopened with its pages after a reload; false: cleared at open. */
  readonly durable: boolean;
  readonly pageSize: number;
  /** The area's persistent pool in the store. */
  readonly poolId: number;
  /** navigator.storage at open. */
  readonly storage: AreaStorageInfo;
  readonly #client: FrontswapClient;
  readonly #link: DiskLink;
  readonly #wb: WriteBehind;
  readonly #map = new TierMap();
  readonly #events = new EventTarget();
  readonly #release: () => Promise<void>;
  readonly #writeback: Writeback;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #onBudget = () => this.#writeback.rebalance();
  readonly #onStoreClosed = () => this.#storeClosed();
  readonly #onWorkerGone = () => this.#workerGone();
  /** Why the disk is out of reach for good (the store worker is gone), or null. */
  #diskGone: TmemError | null = null;
  #state: 'open' | 'closing' | 'closed' = 'open';
  /** The close() under way, shared by a second call. */
  #closing: Promise<void> | null = null;
  /** The area was closed by its store closing, not by close() or invalidateArea(). */
  #endedByStore = false;
  #disk: AreaDiskInfo;
  readonly #st = {
    stores: 0, succStores: 0, spilledStores: 0, failedStores: 0, loads: 0, diskLoads: 0,
    writtenBackPages: 0, invalidates: 0, readErrors: 0, lastError: null as string | null,
  };
  /** A load from disk failed and none has succeeded since ('recovered' is due at the next). */
  #readFailing = false;
  /** The area opened without its disk and no write has reached it since ('recovered' is due
   *  once one does: #checkDiskOpened). */
  #openFailed = false;
  /** The disk's own checkpoints and compactions that failed, as far as reported ('error'). */
  #backgroundErrors = 0;
  /** One of them was reported and no write has committed since ('recovered' is due). */
  #backgroundFailing = false;

  /** Made by client.frontswap(); not meant to be called directly. */
  constructor(init: AreaInit) {
    this.name = init.name;
    this.durable = init.durable;
    this.pageSize = init.client.pageSize;
    this.poolId = init.poolId;
    this.storage = init.storage;
    this.#client = init.client;
    this.#link = init.link;
    this.#disk = init.disk;
    this.#backgroundErrors = init.disk.backgroundErrors;
    this.#release = init.release;
    this.#wb = new WriteBehind(init.link, { ...init.buffer, onEvent: (e) => this.#onDiskEvent(e) });
    this.#writeback = new Writeback({
      client: this.#client, poolId: this.poolId, durable: this.durable, map: this.#map, wb: this.#wb,
      // Once the disk is gone nothing may leave memory: it could be read back from nowhere.
      isOpen: () => this.#state === 'open' && this.#diskGone === null,
      moved: (pages) => {
        this.#st.writtenBackPages += pages;
        this.#events.dispatchEvent(new CustomEvent('writeback', { detail: { pages } }));
      },
      failed: (e) => {
        this.#st.lastError = `frontswap "${this.name}": writeback stopped: ${(e as Error)?.message}`;
      },
    }, init.autoWriteback);
    for (const o of init.offsets) this.#map.addDisk(o);
    if (init.disk.lastError) {
      // Opened without its disk (worker/frontswap/area-disk-service.ts says when): say so once the
      // caller has had a chance to listen, and in the stats at once.
      const message = `frontswap "${this.name}": the disk could not be opened (${init.disk.lastError}); pages stay in memory and the write-behind buffer until it can`;
      this.#st.lastError = message;
      this.#openFailed = true;
      setTimeout(() => this.#report('error', message), 0);
    }
    this.#client.addEventListener('budget', this.#onBudget);
    this.#client.addEventListener('closed', this.#onStoreClosed);
    this.#client.addEventListener('worker-gone', this.#onWorkerGone);
    this.#timer = setInterval(() => {
      // A closed client's store worker answers nothing more: stop asking.
      if (this.#client.closed || this.#diskGone) clearInterval(this.#timer);
      else {
        this.#checkDiskOpened();
        void this.refreshStats().catch(() => undefined);
      }
    }, REPORT_MS);
    void this.refreshStats().catch(() => undefined);
    if (this.#client.workerGone) this.#workerGone(true);
  }

  /**
   * Stores a copy of `page` at `offset`. Synchronous.
   * @param offset integer in [0, 2^32)
   * @param page exactly pageSize bytes (any Uint8Array; copied, so it may be reused at once)
   * @returns 'memory' or 'disk' (the tier now holding it), or false: refused (memory and the
   *   write-behind buffer are full, or the store worker and its disk are gone and the page
   *   needed them), the caller keeps its data and the offset is empty
   * @throws TmemError 'bad-offset', 'bad-page-size', 'area-closed'
   */
  store(offset: number, page: Uint8Array): 'memory' | 'disk' | false {
    this.#open('store');
    checkOffset(offset, 'store');
    checkPage(page, this.pageSize, 'store');
    const st = this.#st;
    const map = this.#map;
    const c = this.#client;
    // The memory put first: it is what may throw (the store closed), and a store that throws
    // must leave every tier as it was.
    const inMemory = c.put(this.poolId, OBJECT, offset, page);
    st.stores++;
    if (this.#diskGone) return this.#storeWithoutDisk(offset, inMemory);
    if (this.durable) {
      // Writethrough: the buffer takes the page before store() returns, or the memory copy goes
      // too (#refuse), so memory never keeps a page the disk lacks.
      if (inMemory) map.touchMemory(offset);
      else map.dropMemory(offset); // a refused put dropped the older memory copy (rule 6)
      if (!this.#wb.enqueue(offset, page)) return this.#refuse(offset);
      map.addDisk(offset);
      if (inMemory) {
        st.succStores++;
        return 'memory';
      }
      st.spilledStores++;
      this.#writeback.queue();
      return 'disk';
    }
    if (inMemory) {
      map.touchMemory(offset);
      if (map.dropDisk(offset)) this.#wb.invalidate(offset); // the older disk copy must not come back
      st.succStores++;
      return 'memory';
    }
    map.dropMemory(offset);
    if (this.#wb.enqueue(offset, page)) {
      map.addDisk(offset);
      st.spilledStores++;
      this.#writeback.queue();
      return 'disk';
    }
    return this.#refuse(offset);
  }

  /**
   * Loads the page at `offset` from memory or the write-behind buffer. Synchronous.
   * @param offset integer in [0, 2^32)
   * @param into exactly pageSize bytes
   * @returns true when loaded; false when absent, or only on disk (use load())
   * @throws TmemError 'bad-offset', 'bad-page-size', 'area-closed'
   */
  loadSync(offset: number, into: Uint8Array): boolean {
    this.#open('loadSync');
    checkOffset(offset, 'loadSync');
    checkPage(into, this.pageSize, 'loadSync');
    this.#st.loads++;
    return this.#loadNear(offset, into) === true;
  }

  /**
   * Loads the page at `offset` from whichever tier holds it.
   * @param offset integer in [0, 2^32)
   * @param into exactly pageSize bytes
   * @returns true when loaded, false when absent
   * @throws TmemError 'bad-offset', 'bad-page-size', 'area-closed' (at once);
   *   'disk-error' / 'bad-database' / 'worker-gone' when the disk read fails; 'closed' once the
   *   store has closed, also while the read waits
   */
  async load(offset: number, into: Uint8Array): Promise<boolean> {
    this.#open('load');
    checkOffset(offset, 'load');
    checkPage(into, this.pageSize, 'load');
    this.#st.loads++;
    const near = this.#loadNear(offset, into);
    if (near !== undefined) return near;
    const [page] = await this.#link.read([offset]).catch((e) => { throw this.#readFailed(e); });
    if (this.#readFailing) {
      this.#readFailing = false;
      this.#report('recovered', `frontswap "${this.name}": loads from disk succeed again`);
    }
    if (!page) return false;
    into.set(page);
    this.#st.diskLoads++;
    return true;
  }

  /**
   * The fastest tier holding `offset`.
   * @param offset integer in [0, 2^32)
   * @throws TmemError 'bad-offset', 'area-closed'
   */
  where(offset: number): Tier {
    this.#open('where');
    checkOffset(offset, 'where');
    return this.#map.where(offset);
  }

  /**
   * Removes the page at `offset` from every tier (its disk delete follows any write of it
   * already in flight, so it cannot come back).
   * @throws TmemError 'bad-offset', 'area-closed'
   */
  invalidatePage(offset: number): void {
    this.#open('invalidatePage');
    checkOffset(offset, 'invalidatePage');
    this.#st.invalidates++;
    this.#drop(offset);
  }

  /**
   * Removes every page of the area from every tier, durable ones included, and closes the area
   * (Linux's invalidate_area at swapoff). Later calls throw 'area-closed'. Resolves when the
   * disk is cleared and the area's lock released.
   * @throws TmemError 'area-closed'; 'disk-error' when the disk could not be cleared (a durable
   *   area then still holds its pages on disk; a non-durable one is cleared at its next open)
   */
  invalidateArea(): Promise<void> {
    try {
      this.#open('invalidateArea');
    } catch (e) {
      return Promise.reject(e); // a refusal rejects, as from any other async call of the area
    }
    this.#st.invalidates++;
    this.#state = 'closed';
    this.#link.discard(); // buffered pages must not reach the disk after the clear
    this.#teardown();
    const ending = (async () => {
      try {
        await this.#link.clear();
      } catch (e) {
        throw diskError(this.name, 'invalidateArea', e);
      } finally {
        await this.#link.close().catch(() => undefined);
        await this.#release();
      }
    })();
    // A close() meanwhile resolves with it, once the lock is free (whatever the clear did).
    this.#closing = ending.catch(() => undefined);
    return ending;
  }

  /**
   * Resolves when every page stored before this call is committed to IndexedDB.
   * @throws TmemError 'area-closed'; 'disk-error' (rejection) when a write fails meanwhile: the
   *   pages stay buffered, loadable, and retried; 'closed' when the store closes meanwhile;
   *   'worker-gone' when the store worker died with pages still buffered (they stay loadable)
   */
  async flush(): Promise<void> {
    this.#open('flush');
    try {
      await this.#wb.flush();
    } catch (e) {
      throw diskError(this.name, 'flush', e);
    }
    this.#checkDiskOpened();
  }

  /**
   * Closes the area and releases its lock (resolving once the lock is free: another tab or
   * thread may open the area at once). A durable area first commits every buffered page
   * (if that fails, close rejects with 'disk-error' and the area stays open: nothing is lost);
   * a non-durable one is cleared. Later calls throw 'area-closed'. Rejects with 'closed' once
   * the store has closed under the area (which closed it then, without writing its buffer),
   * and, for a durable area, with 'worker-gone' while pages the dead store worker never
   * wrote are buffered (the area stays open with them).
   */
  close(): Promise<void> {
    if (this.#endedByStore) return Promise.reject(this.#closedError('close'));
    // A close() while one is under way shares it: it resolves (or rejects) with the first.
    if (this.#closing) return this.#closing;
    if (this.#state !== 'open') return Promise.resolve();
    this.#closing = this.#close().finally(() => { this.#closing = null; });
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.durable) {
      this.#state = 'closing';
      try {
        await this.#wb.flush();
      } catch (e) {
        if (this.#state === 'closing') this.#state = 'open'; // else the store closed meanwhile and closed the area
        throw diskError(this.name, 'close', e);
      }
    } else {
      this.#link.discard();
    }
    this.#state = 'closed';
    this.#teardown();
    try {
      if (!this.durable) await this.#link.clear().catch(() => undefined); // else cleared at next open
      await this.#link.close().catch(() => undefined);
    } finally {
      // Resolved once the lock is free: a close() awaited here lets another thread open the area.
      await this.#release();
    }
  }

  /**
   * Frontswap shrink: moves up to `pages` least recently used memory pages to the write-behind
   * buffer (durable areas: they are on disk already) and frees their frames. Stops early when
   * the buffer is full. Called automatically when the store is over its budget. Moves nothing
   * once the store worker (and with it the disk) is gone.
   * @param pages how many pages at most
   * @returns how many pages were written back
   * @throws TmemError 'bad-options', 'area-closed'
   */
  writeback(pages: number): number {
    this.#open('writeback');
    if (!Number.isInteger(pages) || pages < 0) throw new TmemError('bad-options', `writeback: pages must be an integer >= 0, got ${String(pages)}`);
    if (this.#diskGone) return 0; // memory is all that is left: nothing may leave it
    return this.#writeback.run(pages);
  }

  /** The area's counters now (disk fields as of the last report, at most ~250 ms old). */
  stats(): FrontswapStats {
    const w = this.#wb.stats();
    const st = this.#st;
    return {
      name: this.name, durable: this.durable, poolId: this.poolId,
      stores: st.stores, succStores: st.succStores, spilledStores: st.spilledStores, failedStores: st.failedStores,
      loads: st.loads, diskLoads: st.diskLoads, writtenBackPages: st.writtenBackPages, invalidates: st.invalidates,
      memoryPages: this.#map.memoryPages, inFlightPages: w.inFlightPages,
      diskPages: this.#disk.diskPages, diskBytes: this.#disk.diskBytes, diskRecordBytes: this.#disk.diskRecordBytes,
      compactions: this.#disk.compactions, diskErrors: Math.max(w.errors + st.readErrors, this.#disk.errors), lastError: st.lastError,
    };
  }

  /** Sends the counters to the hypervisor's snapshot and returns them with fresh disk fields. */
  async refreshStats(): Promise<FrontswapStats> {
    if (this.#state === 'closed' || this.#client.closed || this.#diskGone) return this.stats();
    this.#disk = await this.#link.report(this.stats());
    if (this.#state === 'open') this.#checkBackground();
    return this.stats();
  }

  /** Rewrites the area's disk records whose dead fraction is at least `threshold` (default
   *  0.5); the log also compacts by itself. */
  compact(threshold?: number): Promise<CompactionReport> {
    this.#open('compact');
    return this.#link.compact(threshold);
  }

  /** Test hook: the next `count` disk write transactions fail as the browser would. */
  injectDiskFault(fault: { count: number; name: DiskFaultName }): Promise<void> {
    this.#open('injectDiskFault');
    return this.#link.injectFault(fault);
  }

  addEventListener<K extends keyof FrontswapEventMap>(type: K, listener: (event: FrontswapEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void {
    this.#events.addEventListener(type, listener as EventListener, options);
  }

  removeEventListener<K extends keyof FrontswapEventMap>(type: K, listener: (event: FrontswapEventMap[K]) => void, options?: boolean | EventListenerOptions): void {
    this.#events.removeEventListener(type, listener as EventListener, options);
  }

  /** Memory or buffer: true/false when they answer, undefined when only the disk can. */
  #loadNear(offset: number, into: Uint8Array): boolean | undefined {
    const map = this.#map;
    if (map.inMemory(offset)) {
      if (this.#client.get(this.poolId, OBJECT, offset, into)) {
        map.touchMemory(offset);
        return true;
      }
      map.dropMemory(offset);
    }
    if (!map.onDisk(offset)) return false;
    const buffered = this.#wb.read(offset, into);
    if (buffered) return true;
    return buffered === null ? false : undefined;
  }

  /** store() once the disk is gone: memory only, and only for an area that is not durable. */
  #storeWithoutDisk(offset: number, inMemory: boolean): 'memory' | false {
    if (inMemory && !this.durable) {
      this.#map.touchMemory(offset);
      if (this.#map.dropDisk(offset)) this.#wb.forget(offset); // its older disk copy is not read any more
      this.#st.succStores++;
      return 'memory';
    }
    // Durable: memory may not keep a page the disk lacks. Else memory refused it, and the
    // buffer could never write it.
    if (inMemory) this.#client.flushPage(this.poolId, OBJECT, offset);
    this.#map.dropMemory(offset);
    return this.#refuse(offset);
  }

  #refuse(offset: number): false {
    this.#st.failedStores++;
    this.#drop(offset);
    return false;
  }

  #drop(offset: number): void {
    if (this.#map.dropMemory(offset)) this.#client.flushPage(this.poolId, OBJECT, offset);
    if (!this.#map.dropDisk(offset)) return;
    // Once the disk is gone the buffer takes nothing more, and lets go of the page's copy:
    // no longer loadable, it must not keep flush() and a durable close() rejecting.
    if (this.#diskGone) this.#wb.forget(offset);
    else this.#wb.invalidate(offset);
  }

  /** The store worker is gone: the disk with it. Ends the buffer, keeps the area (top rules).
   *  @param later dispatch the 'error' event in a later task (from the constructor: the
   *    caller has not had a chance to listen yet) */
  #workerGone(later = false): void {
    if (this.#state === 'closed' || this.#diskGone) return;
    const { inFlightPages, pendingDeletes } = this.#wb.stats();
    const error = new TmemError('worker-gone', `frontswap area "${this.name}": the store worker is gone, so the disk is unreachable; ${inFlightPages} buffered pages never reached it (they stay loadable until the area closes)`);
    this.#diskGone = error;
    clearInterval(this.#timer);
    this.#wb.stop(error); // no retries; waiting flushes (and a durable close()) reject
    const message = `frontswap "${this.name}": the store worker is gone, so the disk is unreachable; ${inFlightPages} buffered pages and ${pendingDeletes} invalidates never reached it. Pages in memory and the buffer stay loadable; stores that need the disk return false`;
    this.#st.lastError = message;
    const report = () => this.#report('error', message);
    if (later) setTimeout(report, 0);
    else report();
  }

  /** The store closed under the area: ends it as the rules at the top say. */
  #storeClosed(): void {
    if (this.#state === 'closed') return;
    const { inFlightPages, pendingDeletes } = this.#wb.stats();
    const error = new TmemError('closed', `frontswap area "${this.name}": the webtmem store closed while the call waited`);
    this.#state = 'closed';
    this.#endedByStore = true;
    this.#wb.stop(error); // waiting flushes (and a durable close()) reject 'closed'
    this.#teardown();
    void this.#release();
    const message = `frontswap "${this.name}": the webtmem store closed; ${inFlightPages} buffered pages and ${pendingDeletes} invalidates never reached the disk`;
    this.#st.lastError = message;
    this.#report('error', message);
  }

  #closedError(what: string): TmemError {
    return new TmemError('closed', `${what}: frontswap area "${this.name}": the webtmem store is closed`);
  }

  /** A load's disk read failed: the error it rejects with, counted and reported (an 'error'
   *  event, lastError) when the disk failed it, as a failed write is. 'worker-gone' and
   *  'closed' have their own reports. */
  #readFailed(e: unknown): TmemError {
    const err = diskError(this.name, 'load', e);
    if (err.code === 'disk-error' || err.code === 'bad-database') {
      this.#st.readErrors++;
      this.#st.lastError = err.message;
      this.#readFailing = true;
      this.#report('error', `frontswap "${this.name}": a load from disk failed: ${err.message}`);
    }
    return err;
  }

  /** An area that opened without its disk says 'recovered' once a write batch has reached it,
   *  when no failed write said so first (the disk opened before any write failed). Checked at
   *  each stats report and after a flush. */
  #checkDiskOpened(): void {
    if (!this.#openFailed || this.#wb.stats().batches === 0) return;
    this.#openFailed = false;
    this.#report('recovered', `frontswap "${this.name}": the disk opened and takes writes`);
  }

  /** The log checkpoints and compacts by itself after writes; when one of those transactions
   *  fails no call of the area rejects, so the stats report says so: 'error' once per new
   *  failure, 'recovered' once a write has committed since. Nothing is lost either way. */
  #checkBackground(): void {
    const disk = this.#disk;
    if (disk.backgroundErrors > this.#backgroundErrors) {
      this.#backgroundErrors = disk.backgroundErrors;
      this.#backgroundFailing = true;
      const message = `frontswap "${this.name}": the disk's own checkpoint or compaction failed (${disk.lastError ?? 'no reason given'}); nothing is lost, the next write tries it again`;
      this.#st.lastError = message;
      this.#report('error', message);
    } else if (this.#backgroundFailing && !disk.failing) {
      this.#backgroundFailing = false;
      this.#report('recovered', `frontswap "${this.name}": the disk commits again`);
    }
  }

  /** Fires 'error' (a TmemEvent of kind 'disk-error') or 'recovered' ('disk-recovered'). */
  #report(type: 'error' | 'recovered', message: string): void {
    const kind = type === 'error' ? 'disk-error' : 'disk-recovered';
    this.#events.dispatchEvent(new CustomEvent(type, { detail: { time: Date.now(), kind, message } }));
  }

  #onDiskEvent(e: TmemEvent): void {
    const event = { ...e, message: `frontswap "${this.name}": ${e.message}` };
    if (e.kind === 'disk-error') {
      this.#st.lastError = e.message;
      this.#events.dispatchEvent(new CustomEvent('error', { detail: event }));
    } else if (e.kind === 'disk-recovered') {
      this.#openFailed = false;
      this.#events.dispatchEvent(new CustomEvent('recovered', { detail: event }));
      this.#writeback.queue();
    }
  }

  /** Drops the memory tier and stops timers and listeners (state already 'closed'). */
  #teardown(): void {
    clearInterval(this.#timer);
    this.#client.removeEventListener('budget', this.#onBudget);
    this.#client.removeEventListener('closed', this.#onStoreClosed);
    this.#client.removeEventListener('worker-gone', this.#onWorkerGone);
    this.#map.clear();
    if (this.#client.closed) return;
    // Each on its own: a store-busy (a lock held by a dead thread) leaves what it could not
    // remove, but must not keep the area's link, listeners and lock, which the caller lets go
    // of next. destroyPool removes the pool's pages too, so it is tried even if the flush failed.
    for (const step of [() => this.#client.flushObject(this.poolId, OBJECT), () => this.#client.destroyPool(this.poolId)]) {
      try {
        step();
      } catch (e) {
        this.#st.lastError = `frontswap "${this.name}": its memory pool could not be emptied: ${(e as Error)?.message}`;
      }
    }
  }

  #open(what: string): void {
    if (this.#endedByStore) throw this.#closedError(what);
    if (this.#state !== 'open') throw new TmemError('area-closed', `${what}: frontswap area "${this.name}" is closed or invalidated`);
  }
}
