// A thread's handle on the store: the core's synchronous methods on the shared memory (no
// round trip) and the store worker's control plane (async). The page's client (connect) and
// app workers' handles (connectShared) are this class with a few calls added, so the rules
// below hold on every thread and are written here once:
//
// - After close() (by the page, for every thread) or detach() (this thread only), data calls
//   throw and control calls reject with 'closed', also the control calls already waiting; a
//   'closed' event tells what holds more than calls (a frontswap area's lock and buffer).
// - Once the store worker is gone (terminated, crashed, closed itself) control calls reject
//   with 'worker-gone', also the calls already waiting; data calls keep working on the memory.
//   Each thread learns of the death itself: the store worker holds a Web Lock until it dies,
//   and this handle's request for the same lock is granted only then. A close() after the
//   death is learnt from the lifecycle word (Atomics.waitAsync), and fires 'closed' too.
// - Errors carry their code in `code`; nothing here reads a message's text.
import { TmemError } from '../core/errors.js';
import type { PoolFlags, TmemStats, TmemStore } from '../core/types.js';
import type { StatsSnapshot } from '../stats.js';
import type { BudgetInfo } from '../hypervisor/budget.js';
import type { ControlApi } from '../hypervisor/hypervisor.js';
import { Lifecycle } from './lifecycle.js';

/** A control plane as reached from this thread: comlink's proxy (its methods return
 *  promises) or, in local mode, the hypervisor itself. */
export type ControlLink = { [K in keyof ControlApi]: (...args: Parameters<ControlApi[K]>) => ReturnType<ControlApi[K]> | Promise<ReturnType<ControlApi[K]>> };

/** The core as attach() makes it: a Store, whose usedFrames and releaseSlot go beyond the
 *  contract's TmemStore (optional here, so that a plain TmemStore still fits). */
export type AttachedStore = TmemStore & { readonly usedFrames?: number; releaseSlot?(): void };

/** What a handle is made of. */
export interface StoreHandleWiring {
  /** The core, attached to the store buffer on this thread. */
  store: AttachedStore;
  /** The lifecycle buffer handed out with the store. */
  lifecycle: SharedArrayBuffer | ArrayBuffer;
  control: ControlLink;
  /** The Web Lock the store worker holds while alive, or null (local mode, no Web Locks). */
  lockName: string | null;
}

/** Events every handle fires. */
export interface StoreHandleEventMap {
  /** This thread saw the store worker stop; the memory keeps working, control calls reject. */
  'worker-gone': CustomEvent<{ reason: string }>;
  /** The store closed for this thread (close() on the page, another thread's close() seen
   *  here, or detach() on this thread); fired once. */
  closed: CustomEvent<{ reason: string }>;
}

/** Why control calls are refused from now on. */
interface Ended {
  code: 'closed' | 'worker-gone';
  reason: string;
}

const GONE_REASON = 'the store worker stopped (terminated, crashed or closed)';
/** Bounds on one wait for the store's close once its worker is gone (the wait then looks again). */
const CLOSE_FIRST_WAIT_MS = 250;
const CLOSE_WAIT_MS = 30_000;

/** The store as one thread sees it; see the rules at the top of this file.
 *  @typeParam Events the events of the handle (a subclass adds its own). */
export class StoreHandle<Events extends StoreHandleEventMap = StoreHandleEventMap> {
  readonly #store: AttachedStore;
  readonly #life: Lifecycle;
  readonly #control: ControlLink;
  readonly #events = new EventTarget();
  readonly #watch = new AbortController();
  /** Rejecters of the control calls in flight. */
  readonly #pending = new Set<(ended: Ended) => void>();
  #detached = false;
  #ended: Ended | null = null;

  constructor(wiring: StoreHandleWiring) {
    this.#store = wiring.store;
    this.#life = new Lifecycle(wiring.lifecycle);
    this.#control = wiring.control;
    this.#watchLock(wiring.lockName);
  }

  /** True once the store was closed (by its owner) or this thread detached. */
  get closed(): boolean {
    return this.#detached || this.#life.closed;
  }

  /** True once the store worker stopped, as seen by this thread or another. */
  get workerGone(): boolean {
    return this.#ended?.code === 'worker-gone' || this.#life.gone;
  }

  /** The store's page size in bytes. */
  get pageSize(): number {
    return this.#store.pageSize;
  }

