// The core contract: names, argument order and return values here are what users' code and
// outside conformance tests are written against, so they never change between versions
// (docs/tmem-rules.md states the rules behind them).

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** Page-frame budget in bytes: totalFrames = floor(capacityBytes / pageSize). The buffer is
   *  larger by its metadata (see worker/layout.ts). */
  capacityBytes: number;
  /** Power of two in 512..65536; default 4096. */
  pageSize?: number;
  /** Number of pool ids, 1..1024; default 64. */
  maxPools?: number;
  /** false: back the store with a plain ArrayBuffer ('local' mode, one thread only, for pages
   *  that are not crossOriginIsolated). Default true (SharedArrayBuffer). */
  shared?: boolean;
}

/** Flags of a pool, given to {@link Tmem.newPool}. */
export interface PoolFlags {
  /** true: pages stay until flushed (frontswap). false: ephemeral, may vanish (cleancache). */
  persistent: boolean;
  /** Default false. Shared + persistent is refused ('bad-flags'). */
  shared?: boolean;
  /** 32 hex digits; required when shared. The same uuid joins the same pool. */
  uuid?: string;
  /** Defaults to the store's page size; another size is refused ('bad-page-size'). */
  pageSize?: number;
  /** Persistent pools only: a successful get drops the page (Linux frontswap's exclusive gets). */
  exclusiveGets?: boolean;
  /** Hypervisor policy: at most this many pages in the pool; puts over it are rejected and
   *  counted in `capRejects`. 0 or absent: no cap. */
  maxPages?: number;
}

/** A page store attached to one buffer. Every method is synchronous and may be called from any
 *  thread that attached the buffer, the browser main thread included. */
export interface Tmem {
  readonly pageSize: number;
  newPool(flags: PoolFlags): number;
  destroyPool(poolId: number): void;
  put(poolId: number, object: bigint | number, index: number, page: Uint8Array): boolean;
  get(poolId: number, object: bigint | number, index: number, into: Uint8Array): boolean;
  flushPage(poolId: number, object: bigint | number, index: number): void;
  flushObject(poolId: number, object: bigint | number): void;
  stats(): TmemStats;
}

/** Per-pool counters; names follow the kernel's tmem/cleancache/frontswap counters. Totals are
 *  derived (puts = succPuts + failedPuts), so they always add up. */
export interface PoolStats {
  id: number;
  persistent: boolean;
  shared: boolean;
  exclusiveGets: boolean;
  uuid: string | null;
  /** Live handles in the pool (pages with a frame plus same-filled pages). */
  pages: number;
  puts: number;
  succPuts: number;
  failedPuts: number;
  gets: number;
  succGets: number;
  failedGets: number;
  /** flushPage calls. */
  flushes: number;
  /** flushObject calls. */
  flushObjects: number;
  /** Pages this pool lost to eviction (ephemeral pools only). */
  evictions: number;
  /** Puts to a live handle that replaced its page. */
  dupPutsReplaced: number;
  /** Rejected puts to a live handle, which flushed the old page (rule 6). */
  dupPutsFlushed: number;
  /** Live pages stored without a frame because every byte is the same. */
  sameFilledPages: number;
  /** Puts rejected by the pool's page cap (maxPages). */
  capRejects: number;
  /** The pool's page cap, 0 when none. */
  maxPages: number;
}

/** A snapshot of the store; cheap enough to poll several times a second. */
export interface TmemStats {
  pageSize: number;
  totalFrames: number;
  usedFrames: number;
  freeFrames: number;
  /** Frames the store may use now (setBudget); usedFrames may exceed it only with persistent
   *  pages until the owner writes them back. */
  budgetFrames: number;
  /** Frames holding ephemeral / persistent pages. */
  ephemeralFrames: number;
  persistentFrames: number;
  /** Bytes of the whole buffer (frames plus metadata). */
  bufferBytes: number;
  pools: PoolStats[];
}

/** Error codes of {@link TmemError} (kebab-case, as Workbox does). */
export type TmemErrorCode =
  | 'bad-options'
  | 'bad-buffer'
  | 'bad-flags'
  | 'bad-page-size'
  | 'bad-handle'
  | 'bad-pool'
  | 'too-many-pools'
  | 'store-busy'
  // Page-side codes (not thrown by the core):
  | 'not-supported'
  | 'worker-failed'
  | 'worker-gone'
  | 'closed'
  | 'area-locked'
  | 'bad-offset'
  | 'bad-name'
  | 'area-closed'
  | 'disk-error'
  | 'bad-database';

/** What the core object offers beyond the fixed contract (all synchronous, any thread). */
export interface TmemStore extends Tmem {
  /** Frames the store may use now, 0..totalFrames. */
  readonly budgetFrames: number;
  readonly totalFrames: number;
  /** Lowers or raises the frame budget (clamped to 0..totalFrames); returns the new budget.
   *  Lowering evicts ephemeral pages at once; persistent puts then fail until usage is under
   *  the budget (the owner writes persistent pages back). */
  setBudget(frames: number): number;
  /** Sets or clears (0) a pool's page cap. */
  setPoolCap(poolId: number, maxPages: number): void;
  /** Puts `count` consecutive pages of one object (index, index+1, …) from `pages`
   *  (count × pageSize bytes). Each page is all or nothing; the batch stops at the first
   *  rejected page, and that page and every later one are flushed (rule 6) and counted as
   *  failed puts. Returns how many pages, from the first, were stored. */
  putMany(poolId: number, object: bigint | number, index: number, pages: Uint8Array, count?: number): number;
  /** Gets `count` consecutive pages into `into` (count × pageSize bytes). Each page is a
   *  separate get (exclusive pools drop each page read). `hits[i]` (if given) is set to 1 or
   *  0. Returns the number of hits. */
  getMany(poolId: number, object: bigint | number, index: number, into: Uint8Array, count?: number, hits?: Uint8Array): number;
}
