// A thread's view of the store: the core's synchronous methods, refused with 'closed' once the
// store is closed. The store worker creates a tiny "lifecycle" buffer next to the store and
// hands it out with it; close() sets its word, so every thread (page, app workers, iframes)
// sees the close at its next call without a message. The memory itself stays valid while any
// thread holds it, so calls never touch freed memory, they are just refused.
//
//   lifecycle buffer (Int32Array, 8 bytes)
//   ┌────────────┬─────────────────────────────────────────────────┐
//   │ [0] CLOSED │ 1 once the owner closed the store: calls throw    │
//   │ [1] GONE   │ 1 once the page saw the store worker die: control │
//   │            │ calls reject, data calls keep working             │
//   └────────────┴─────────────────────────────────────────────────┘
import { TmemError } from '../core/errors.js';
import type { PoolFlags, TmemStats, TmemStore } from '../core/types.js';

const CLOSED = 0;
const GONE = 1;
const LIFECYCLE_BYTES = 8;

/** Makes a lifecycle buffer: shared for the store worker, plain for local mode. */
export function createLifecycle(shared: boolean): SharedArrayBuffer | ArrayBuffer {
  return shared ? new SharedArrayBuffer(LIFECYCLE_BYTES) : new ArrayBuffer(LIFECYCLE_BYTES);
}

/** Checks that a value received in a message is a lifecycle buffer. */
export function isLifecycle(value: unknown): value is SharedArrayBuffer | ArrayBuffer {
  return (
    (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) &&
    value.byteLength === LIFECYCLE_BYTES
  );
}

/** The core's synchronous methods on one thread, refused after close. */
export class AttachedStore {
  readonly #store: TmemStore;
  readonly #life: Int32Array;
  #detached = false;

  /**
   * @param store the core attached to the store buffer on this thread.
   * @param lifecycle the lifecycle buffer handed out with it.
   */
  constructor(store: TmemStore, lifecycle: SharedArrayBuffer | ArrayBuffer) {
    this.#store = store;
    this.#life = new Int32Array(lifecycle);
  }

  /** True once the store was closed (by its owner) or this view detached. */
  get closed(): boolean {
    return this.#detached || Atomics.load(this.#life, CLOSED) !== 0;
  }

  /** True once the page saw the store worker stop; the memory keeps working. */
  get workerGone(): boolean {
    return Atomics.load(this.#life, GONE) !== 0;
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

  // Each data method checks the lifecycle first: one atomic load, then the core.

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

  /** Marks the whole store closed for every thread (owner only). */
  protected markClosed(): void {
    Atomics.store(this.#life, CLOSED, 1);
  }

  /** Marks the store worker gone for every thread (the page, when it sees it die). */
  protected markWorkerGone(): void {
    Atomics.store(this.#life, GONE, 1);
  }

  /** Refuses further calls on this thread only. */
  protected detachView(): void {
    this.#detached = true;
  }

  #open(): TmemStore {
    // A plain read on the data path (an Atomics.load is a builtin call in some engines): a
    // close() racing with this call may let it through, which is a race close() allows.
    if (this.#detached || this.#life[CLOSED] !== 0) {
      throw new TmemError('closed', 'the webtmem store is closed; connect() again for a new one');
    }
    return this.#store;
  }
}