  /** Frames the store was created with. */
  get totalFrames(): number {
    return this.#store.totalFrames;
  }

  /** Frames the store may use now (the hypervisor sets it). */
  get budgetFrames(): number {
    return this.#store.budgetFrames;
  }

  // Each data method checks the lifecycle first: one read, then the core.

  /** Creates a pool (core `newPool`); `flags.maxPages` caps it. */
  newPool(flags: PoolFlags): number {
    return this.#open().newPool(flags);
  }

  /** Destroys a pool and frees its frames (core `destroyPool`). */
  destroyPool(poolId: number): void {
    this.#open().destroyPool(poolId);
  }

  /** Copies a page in; false when the store refused it (core `put`). */
  put(poolId: number, object: bigint | number, index: number, page: Uint8Array): boolean {
    return this.#open().put(poolId, object, index, page);
  }

  /** Copies a page out into `into`; false on a miss (core `get`). */
  get(poolId: number, object: bigint | number, index: number, into: Uint8Array): boolean {
    return this.#open().get(poolId, object, index, into);
  }

  /** Drops one page (core `flushPage`). */
  flushPage(poolId: number, object: bigint | number, index: number): void {
    this.#open().flushPage(poolId, object, index);
  }

  /** Drops every page of an object (core `flushObject`). */
  flushObject(poolId: number, object: bigint | number): void {
    this.#open().flushObject(poolId, object);
  }

  /** Puts consecutive pages of one object (core `putMany`); returns how many were stored. */
  putMany(poolId: number, object: bigint | number, index: number, pages: Uint8Array, count?: number): number {
    return this.#open().putMany(poolId, object, index, pages, count);
  }

  /** Gets consecutive pages of one object (core `getMany`); returns the number of hits. */
  getMany(poolId: number, object: bigint | number, index: number, into: Uint8Array, count?: number, hits?: Uint8Array): number {
    return this.#open().getMany(poolId, object, index, into, count, hits);
  }

  /** Sets or clears (0) a pool's page cap (core `setPoolCap`). */
  setPoolCap(poolId: number, maxPages: number): void {
    this.#open().setPoolCap(poolId, maxPages);
  }

  /** The core's counters, read on this thread (synchronous; no tiers, no pressure). */
  storeStats(): TmemStats {
    return this.#open().stats();
  }

  /** Frames the store is over its budget now (used − budget; 0 or less when within it):
   *  two words read, where storeStats() sums every pool's counters. */
  framesOverBudget(): number {
    const store = this.#open();
    return (store.usedFrames ?? store.stats().usedFrames) - store.budgetFrames;
  }

  /** A fresh snapshot from the store worker: store, tiers, pressure, recent events. */
  stats(): Promise<StatsSnapshot> {
    return this.call('stats', (c) => c.snapshot());
  }

  /** The budget in force. */
  budget(): Promise<BudgetInfo> {
    return this.call('budget', (c) => c.budget());
  }

  addEventListener<K extends keyof Events & string>(
    type: K, listener: (event: Events[K]) => void, options?: boolean | AddEventListenerOptions,
  ): void {
    this.#events.addEventListener(type, listener as EventListener, options);
  }

  removeEventListener<K extends keyof Events & string>(
    type: K, listener: (event: Events[K]) => void, options?: boolean | EventListenerOptions,
  ): void {
    this.#events.removeEventListener(type, listener as EventListener, options);
  }

  /**
   * Runs a control call under the rules: refused at once after close or the worker's death,
   * rejected when either happens while it waits.
   * @param name the method's name, for the error message.
   */
  protected call<T>(name: string, fn: (control: ControlLink) => T | Promise<T>): Promise<T> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(new TmemError(refused.code, `${name}: ${refused.reason}`));
    return new Promise<T>((resolve, reject) => {
      const abort = (ended: Ended) => reject(new TmemError(ended.code, `${name}: ${ended.reason}`));
      this.#pending.add(abort);
      const settle = () => this.#pending.delete(abort);
      Promise.resolve()
        // Refused meanwhile (closed, detached, the worker gone): the caller has its TmemError,
        // which promises the call changed nothing, so it is not sent.
        .then(() => (this.#pending.has(abort) ? fn(this.#control) : (undefined as T)))
        .then(
          (value) => { if (settle()) resolve(value); },
          (error: unknown) => { if (settle()) reject(error); },
        );
    });
  }

  /** Dispatches an event to this handle's listeners. */
  protected dispatch(event: Event): void {
    this.#events.dispatchEvent(event);
  }

  /** Closes the store for every thread (the page's close()); calls in flight reject 'closed'. */
  protected closeForAll(reason: string): void {
    this.#life.markClosed();
    this.#end({ code: 'closed', reason });
  }

  /** Stops using the store on this thread only; calls in flight reject 'closed'. */
  protected detachThread(reason: string): void {
    const first = !this.#detached;
    this.#detached = true;
    this.#end({ code: 'closed', reason });
    // Last: no data call reaches the core from here on, so a thread attaching later may own
    // this thread's counter slot.
    if (first) this.#store.releaseSlot?.();
  }

  /**
   * The store worker is gone (its lock was released, or it reported a fatal error): marks it
   * for every thread, rejects the calls in flight and fires 'worker-gone' once.
   * @returns false when this handle had already ended (closed, detached or gone).
   */
  protected workerStopped(reason: string): boolean {
    if (this.#ended) return false;
    if (this.#life.closed) {
      // The page closed the store and ended its worker: an ordinary close, not a fault.
      this.#end({ code: 'closed', reason: 'the webtmem store is closed' });
      return true;
    }
    this.#life.markGone();
    this.#end({
      code: this.#life.closed ? 'closed' : 'worker-gone',
      reason: this.#life.closed ? 'the webtmem store is closed' : `${reason}; puts and gets still work on the memory, control calls do not`,
    });
    this.dispatch(new CustomEvent('worker-gone', { detail: { reason } }));
    if (this.waitsForClose()) void this.#awaitClose();
    return true;
  }

  /** Whether, once the store worker is gone, this handle waits for the page's close() to end
   *  as 'closed' (#awaitClose). The page's own client does not: it is what closes, and the
   *  wait would keep the dead store's memory alive once the app drops the client. */
  protected waitsForClose(): boolean {
    return true;
  }

  /** The store worker is gone, so a later close() by the page reaches this thread by no
   *  message and no lock: the lifecycle word itself is waited on, so that 'closed' still
   *  fires here (a frontswap area on this thread then lets its lock go). Ends with this
   *  handle: detached or closed. */
  async #awaitClose(): Promise<void> {
    // Each wait twice as long as the last, up to CLOSE_WAIT_MS: a waitAsync is woken by the
    // close at once; where the word is polled instead, a thread whose page never closes the
    // store (it unloads) soon looks only twice a minute.
    let waitMs = CLOSE_FIRST_WAIT_MS;
    while (!this.#detached && this.#ended?.code !== 'closed') {
      if (this.#life.closed) {
        this.#end({ code: 'closed', reason: 'the webtmem store is closed' });
        return;
      }
      await this.#life.closedOrTimeout(waitMs);
      waitMs = Math.min(2 * waitMs, CLOSE_WAIT_MS);
    }
  }

  /** Called once when this handle ends, for subclasses to stop their own watches. */
  protected onEnded(): void {}

  #end(ended: Ended): void {
    if (this.#ended?.code === 'closed') return;
    const first = this.#ended === null;
    this.#ended = ended;
    this.#watch.abort();
    for (const abort of this.#pending) abort(ended);
    this.#pending.clear();
    if (first) this.onEnded();
    if (ended.code === 'closed') this.dispatch(new CustomEvent('closed', { detail: { reason: ended.reason } }));
  }

  #refusal(): Ended | null {
    if (this.closed) return { code: 'closed', reason: this.#ended?.code === 'closed' ? this.#ended.reason : 'the webtmem store is closed' };
    if (this.#ended) return this.#ended;
    if (this.#life.gone) return { code: 'worker-gone', reason: `${GONE_REASON}; puts and gets still work on the memory, control calls do not` };
    return null;
  }

  /** The store worker holds its Web Lock until it dies; this request is granted only then. */
  #watchLock(name: string | null): void {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!name || !locks) return;
    locks
      .request(name, { signal: this.#watch.signal }, () => { this.workerStopped(GONE_REASON); })
      .catch(() => {}); // AbortError once this handle ended
  }

  #open(): AttachedStore {
    if (this.#detached || this.#life.closed) {
      throw new TmemError('closed', 'the webtmem store is closed; connect() again for a new one');
    }
    return this.#store;
  }
}
