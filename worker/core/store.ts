// The tmem engine: pools, the handle index, frames, eviction and counters on one buffer.
//
// One file on purpose, and longer than the project's 300 lines (preact-signals' habit): put
// and get are the hot paths, and every method they call reads the same views and per-call
// scratch (pool tag, object words, the entry just located) of one attached store; split across
// modules, that state would be passed on every call or duplicated. What is not on those paths
// lives beside it: making and attaching a buffer (store-buffer.ts), stats (stats.ts), the
// handle hash (hash.ts), same-filled pages (same-fill.ts), argument checks (validate.ts).
// Regions are marked with //#region; memory is touched through the word accessors of the first
// region, which are the only place here that adds layout.ts's offsets.
//
// Concurrency design (rules 5 and 11 of docs/tmem-rules.md):
// - The index is a hash table of BUCKET_SLOTS-entry buckets with two-choice placement (the
//   first choice until it holds FIRST_CHOICE_FILL entries, then the emptier). Each bucket has a
//   seqlock word: writers take it by CAS even→odd and release it by adding 1; readers of
//   non-destructive gets take no lock at all: they read the version, find the entry, copy the
//   frame, and confirm the version (confirm). A frame is only ever rewritten or reused after
//   its entry was changed under that bucket's lock, so an unchanged version proves the copy is
//   whole.
// - Counters live in per-thread blocks (one writer each), so counting bounces no shared cache
//   line (but for threads past the 31st, which share slot 0). A non-destructive get still
//   writes two shared places: its bucket's version, in confirm, and, for an ephemeral page,
//   its frame's CLOCK byte (refs), only when not already marked read (at most once each time
//   the hand passes). Gauges (pages, frames) change only on writes, with Atomics: a pool's
//   page gauges under the entry's bucket lock; the frame gauges when a frame is published or
//   evicted (under that lock) or freed (freeFrame, at times after the lock is let go; the
//   caller then says which gauge, from flags read while the entry was there).
// - Frames come from a free stack (short spinlock) or, at the budget, from CLOCK eviction of an
//   ephemeral page (evictOne). Every spin is bounded by LOCK_TIMEOUT_MS; past it an operation
//   throws 'store-busy' (a thread died or stalled inside the store) rather than break a rule,
//   and the thread remembers the stuck word so that the next call fails at once (markStuck).
// - Nothing blocks on a thread that must not: Atomics.wait is used only to park briefly while
//   spinning, and only where CAN_PARK found it allowed (workers and Node, never a browser
//   window's main thread or a service worker, which only spin).
import * as L from '../layout.js';
import { TmemError } from './errors.js';
import { bucketOf, bucketOf2, mix } from './hash.js';
import { sameFill } from './same-fill.js';
import { takeSlot } from './thread-slot.js';
import { readStats } from './stats.js';
import type { PoolFlags, TmemStats, TmemStore } from './types.js';
import { badIndex, badObject, badPage, badPool, bigintInRange, checkPoolFlags, isBytes, isStoreBusy, storeBusy } from './validate.js';

// Neither ES2022's lib nor this platform-neutral core assumes a DOM or Node: both browsers and
// Node have a global `performance`, which is all the lock timeout needs.
declare const performance: { now(): number };

/** How long a lock may be waited for before an operation gives up with 'store-busy'. Long
 *  enough that a thread preempted inside a critical section (2 cores, 4 threads) never trips
 *  it; short enough that a dead lock holder costs a bounded stall, not a hang. */
const LOCK_TIMEOUT_MS = 500;
/** Stuck lock words one thread remembers (markStuck); more clears the list. */
const STUCK_LIMIT = 1024;
const SPINS_PER_CLOCK_CHECK = 256;
/** Entries the first-choice bucket takes before inserts balance between the two (insert). */
const FIRST_CHOICE_FILL = 6;
/** Spins before a thread that may block parks briefly, so that a lock holder preempted on an
 *  oversubscribed machine (4 threads, 2 cores) gets the core back instead of being spun at. */
const SPINS_BEFORE_PARK = 64;
const PARK_MS = 0.05;
/** CLOCK reference counts (one byte a frame): the hand lowers a count by one as it passes and
 *  evicts a page it finds at REF_NONE. A page read is set to REF_USED, so it outlives pages
 *  only put. A new page starts at REF_NEW in a free frame (which may sit anywhere on the
 *  clock, even just ahead of the hand) and at REF_NONE in an evicted frame (just behind the
 *  hand): either way every page unreferenced at its put goes before it. A rewrite counts as
 *  a put (REF_NEW). */
const REF_NONE = 0;
const REF_NEW = 1;
const REF_USED = 2;

/** Whether this thread may block in Atomics.wait: dedicated workers and Node may; a browser
 *  window's main thread and a service worker may not, and they only ever spin (bounded). */
const CAN_PARK = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

const INT64_MAX = 0x7fffffffffffffffn;
const scratch64 = new BigUint64Array(1);
const scratch32 = new Uint32Array(scratch64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

export class Store implements TmemStore {
  readonly pageSize: number;
  readonly totalFrames: number;
  //#region views and geometry
  /** The whole buffer as words (metadata lives below framesOffset). */
  private readonly w: Int32Array;
  /** The same words, unsigned, for 64-bit counter pairs. */
  private readonly u: Uint32Array;
  /** CLOCK reference count of each frame (REF_*). */
  private readonly refs: Uint8Array;
  private readonly buffer: ArrayBufferLike;
  private readonly layout: L.Layout;
  /** Every frame as one view. Writes go through it with set() at an offset: a run of
   *  consecutive frames in one call, and a single page without its frame's own view, whose
   *  load is one more cache miss per put when many pages are resident (put at 64K resident
   *  pages measured 0.80× the view's set). Reads need a source view (views). */
  private readonly frameBytes: Uint8Array;
  /** One view per frame, made on first use: a get's copy out needs no allocation after that. */
  private readonly views: (Uint8Array | undefined)[];
  private readonly framesOffset: number;
  private readonly nBuckets: number;
  private readonly maxPools: number;
  /** Word indexes where the regions of layout.ts start. */
  private readonly poolsW: number;
  private readonly countersW: number;
  private readonly stackW: number;
  private readonly metaW: number;
  private readonly indexW: number;
  /** Where the CLOCK hand is wound back (by itself): the largest multiple of totalFrames not
   *  above 2^30. The hand must stay far from 2^32, where `hand % totalFrames` would jump (and
   *  skip frames for a lap) unless totalFrames is a power of two; taking a multiple of
   *  totalFrames off keeps its position. */
  private readonly clockWrap: number;
  /** This thread's counter slot; slot 0 is shared and updated with Atomics. */
  private slot: number;
  /** Base word of this thread's counter blocks (one per pool id). */
  private slotW: number;
  /** The buffer is a SharedArrayBuffer (H_SHARED), not a local store's ArrayBuffer. */
  private readonly isShared: boolean;
  /** Atomics.wait is allowed here and the buffer is shared (see CAN_PARK). */
  private readonly canPark: boolean;
  //#endregion

  /** Lock words this thread waited on in vain, with the odd value they kept (markStuck). */
  private readonly stuck = new Map<number, number>();

  //#region per-call scratch (set by resolvePool / setObject / locate, read by the paths below)
  /** The pool of this call: its tag (generation and id), flags, and pool-table base word. */
  private pTag = 0;
  private pFlags = 0;
  private pBase = 0;
  /** Gets of this pool take the page (private ephemeral, or exclusiveGets). */
  private pExclusive = false;
  /** The object id of this call as two int32 words. */
  private oLo = 0;
  private oHi = 0;
  /** This thread's counter block for the pool of this call (set by firstChoice). */
  private fCounters = 0;
  /** Set by locate: bucket base word and slot of the entry, or -1. */
  private fBase = 0;
  private fSlot = -1;
  //#endregion

  constructor(buffer: SharedArrayBuffer | ArrayBuffer, l: L.Layout) {
    this.buffer = buffer;
    this.layout = l;
    this.pageSize = l.pageSize;
    this.totalFrames = l.totalFrames;
    this.maxPools = l.maxPools;
    this.nBuckets = l.buckets;
    this.framesOffset = l.framesOffset;
    this.w = new Int32Array(buffer, 0, l.framesOffset >> 2);
    this.u = new Uint32Array(buffer, 0, l.framesOffset >> 2);
    this.refs = new Uint8Array(buffer, l.refsOffset, l.totalFrames);
    this.views = new Array(l.totalFrames);
    this.frameBytes = new Uint8Array(buffer, l.framesOffset, l.totalFrames * l.pageSize);
    this.poolsW = l.poolsOffset >> 2;
    this.countersW = l.countersOffset >> 2;
    this.stackW = l.freeStackOffset >> 2;
    this.metaW = l.frameMetaOffset >> 2;
    this.indexW = l.indexOffset >> 2;
    this.clockWrap = Math.floor(2 ** 30 / l.totalFrames) * l.totalFrames;
    this.isShared = this.w[L.H_SHARED] === 1;
    this.canPark = CAN_PARK && this.isShared && typeof SharedArrayBuffer === 'function' &&
      buffer instanceof SharedArrayBuffer;
    this.slot = takeSlot(this.w);
    this.slotW = this.slotBase(this.slot);
  }

  /** Frames out of the free stack now: reserved, holding a page, or orphaned (L.H_USED;
   *  stats().usedFrames without the rest of stats). */
  get usedFrames(): number {
    return Atomics.load(this.w, L.H_USED);
  }

  /** This thread's counter slot: 1..31 its own, 0 the shared one (every slot taken, or given
   *  back by releaseSlot). */
  get threadSlot(): number {
    return this.slot;
  }

  /**
   * Gives this thread's counter slot back, for a thread that attaches later: a thread that
   * detaches from the store calls it last. Its counts stay in the slot (the next owner adds to
   * them). This attachment keeps working, counting in the shared slot 0 with atomic adds.
   */
  releaseSlot(): void {
    const s = this.slot;
    if (s === 0) return;
    this.slot = 0;
    this.slotW = this.slotBase(0);
    Atomics.and(this.w, L.H_SLOTS_TAKEN, ~(1 << s));
  }

  //#region word addresses: the only place here that adds up layout.ts's offsets
  /** Base word of pool `id`'s entry in the pool table; its fields (L.P_*) are offsets from it. */
  private poolBase(id: number): number {
    return this.poolsW + id * L.POOL_WORDS;
  }

  /** Word `field` (L.F_OWNER, L.F_LOC) of frame f's metadata. */
  private frameWord(f: number, field: number): number {
    return this.metaW + f * L.FRAME_META_WORDS + field;
  }

  /** Base word of bucket b: its seqlock (L.B_VERSION); the other fields are offsets from it. */
  private bucketBase(b: number): number {
    return this.indexW + b * L.BUCKET_WORDS;
  }

  /** First word (L.K_TAG) of slot s's key in the bucket at base bb; L.K_* from there. */
  private keyWord(bb: number, s: number): number {
    return bb + L.B_KEYS + s * L.KEY_WORDS;
  }

  /** Value word of slot s in the bucket at base bb: a frame, or SAME_FILLED | byte. */
  private valueWord(bb: number, s: number): number {
    return bb + L.B_VALUES + s;
  }

  /** The entry location (F_LOC) of slot s in the bucket at base bb, and back. */
  private locAt(bb: number, s: number): number {
    return L.locOf((bb - this.indexW) / L.BUCKET_WORDS, s);
  }

  private locBase(loc: number): number {
    return this.bucketBase(L.locBucket(loc));
  }

  /** Base word of counter slot s's blocks (one per pool id). */
  private slotBase(s: number): number {
    return this.countersW + s * this.maxPools * L.COUNTER_BLOCK_WORDS;
  }

  /** Base word of this thread's counter block for pool `id`; counters (L.C_*) are offsets. */
  private counterBlock(id: number): number {
    return this.slotW + id * L.COUNTER_BLOCK_WORDS;
  }

  /** Base word of the shared slot 0's counter block for pool `id` (newPool resets it). */
  private sharedCounterBlock(id: number): number {
    return this.slotBase(0) + id * L.COUNTER_BLOCK_WORDS;
  }

  /** Word of the free stack at height i (0 the bottom; H_FREE_TOP is the height). */
  private stackWord(i: number): number {
    return this.stackW + i;
  }
  //#endregion

  get budgetFrames(): number {
    return Atomics.load(this.w, L.H_BUDGET);
  }

  //#region public API: pools
  newPool(flags: PoolFlags): number {
    const f = checkPoolFlags(flags, this.pageSize);
    const w = this.w;
    if (!this.lock(L.H_POOL_LOCK)) throw storeBusy('newPool');
    try {
      if (f.shared) {
        for (let id = 0; id < this.maxPools; id++) {
          const b = this.poolBase(id);
          if (L.poolState(w[b + L.P_STATE_GEN]) === L.POOL_LIVE && (w[b + L.P_FLAGS] & L.PF_SHARED) &&
              w[b + L.P_UUID] === f.uuid![0] && w[b + L.P_UUID + 1] === f.uuid![1] &&
              w[b + L.P_UUID + 2] === f.uuid![2] && w[b + L.P_UUID + 3] === f.uuid![3]) {
            return id; // same uuid joins the same pool
          }
        }
      }
      for (let id = 0; id < this.maxPools; id++) {
        const b = this.poolBase(id);
        const sg = w[b + L.P_STATE_GEN];
        if (L.poolState(sg) !== L.POOL_FREE) continue;
        const gen = L.poolGen(sg) % L.GEN_MASK + 1; // the next generation, never 0
        w[b + L.P_FLAGS] = (f.persistent ? L.PF_PERSISTENT : 0) | (f.shared ? L.PF_SHARED : 0) |
          (f.exclusiveGets ? L.PF_EXCLUSIVE_GETS : 0);
        for (let i = 0; i < 4; i++) w[b + L.P_UUID + i] = f.uuid ? f.uuid[i] : 0;
        Atomics.store(w, b + L.P_PAGES, 0);
        Atomics.store(w, b + L.P_SAME_FILLED, 0);
        Atomics.store(w, b + L.P_MAX_PAGES, f.maxPages);
        this.resetSharedCounters(id, L.tagOf(L.stateGen(gen, L.POOL_LIVE), id));
        Atomics.store(w, b + L.P_STATE_GEN, L.stateGen(gen, L.POOL_LIVE)); // publishes the entry
        return id;
      }
      throw new TmemError('too-many-pools', `all ${this.maxPools} pool ids are in use; destroy a pool first`);
    } finally {
      this.unlock(L.H_POOL_LOCK);
    }
  }

  /** Destroys a live pool, or finishes destroying one a stuck bucket lock left dying. */
  destroyPool(poolId: number): void {
    if (typeof poolId !== 'number' || (poolId >>> 0) !== poolId || poolId >= this.maxPools) throw badPool(poolId);
    if (!this.destroyTagged(poolId, 0)) throw badPool(poolId);
  }

  /** The tag of the live pool `poolId` (its id and generation: a pool made again under the same
   *  id has another), or 0 when no pool is live under it. Not part of the Tmem API: the
   *  hypervisor reads it for a pool another thread made, to destroy that very pool later
   *  (destroyPoolIf) even if the id has been given out again by then. */
  poolTag(poolId: number): number {
    if (typeof poolId !== 'number' || (poolId >>> 0) !== poolId || poolId >= this.maxPools) return 0;
    const sg = Atomics.load(this.w, this.poolBase(poolId) + L.P_STATE_GEN);
    return L.poolState(sg) === L.POOL_LIVE ? L.tagOf(sg, poolId) : 0;
  }

  /** Destroys the pool `poolId` if it is still the one `tag` names (poolTag), as destroyPool
   *  does; false, with nothing touched, when it is not (destroyed, or made again since).
   *  @throws TmemError 'store-busy' as destroyPool */
  destroyPoolIf(poolId: number, tag: number): boolean {
    if (typeof poolId !== 'number' || (poolId >>> 0) !== poolId || poolId >= this.maxPools) return false;
    if (typeof tag !== 'number' || !Number.isInteger(tag) || tag <= 0) return false;
    return this.destroyTagged(poolId, tag);
  }

  /** destroyPool's work, under the pool lock; `expect` 0 takes whatever pool is there. False
   *  when no pool is live or dying under the id, or it is not the one of `expect`. */
  private destroyTagged(poolId: number, expect: number): boolean {
    const base = this.poolBase(poolId);
    const w = this.w;
    if (!this.lock(L.H_POOL_LOCK)) throw storeBusy('destroyPool');
    try {
      const sg = Atomics.load(w, base + L.P_STATE_GEN);
      const state = L.poolState(sg);
      if (state !== L.POOL_LIVE && state !== L.POOL_DYING) return false;
      const tag = L.tagOf(sg, poolId);
      if (expect !== 0 && tag !== expect) return false;
      // Dying first: from here no put can publish an entry of this tag (puts re-check the pool
      // under their bucket lock), so one sweep of every bucket removes them all. The id is
      // given out again only once the sweep is whole: an entry left behind would otherwise be
      // counted against the id's next pool. A stuck bucket is passed over and the pool stays
      // dying, so that a later call finishes the sweep.
      Atomics.store(w, base + L.P_STATE_GEN, L.stateGen(L.poolGen(sg), L.POOL_DYING));
      let stuck = false;
      for (let b = 0; b < this.nBuckets; b++) {
        const bb = this.bucketBase(b);
        if (!this.lock(bb)) { stuck = true; continue; }
        for (let s = 0; s < L.BUCKET_SLOTS; s++) {
          if (w[this.keyWord(bb, s)] === tag) this.removeEntry(bb, s, true);
        }
        this.unlock(bb);
      }
      if (stuck) throw storeBusy('destroyPool');
      Atomics.store(w, base + L.P_STATE_GEN, L.stateGen(L.poolGen(sg), L.POOL_FREE));
      return true;
    } finally {
      this.unlock(L.H_POOL_LOCK);
    }
  }

  /** Sets or clears (0) a pool's page cap. */
  setPoolCap(poolId: number, maxPages: number): void {
    this.resolvePool(poolId);
    if (typeof maxPages !== 'number' || !Number.isInteger(maxPages) || maxPages < 0 || maxPages > 0x7fffffff) {
      throw new TmemError('bad-flags', `maxPages must be a non-negative integer, got ${String(maxPages)}`);
    }
    Atomics.store(this.w, this.pBase + L.P_MAX_PAGES, maxPages);
  }
  //#endregion

  //#region public API: pages
  put(poolId: number, object: bigint | number, index: number, page: Uint8Array): boolean {
    // First try, a page rewritten in place (see firstChoice): lock the bucket that holds it,
    // check the entry again under the lock, copy, unlock. Anything else goes to putAny.
    const s = this.firstChoice(poolId, object, index, page);
    if (s >= 0) {
      const w = this.w, base = this.fBase, cb = this.fCounters, flags = this.pFlags;
      const v0 = w[base];
      // The lock as lock() takes it uncontended (a contended one is left to putAny).
      if ((v0 & 1) === 0 && sameFill(page, 0, this.pageSize) < 0 &&
          Atomics.compareExchange(w, base, v0, v0 + 1) === v0) {
        // Under the lock: the slot still holds this handle, and a frame (not same-filled).
        const val = w[this.valueWord(base, s)];
        const ok = this.scanSlot(base, s, index | 0) && val >= 0 && val < this.totalFrames;
        if (ok) {
          this.frameBytes.set(page, val * this.pageSize);
          if ((flags & L.PF_PERSISTENT) === 0 && this.refs[val] === REF_NONE) this.refs[val] = REF_NEW;
        }
        Atomics.add(w, base, 1);
        if (ok) {
          this.bump(cb + L.C_DUP_REPLACED);
          this.bump(cb + L.C_SUCC_PUTS);
          return true;
        }
      }
    }
    return this.putAny(poolId, object, index, page);
  }

  /** put, every case (put's first try aside). */
  private putAny(poolId: number, object: bigint | number, index: number, page: Uint8Array): boolean {
    this.resolvePool(poolId);
    this.setObject(object);
    if (typeof index !== 'number' || (index >>> 0) !== index) throw badIndex(index);
    if (!isBytes(page) || page.length !== this.pageSize) throw badPage('page', page, this.pageSize);
    const ok = this.putOne(index | 0, page, 0);
    this.count(ok ? L.C_SUCC_PUTS : L.C_FAILED_PUTS, 1);
    return ok;
  }

  get(poolId: number, object: bigint | number, index: number, into: Uint8Array): boolean {
    // First try, a hit in the first-choice bucket of a pool whose gets keep the page (see
    // firstChoice): the seqlock read of getOne with locals only. Anything else (a miss there,
    // a bucket being written, a same-filled page, an exclusive pool) goes to getAny.
    const s = this.firstChoice(poolId, object, index, into);
    if (s >= 0 && !this.pExclusive) {
      const w = this.w, base = this.fBase, cb = this.fCounters, flags = this.pFlags;
      const v = Atomics.load(w, base);
      // After the version: the slot still holds this handle (its key read again).
      if ((v & 1) === 0 && this.scanSlot(base, s, index | 0)) {
        const val = w[this.valueWord(base, s)];
        if (val >= 0 && val < this.totalFrames) {
          into.set(this.view(val));
          if (this.confirm(base, v)) {
            if ((flags & L.PF_PERSISTENT) === 0 && this.refs[val] !== REF_USED) this.refs[val] = REF_USED;
            this.bump(cb + L.C_SUCC_GETS);
            return true;
          }
        }
      }
    }
    return this.getAny(poolId, object, index, into);
  }

  /** get, every case (get's first try aside). */
  private getAny(poolId: number, object: bigint | number, index: number, into: Uint8Array): boolean {
    this.resolvePool(poolId);
    this.setObject(object);
    if (typeof index !== 'number' || (index >>> 0) !== index) throw badIndex(index);
    if (!isBytes(into) || into.length !== this.pageSize) throw badPage('into', into, this.pageSize);
    const hit = this.getOne(index | 0, into, 0);
    this.count(hit ? L.C_SUCC_GETS : L.C_FAILED_GETS, 1);
    return hit;
  }

  flushPage(poolId: number, object: bigint | number, index: number): void {
    this.resolvePool(poolId);
    this.setObject(object);
    if (typeof index !== 'number' || (index >>> 0) !== index) throw badIndex(index);
    const h = this.hash(index | 0);
    if (!this.lockPair(h)) throw storeBusy('flushPage');
    const found = this.locate(h, index | 0);
    if (found) this.removeEntry(this.fBase, this.fSlot, true);
    this.unlockPair(h);
    this.count(L.C_FLUSHES, 1);
  }

  flushObject(poolId: number, object: bigint | number): void {
    this.resolvePool(poolId);
    this.setObject(object);
    const w = this.w;
    const tag = this.pTag, lo = this.oLo, hi = this.oHi;
    // A stuck bucket is passed over, so the call flushes every page it can reach before it
    // throws, and a later call has only the stuck bucket's pages left.
    let stuck = false;
    for (let b = 0; b < this.nBuckets; b++) {
      const bb = this.bucketBase(b);
      // Unlocked pre-scan: entries that exist before the call do not move, so a bucket that
      // shows none of this object's entries has none to flush (racing puts may end either way).
      let any = false;
      for (let s = 0, k = this.keyWord(bb, 0); s < L.BUCKET_SLOTS; s++, k += L.KEY_WORDS) {
        if (w[k] === tag && w[k + L.K_OBJ_LO] === lo && w[k + L.K_OBJ_HI] === hi) { any = true; break; }
      }
      if (!any) continue;
      if (!this.lock(bb)) { stuck = true; continue; }
      for (let s = 0, k = this.keyWord(bb, 0); s < L.BUCKET_SLOTS; s++, k += L.KEY_WORDS) {
        if (w[k] === tag && w[k + L.K_OBJ_LO] === lo && w[k + L.K_OBJ_HI] === hi) this.removeEntry(bb, s, true);
      }
      this.unlock(bb);
    }
    if (stuck) throw storeBusy('flushObject');
    this.count(L.C_FLUSH_OBJECTS, 1);
  }

  putMany(poolId: number, object: bigint | number, index: number, pages: Uint8Array, count?: number): number {
    this.resolvePool(poolId);
    this.setObject(object);
    const n = this.batchCount(index, pages, count, 'pages');
    let stored = n > 1 && this.rewriteRuns(index, n, pages) ? n : 0;
    try {
      while (stored < n && this.putOne((index + stored) | 0, pages, stored * this.pageSize)) stored++;
    } catch (e) {
      // store-busy (a lock held by a dead thread) at page `stored`: the pages before it stay
      // stored and counted, that page and the rest are untouched; the error says how far.
      this.count(L.C_SUCC_PUTS, stored);
      if (!isStoreBusy(e)) throw e;
      throw storeBusy(`putMany (${stored} of ${n} pages stored)`);
    }
    // The batch stops at the first rejected page; that page and the rest count as rejected
    // puts, and rule 6 says their old contents must not survive a rejected put. A page whose
    // bucket is stuck is passed over (as flushObject does), and the call then throws.
    let unflushed = 0;
    for (let i = stored + 1; i < n; i++) {
      try {
        this.flushOne((index + i) | 0);
      } catch (e) {
        if (!isStoreBusy(e)) throw e;
        unflushed++;
      }
    }
    this.count(L.C_SUCC_PUTS, stored);
    this.count(L.C_FAILED_PUTS, n - stored);
    if (unflushed > 0) throw storeBusy(`putMany (${stored} of ${n} pages stored, the rest refused; ${unflushed} of them could not be flushed)`);
    return stored;
  }

  getMany(poolId: number, object: bigint | number, index: number, into: Uint8Array, count?: number, hits?: Uint8Array): number {
    this.resolvePool(poolId);
    this.setObject(object);
    const n = this.batchCount(index, into, count, 'into');
    if (hits !== undefined && (!isBytes(hits) || hits.length < n)) {
      throw new TmemError('bad-page-size', `hits must be a Uint8Array of at least ${n} entries`);
    }
    const got = this.pExclusive || n === 1 ? this.getEach(index, n, into, hits) : this.getRuns(index, n, into, hits);
    if (got < 0) throw storeBusy(`getMany (stopped at page ${~got} of ${n})`);
    this.count(L.C_SUCC_GETS, got);
    this.count(L.C_FAILED_GETS, n - got);
    return got;
  }
  //#endregion

  //#region public API: budget and stats
  setBudget(frames: number): number {
    if (typeof frames !== 'number' || !Number.isFinite(frames) || frames < 0) {
      throw new TmemError('bad-options', `budget must be a non-negative number of frames, got ${String(frames)}`);
    }
    const budget = Math.min(Math.floor(frames), this.totalFrames);
    Atomics.store(this.w, L.H_BUDGET, budget);
    // Threads awaiting the budget word (Atomics.waitAsync) learn of the change at once; on an
    // ArrayBuffer (no other thread) this wakes nobody.
    Atomics.notify(this.w, L.H_BUDGET);
    // Shrink at once: evict ephemeral pages until usage fits. Persistent pages stay; their
    // owner (frontswap) writes them back, and persistent puts fail until usage is under budget.
    // evictOne hands back a RESERVED frame, already out of the frame gauges. A frame the free
    // stack cannot take (its lock stuck) stays counted and goes back to the CLOCK as an
    // orphan, where the next evictOne would find it again: stop there.
    while (Atomics.load(this.w, L.H_USED) > Atomics.load(this.w, L.H_BUDGET)) {
      const f = this.evictOne();
      if (f < 0 || !this.releaseFrame(f)) break;
    }
    return budget;
  }

  stats(): TmemStats {
    return readStats(this.w, this.layout);
  }
  //#endregion

  //#region argument resolution
  /**
   * The first try of get and put, for the common case only: a live pool, a bigint or number
   * object id, an index, a Uint8Array of one page, and this thread's own counter block already
   * serving the pool. Finds the handle in its first-choice bucket with plain reads, as locate
   * does, and returns its slot, with the pool (pTag, pFlags, pBase, pExclusive), the object
   * (oLo, oHi), the bucket (fBase) and the counter block (fCounters) in scratch; -1 for
   * anything else, which the caller hands to the general path (which checks everything again).
   * Why a path of its own: V8 (Node 20) inlines callees only up to a budget of bytecode per
   * optimized function, and resolvePool, setObject, locate and count together are past it;
   * what is not inlined stays a call that reloads and re-checks the fields it reads. Measured
   * under callgrind, a get hit spent about 800 instructions outside the copy through them.
   */
  private firstChoice(poolId: number, object: bigint | number, index: number, bytes: Uint8Array): number {
    if (typeof poolId !== 'number' || (poolId >>> 0) !== poolId || poolId >= this.maxPools || this.slot === 0 ||
        typeof index !== 'number' || (index >>> 0) !== index ||
        !(bytes instanceof Uint8Array) || bytes.length !== this.pageSize) return -1;
    let lo: number, hi: number;
    // The bound as a literal: a module constant is a mutable binding once bundled, which V8
    // loads and checks on every call.
    if (typeof object === 'bigint' && object >= 0n && object <= 0x7fffffffffffffffn) {
      scratch64[0] = object;
      lo = scratch32[LO] | 0;
      hi = scratch32[HI] | 0;
    } else if (typeof object === 'number' && Number.isSafeInteger(object) && object >= 0) {
      lo = object | 0;
      hi = (object / 4294967296) | 0;
    } else {
      return -1;
    }
    const w = this.w;
    const pb = this.poolBase(poolId);
    const sg = w[pb + L.P_STATE_GEN]; // plain, as in resolvePool
    const tag = L.tagOf(sg, poolId);
    const cb = this.counterBlock(poolId);
    if (L.poolState(sg) !== L.POOL_LIVE || w[cb + L.C_TAG] !== tag) return -1;
    const flags = w[pb + L.P_FLAGS];
    this.pTag = tag;
    this.pFlags = flags;
    this.pBase = pb;
    this.pExclusive = (flags & L.PF_SHARED) === 0 &&
      ((flags & L.PF_PERSISTENT) === 0 || (flags & L.PF_EXCLUSIVE_GETS) !== 0);
    this.oLo = lo;
    this.oHi = hi;
    this.fCounters = cb;
    const base = this.bucketBase(bucketOf(mix(tag, lo, hi, index | 0), this.nBuckets));
    this.fBase = base;
    return this.scan(base, index | 0);
  }

  /** Checks the pool id and loads its tag, flags and table base into scratch. */
  private resolvePool(poolId: number): void {
    if (typeof poolId !== 'number' || (poolId >>> 0) !== poolId || poolId >= this.maxPools) throw badPool(poolId);
    const b = this.poolBase(poolId);
    // A plain read (an Atomics.load costs a builtin call here): a pool made or destroyed
    // concurrently may be seen either way, and puts re-check it with Atomics under their lock.
    const sg = this.w[b + L.P_STATE_GEN];
    if (L.poolState(sg) !== L.POOL_LIVE) throw badPool(poolId);
    this.pTag = L.tagOf(sg, poolId);
    const flags = this.w[b + L.P_FLAGS];
    this.pFlags = flags;
    this.pExclusive = (flags & L.PF_SHARED) === 0 &&
      ((flags & L.PF_PERSISTENT) === 0 || (flags & L.PF_EXCLUSIVE_GETS) !== 0);
    this.pBase = b;
    this.ensureCounterBlock(poolId);
  }

  /** Splits an object id into two int32 words, without allocating for a bigint. */
  private setObject(object: bigint | number): void {
    if (typeof object === 'bigint') {
      // Ids below 2^63 (all but the top half of the range) are checked with comparisons V8
      // compiles to machine instructions; 2^64 itself is no int64, and comparing with it
      // calls a builtin on every get and put.
      if ((object < 0n || object > INT64_MAX) && !bigintInRange(object)) throw badObject(object);
      scratch64[0] = object;
      this.oLo = scratch32[LO] | 0;
      this.oHi = scratch32[HI] | 0;
    } else if (typeof object === 'number' && Number.isSafeInteger(object) && object >= 0) {
      this.oLo = object | 0;
      this.oHi = (object / 4294967296) | 0;
    } else {
      throw badObject(object);
    }
  }

  private batchCount(index: number, bytes: Uint8Array, count: number | undefined, what: string): number {
    if (typeof index !== 'number' || (index >>> 0) !== index) throw badIndex(index);
    if (!isBytes(bytes) || bytes.length % this.pageSize !== 0 || bytes.length === 0) {
      throw badPage(what, bytes, this.pageSize);
    }
    const n = count ?? bytes.length / this.pageSize;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n * this.pageSize > bytes.length) {
      throw new TmemError('bad-page-size', `count ${String(count)} does not fit ${what} of ${bytes.length} bytes (${this.pageSize}-byte pages)`);
    }
    if (index + n - 1 > 0xffffffff) throw badIndex(index + n - 1);
    return n;
  }
  //#endregion

  //#region the hot paths
  /** Stores one page (src at byte offset off) under (scratch pool, scratch object, idx). */
  private putOne(idx: number, src: Uint8Array, off: number): boolean {
    const ps = this.pageSize;
    const fill = sameFill(src, off, ps);
    const h = this.hash(idx);
    const w = this.w;
    if (fill < 0) {
      // Fast path, a page rewritten in place: only the bucket that holds the entry is locked
      // (entries never move, so the plain scan finds the right one; the slot is re-checked
      // under the lock). A pool destroyed meanwhile has its entries swept under the same lock.
      if (this.locate(h, idx)) {
        const base = this.fBase, s = this.fSlot;
        if (!this.lock(base)) throw storeBusy('put');
        const val = w[this.valueWord(base, s)];
        if (this.scanSlot(base, s, idx) && !(val & L.SAME_FILLED)) {
          this.copyIn(val, src, off);
          this.rewritten(val);
          this.unlock(base);
          this.count(L.C_DUP_REPLACED, 1);
          return true;
        }
        this.unlock(base);
      }
    }
    if (!this.lockPair(h)) throw storeBusy('put');
    if (!this.poolStillLive()) { this.unlockPair(h); return false; }
    if (this.locate(h, idx)) {
      const vi = this.valueWord(this.fBase, this.fSlot);
      const old = w[vi];
      if (fill >= 0) {
        w[vi] = L.SAME_FILLED | fill;
        if (!(old & L.SAME_FILLED)) Atomics.add(w, this.pBase + L.P_SAME_FILLED, 1);
        this.unlockPair(h);
        if (!(old & L.SAME_FILLED)) this.freeFrame(old, (this.pFlags & L.PF_PERSISTENT) !== 0);
        this.count(L.C_DUP_REPLACED, 1);
        return true;
      }
      if (!(old & L.SAME_FILLED)) {
        // Rewrite in place: readers of this bucket see an odd version and retry.
        this.copyIn(old, src, off);
        this.rewritten(old);
        this.unlockPair(h);
        this.count(L.C_DUP_REPLACED, 1);
        return true;
      }
      // A same-filled page becomes a real one: it needs a frame (below).
    } else {
      if (fill >= 0) {
        if (!this.reservePage()) { this.unlockPair(h); this.count(L.C_CAP_REJECTS, 1); return false; }
        const ok = this.insert(h, idx, L.SAME_FILLED | fill);
        if (ok) Atomics.add(w, this.pBase + L.P_SAME_FILLED, 1);
        else Atomics.sub(w, this.pBase + L.P_PAGES, 1);
        this.unlockPair(h);
        return ok;
      }
      // A new page is checked against the cap here too, before a frame is found for it (and
      // perhaps another page evicted for it); the check that counts is the one below.
      if (this.overCap()) { this.unlockPair(h); this.count(L.C_CAP_REJECTS, 1); return false; }
    }
    this.unlockPair(h);

    // No lock is held while a frame is found: eviction takes other buckets' locks.
    const f = this.allocFrame();
    if (f < 0) {
      // Rule 6: a rejected put must not leave the old page behind.
      if (this.flushOne(idx)) this.count(L.C_DUP_FLUSHED, 1);
      return false;
    }
    this.copyIn(f, src, off);
    if (!this.lockPair(h)) { this.releaseFrame(f); throw storeBusy('put'); }
    if (!this.poolStillLive()) { this.unlockPair(h); this.releaseFrame(f); return false; }
    let ok = true;
    if (this.locate(h, idx)) {
      const vi = this.valueWord(this.fBase, this.fSlot);
      const old = w[vi];
      this.publishFrame(f, this.fBase, this.fSlot);
      w[vi] = f;
      if (old & L.SAME_FILLED) Atomics.add(w, this.pBase + L.P_SAME_FILLED, -1);
      this.unlockPair(h);
      if (!(old & L.SAME_FILLED)) this.freeFrame(old, (this.pFlags & L.PF_PERSISTENT) !== 0);
      this.count(L.C_DUP_REPLACED, 1);
      return true;
    }
    if (!this.reservePage()) {
      this.count(L.C_CAP_REJECTS, 1);
      ok = false;
    } else {
      ok = this.insert(h, idx, f);
      if (!ok) Atomics.sub(w, this.pBase + L.P_PAGES, 1);
    }
    this.unlockPair(h);
    if (!ok) this.releaseFrame(f);
    return ok;
  }

  /** Copies one page into `into` at byte offset off; true on a hit. The first try is kept
   *  short (V8 inlines it into get); a bucket met mid-write goes to the retry loop. */
  private getOne(idx: number, into: Uint8Array, off: number): boolean {
    const h = this.hash(idx);
    if (this.pExclusive) return this.getExclusive(h, idx, into, off);
    // Find the entry with plain reads: an entry that exists before the call never moves, so a
    // scan that does not see it in either bucket is a true miss (a put racing with this get
    // may end either way), and a miss costs no atomic operation at all.
    if (!this.locate(h, idx)) return false;
    const w = this.w, base = this.fBase, s = this.fSlot;
    // Seqlock read of the bucket that holds it: version (even), key and value, frame bytes,
    // then the version confirmed unchanged (confirm). Only a writer holding this bucket can
    // change the entry or reuse its frame, so an unchanged version vouches for the copy.
    const v = Atomics.load(w, base);
    if ((v & 1) === 0 && this.scanSlot(base, s, idx)) {
      const val = w[this.valueWord(base, s)];
      if (val >= 0 && val < this.totalFrames) { // a frame (not SAME_FILLED, not torn)
        into.set(this.view(val), off);
        if (this.confirm(base, v)) {
          this.reference(val);
          return true;
        }
      }
    }
    return this.getRetry(h, idx, into, off);
  }

  /** getOne past its first try: a same-filled page, or a bucket being written (retried until
   *  the writer is done, bounded by LOCK_TIMEOUT_MS). */
  private getRetry(h: number, idx: number, into: Uint8Array, off: number): boolean {
    const w = this.w;
    let spins = 0;
    let deadline = 0;
    for (;;) {
      if (!this.locate(h, idx)) return false;
      const base = this.fBase, s = this.fSlot;
      const v = Atomics.load(w, base);
      if ((v & 1) !== 0 && this.knownStuck(base, v)) throw storeBusy('get');
      if ((v & 1) === 0 && this.scanSlot(base, s, idx)) {
        const val = w[this.valueWord(base, s)];
        let copied = true; // false for a value torn by a writer: neither a frame nor same-filled
        if (val & L.SAME_FILLED) {
          into.fill(val & 0xff, off, off + this.pageSize);
        } else if (val >= 0 && val < this.totalFrames) {
          into.set(this.view(val), off);
        } else {
          copied = false;
        }
        if (copied && this.confirm(base, v)) {
          if (!(val & L.SAME_FILLED)) this.reference(val);
          return true;
        }
      }
      if (++spins % SPINS_PER_CLOCK_CHECK === 0) {
        const now = performance.now();
        if (deadline === 0) deadline = now + LOCK_TIMEOUT_MS;
        else if (now > deadline) {
          this.markStuck(base, Atomics.load(w, base));
          throw storeBusy('get');
        }
      }
      if (spins > SPINS_BEFORE_PARK && this.canPark) Atomics.wait(w, base, Atomics.load(w, base) | 1, PARK_MS);
    }
  }

  /** A getMany stopped by store-busy at page i: its hits and misses before i are counted,
   *  and `hits` from i on is cleared (those pages were not read). */
  private stopped(got: number, i: number, n: number, hits: Uint8Array | undefined): void {
    this.count(L.C_SUCC_GETS, got);
    this.count(L.C_FAILED_GETS, i - got);
    if (hits !== undefined) hits.fill(0, i, n);
  }

  /** getMany, one page at a time; ~i (below 0) when store-busy stopped it at page i
   *  (the hits before it counted, and marked in `hits`: an exclusive pool's pages are taken). */
  private getEach(index: number, n: number, into: Uint8Array, hits: Uint8Array | undefined): number {
    let got = 0;
    for (let i = 0; i < n; i++) {
      let hit: boolean;
      try {
        hit = this.getOne((index + i) | 0, into, i * this.pageSize);
      } catch (e) {
        if (!isStoreBusy(e)) throw e;
        this.stopped(got, i, n, hits);
        return ~i;
      }
      if (hit) got++;
      if (hits !== undefined) hits[i] = hit ? 1 : 0;
    }
    return got;
  }

  /** getMany for non-destructive pools (~i, as getEach, when store-busy stops it at page i):
   *  the pages of a batch usually sit in consecutive
   *  frames (putMany takes them from the free stack in order), so each run of consecutive
   *  frames is copied with one call, and each page's version is confirmed after the copy.
   *  A page whose bucket changed meanwhile is read again on its own. */
  private getRuns(index: number, n: number, into: Uint8Array, hits: Uint8Array | undefined): number {
    const w = this.w, ps = this.pageSize;
    const plan = this.batchScratch(n);
    // plan[3i] = bucket base (or -1 miss), plan[3i+1] = version, plan[3i+2] = value
    for (let i = 0; i < n; i++) {
      const idx = (index + i) | 0;
      if (!this.locate(this.hash(idx), idx)) { plan[3 * i] = -1; continue; }
      const base = this.fBase, s = this.fSlot;
      const v = Atomics.load(w, base);
      const val = w[this.valueWord(base, s)];
      // A locked bucket or a moved slot: leave the page to the single-page path below.
      const ok = (v & 1) === 0 && this.scanSlot(base, s, idx) &&
        ((val & L.SAME_FILLED) !== 0 || (val >= 0 && val < this.totalFrames));
      plan[3 * i] = ok ? base : -2;
      plan[3 * i + 1] = v;
      plan[3 * i + 2] = val;
    }
    for (let i = 0; i < n;) {
      const val = plan[3 * i + 2];
      if (plan[3 * i] < 0) { i++; continue; }
      if (val & L.SAME_FILLED) { into.fill(val & 0xff, i * ps, (i + 1) * ps); i++; continue; }
      let j = i + 1;
      while (j < n && plan[3 * j] >= 0 && plan[3 * j + 2] === val + (j - i)) j++;
      if (j - i === 1) into.set(this.view(val), i * ps);
      else into.set(new Uint8Array(this.buffer, this.framesOffset + val * ps, (j - i) * ps), i * ps);
      i = j;
    }
    let got = 0;
    for (let i = 0; i < n; i++) {
      const base = plan[3 * i];
      let hit: boolean;
      if (base === -1) hit = false;
      else if (base >= 0 && this.confirm(base, plan[3 * i + 1])) {
        hit = true;
        const val = plan[3 * i + 2];
        if (!(val & L.SAME_FILLED)) this.reference(val);
      } else {
        try {
          hit = this.getOne((index + i) | 0, into, i * ps);
        } catch (e) {
          if (!isStoreBusy(e)) throw e;
          this.stopped(got, i, n, hits);
          return ~i;
        }
      }
      if (hit) got++;
      if (hits !== undefined) hits[i] = hit ? 1 : 0;
    }
    return got;
  }

  /** putMany when every page of the batch already has a frame (rewriting an object): lock
   *  the buckets that hold the entries (ascending, as every path locks, so no deadlock), copy
   *  each run of consecutive frames with one call, unlock. False (nothing done) when a page is
   *  absent, same-filled, or becomes same-filled; putOne then takes the batch page by page. */
  private rewriteRuns(index: number, n: number, src: Uint8Array): boolean {
    const w = this.w, ps = this.pageSize;
    const plan = this.batchScratch(n);
    // plan[3i] = bucket base, plan[3i+1] = slot, plan[3i+2] = frame
    for (let i = 0; i < n; i++) {
      const idx = (index + i) | 0;
      if (!this.locate(this.hash(idx), idx) || sameFill(src, i * ps, ps) >= 0) return false;
      plan[3 * i] = this.fBase;
      plan[3 * i + 1] = this.fSlot;
    }
    const locks = this.lockScratch(n);
    let nl = 0;
    for (let i = 0; i < n; i++) {
      // Insertion into the sorted list by hand: copyWithin is a runtime call in V8.
      const b = plan[3 * i];
      let j = nl;
      while (j > 0 && locks[j - 1] > b) j--;
      if (j > 0 && locks[j - 1] === b) continue;
      for (let k = nl; k > j; k--) locks[k] = locks[k - 1];
      locks[j] = b;
      nl++;
    }
    let held = 0;
    while (held < nl && this.lock(locks[held])) held++;
    let ok = held === nl;
    for (let i = 0; ok && i < n; i++) {
      const base = plan[3 * i], s = plan[3 * i + 1];
      const val = w[this.valueWord(base, s)];
      ok = this.scanSlot(base, s, (index + i) | 0) && !(val & L.SAME_FILLED);
      plan[3 * i + 2] = val;
    }
    if (ok) {
      for (let i = 0; i < n;) {
        const f = plan[3 * i + 2];
        let j = i + 1;
        while (j < n && plan[3 * j + 2] === f + (j - i)) j++;
        if (j - i === 1) this.copyIn(f, src, i * ps);
        else this.frameBytes.set(i === 0 && j * ps === src.length ? src : src.subarray(i * ps, j * ps), f * ps);
        for (let k = i; k < j; k++) this.rewritten(f + (k - i));
        i = j;
      }
    }
    for (let k = 0; k < held; k++) this.unlock(locks[k]);
    if (held !== nl) throw storeBusy('putMany');
    if (ok) this.count(L.C_DUP_REPLACED, n);
    return ok;
  }

  private lockList = new Int32Array(16);
  private lockScratch(n: number): Int32Array {
    if (this.lockList.length < n) this.lockList = new Int32Array(n);
    return this.lockList;
  }

  private batchPlan = new Int32Array(48);
  private batchScratch(n: number): Int32Array {
    if (this.batchPlan.length < 3 * n) this.batchPlan = new Int32Array(3 * n);
    return this.batchPlan;
  }

  /** Private ephemeral (and exclusiveGets) gets: copy and drop under the bucket lock. */
  private getExclusive(h: number, idx: number, into: Uint8Array, off: number): boolean {
    const w = this.w;
    // Most exclusive gets of a victim cache miss: learn that without taking a lock.
    if (!this.locate(h, idx)) return false;
    if (!this.lockPair(h)) throw storeBusy('get');
    if (!this.locate(h, idx)) { this.unlockPair(h); return false; }
    const val = w[this.valueWord(this.fBase, this.fSlot)];
    if (val & L.SAME_FILLED) into.fill(val & 0xff, off, off + this.pageSize);
    else into.set(this.view(val), off);
    this.removeEntry(this.fBase, this.fSlot, false);
    this.unlockPair(h);
    if (!(val & L.SAME_FILLED)) this.freeFrame(val, (this.pFlags & L.PF_PERSISTENT) !== 0);
    return true;
  }

  /** Removes (scratch pool, object, idx) if present; true if a page was there. */
  private flushOne(idx: number): boolean {
    const h = this.hash(idx);
    if (!this.lockPair(h)) throw storeBusy('flush');
    const found = this.locate(h, idx);
    if (found) this.removeEntry(this.fBase, this.fSlot, true);
    this.unlockPair(h);
    return found;
  }
  //#endregion

  //#region index
  private hash(idx: number): number {
    return mix(this.pTag, this.oLo, this.oHi, idx);
  }

  /** Slot of (scratch pool, object, idx) in bucket base bb, or -1. */
  private scan(bb: number, idx: number): number {
    const w = this.w;
    const tag = this.pTag, lo = this.oLo, hi = this.oHi;
    // The index word first: the entries of one pool share their tag, and often their object,
    // so it tells entries apart soonest (an empty slot's stale index is rejected by its tag 0).
    for (let s = 0, k = this.keyWord(bb, 0); s < L.BUCKET_SLOTS; s++, k += L.KEY_WORDS) {
      if (w[k + L.K_INDEX] === idx && w[k] === tag && w[k + L.K_OBJ_LO] === lo && w[k + L.K_OBJ_HI] === hi) return s;
    }
    return -1;
  }

  /** Whether slot s of bucket bb holds (scratch pool, object, idx). */
  private scanSlot(bb: number, s: number, idx: number): boolean {
    const w = this.w;
    const k = this.keyWord(bb, s);
    return w[k] === this.pTag && w[k + L.K_INDEX] === idx && w[k + L.K_OBJ_LO] === this.oLo && w[k + L.K_OBJ_HI] === this.oHi;
  }

  /** Finds (scratch pool, object, idx), leaving its place in fBase/fSlot. Plain reads: under
   *  the pair's locks the answer is exact; without them it is a hint that the caller confirms
   *  (an entry that exists before the call never moves, so a miss is a true miss). */
  private locate(h: number, idx: number): boolean {
    let base = this.bucketBase(bucketOf(h, this.nBuckets));
    let s = this.scan(base, idx);
    if (s < 0) {
      base = this.bucketBase(bucketOf2(h, this.nBuckets));
      s = this.scan(base, idx);
    }
    this.fBase = base;
    this.fSlot = s;
    return s >= 0;
  }

  /** With both buckets locked and the page already counted (reservePage): adds an entry in
   *  the first-choice bucket while it holds fewer than FIRST_CHOICE_FILL entries, else in the
   *  emptier of the two; when both are full, in the place of an ephemeral entry of either
   *  (dropEphemeral); false when every entry there is persistent.
   *  A lookup scans the first choice first, so keeping entries there saves most hits the
   *  second scan (simulated: 95 % of entries in the first choice with every frame in use,
   *  against 69 % for "always the emptier", and no more failed inserts at that load). */
  private insert(h: number, idx: number, value: number): boolean {
    const w = this.w;
    const b1 = this.bucketBase(bucketOf(h, this.nBuckets));
    const b2 = this.bucketBase(bucketOf2(h, this.nBuckets));
    const c1 = w[b1 + L.B_COUNT];
    let bb = c1 < FIRST_CHOICE_FILL || c1 <= w[b2 + L.B_COUNT] ? b1 : b2;
    // bb is full only when both are.
    if (w[bb + L.B_COUNT] >= L.BUCKET_SLOTS) {
      bb = this.dropEphemeral(b1, b2);
      if (bb < 0) return false;
    }
    let s = 0;
    while (w[this.keyWord(bb, s)] !== 0) s++;
    const k = this.keyWord(bb, s);
    w[k + L.K_OBJ_LO] = this.oLo;
    w[k + L.K_OBJ_HI] = this.oHi;
    w[k + L.K_INDEX] = idx;
    w[this.valueWord(bb, s)] = value;
    w[k] = this.pTag;
    w[bb + L.B_COUNT]++;
    if (!(value & L.SAME_FILLED)) this.publishFrame(value, bb, s);
    return true;
  }

  /**
   * With buckets b1 and b2 locked, both full: removes the ephemeral entry of either that is
   * least worth keeping and returns its bucket, or -1 when all sixteen are persistent. The
   * index has two entries a frame, so it fills before the frames only with same-filled pages
   * (which take no frame, and so are never met by the CLOCK); without this, ephemeral ones
   * could hold both buckets of a handle for good and refuse every later put there, persistent
   * ones too (rule 10: ephemeral pages go before a persistent put is refused). Same-filled
   * entries go first, then the frame least recently referenced.
   */
  private dropEphemeral(b1: number, b2: number): number {
    const w = this.w;
    let best = -1, bestB = -1, bestScore = 0x7fffffff;
    for (let bb = b1, round = 0; round < 2; bb = b2, round++) {
      for (let s = 0; s < L.BUCKET_SLOTS; s++) {
        const tag = w[this.keyWord(bb, s)];
        if (tag === 0 || (w[this.poolBase(L.poolIdOf(tag)) + L.P_FLAGS] & L.PF_PERSISTENT) !== 0) continue;
        const val = w[this.valueWord(bb, s)];
        const score = val & L.SAME_FILLED ? 0 : 1 + this.refs[val];
        if (score < bestScore) { best = s; bestB = bb; bestScore = score; }
      }
    }
    if (best < 0) return -1;
    const tag = w[this.keyWord(bestB, best)];
    this.removeEntry(bestB, best, true);
    this.countFor(L.poolIdOf(tag), tag, L.C_EVICTIONS, 1);
    return bestB;
  }

  /** Counts one more page in the scratch pool unless that passes its cap (then false). One
   *  Atomics.add decides, so puts into other buckets cannot both take the pool's last place. */
  private reservePage(): boolean {
    const w = this.w, pb = this.pBase;
    const before = Atomics.add(w, pb + L.P_PAGES, 1);
    const cap = Atomics.load(w, pb + L.P_MAX_PAGES);
    if (cap !== 0 && before >= cap) {
      Atomics.sub(w, pb + L.P_PAGES, 1);
      return false;
    }
    return true;
  }

  /** With bucket bb locked: empties slot s, keeping the pool's gauges; frees the frame now
   *  (freeFrame) or leaves it to the caller, who still copies from it. */
  private removeEntry(bb: number, s: number, freeFrame: boolean): void {
    const w = this.w;
    const k = this.keyWord(bb, s);
    const pb = this.poolBase(L.poolIdOf(w[k]));
    const val = w[this.valueWord(bb, s)];
    // The entry's pool flags, read while its entry is still there: its id cannot be given to
    // another pool before every entry of it is gone, under this very lock (destroyTagged).
    const persistent = (w[pb + L.P_FLAGS] & L.PF_PERSISTENT) !== 0;
    w[k] = 0;
    w[bb + L.B_COUNT]--;
    Atomics.sub(w, pb + L.P_PAGES, 1);
    if (val & L.SAME_FILLED) Atomics.sub(w, pb + L.P_SAME_FILLED, 1);
    else if (freeFrame) this.freeFrame(val, persistent);
  }

  private poolStillLive(): boolean {
    return Atomics.load(this.w, this.pBase + L.P_STATE_GEN) === L.liveStateGen(this.pTag);
  }

  private overCap(): boolean {
    const cap = Atomics.load(this.w, this.pBase + L.P_MAX_PAGES);
    return cap !== 0 && Atomics.load(this.w, this.pBase + L.P_PAGES) >= cap;
  }
  //#endregion

  //#region frames
  private view(f: number): Uint8Array {
    let v = this.views[f];
    if (v === undefined) {
      v = new Uint8Array(this.buffer, this.framesOffset + f * this.pageSize, this.pageSize);
      this.views[f] = v;
    }
    return v;
  }

  private copyIn(f: number, src: Uint8Array, off: number): void {
    const ps = this.pageSize;
    this.frameBytes.set(off === 0 && src.length === ps ? src : src.subarray(off, off + ps), f * ps);
  }

  /** Marks frame f, holding a page of the scratch pool that was just read, as used (REF_USED).
   *  Only ephemeral frames are ever victims (rule 10), so a persistent page leaves the refs
   *  line alone; a count already there is not written again. */
  private reference(f: number): void {
    if (!(this.pFlags & L.PF_PERSISTENT) && this.refs[f] !== REF_USED) this.refs[f] = REF_USED;
  }

  /** Marks frame f, whose page was just rewritten in place, as at least new (REF_NEW): a put is
   *  one use, like the put of a new page (measured against an exact LRU in
   *  test/unit/core-eviction.test.ts, REF_USED here kept twice as many stale pages). */
  private rewritten(f: number): void {
    if (!(this.pFlags & L.PF_PERSISTENT) && this.refs[f] === REF_NONE) this.refs[f] = REF_NEW;
  }

  /** Records the owner and entry location of frame f (under the entry's bucket lock). */
  private publishFrame(f: number, bb: number, s: number): void {
    this.w[this.frameWord(f, L.F_LOC)] = this.locAt(bb, s);
    const persistent = (this.pFlags & L.PF_PERSISTENT) !== 0;
    Atomics.add(this.w, persistent ? L.H_PERS_FRAMES : L.H_EPH_FRAMES, 1);
    Atomics.store(this.w, this.frameWord(f, L.F_OWNER), this.pTag);
  }

  /** A frame for a put: a free one while under budget, else an evicted ephemeral one. The
   *  frame comes back RESERVED and counted in H_USED; -1 when there is none. */
  private allocFrame(): number {
    const w = this.w;
    if (Atomics.add(w, L.H_USED, 1) < Atomics.load(w, L.H_BUDGET)) {
      const f = this.popFree();
      if (f >= 0) {
        // A free frame may sit anywhere, even just ahead of the hand: at REF_NEW its page
        // outlives every page unreferenced now (the hand's first pass only lowers the count).
        this.refs[f] = REF_NEW;
        return f;
      }
    }
    Atomics.sub(w, L.H_USED, 1);
    const f = this.evictOne();
    // An evicted frame is just behind the hand: at REF_NONE its page is still the last of the
    // unreferenced pages the hand meets.
    if (f >= 0) this.refs[f] = REF_NONE;
    return f;
  }

  /** Gives back a RESERVED frame: never published, or emptied by evictOne (in no frame gauge
   *  either way); false when it could only be left to the CLOCK as an orphan (see pushFree). */
  private releaseFrame(f: number): boolean {
    Atomics.store(this.w, this.frameWord(f, L.F_OWNER), L.OWNER_FREE);
    return this.pushFree(f);
  }

  /** Frees a published frame whose entry is gone, of a `persistent` pool or not; false when it
   *  could only be left to the CLOCK as an orphan (see pushFree). The caller says which gauge
   *  it is in, from the flags it read while the entry was there: read here, after the bucket
   *  lock, they could be those of another pool made meanwhile under the same id, and the wrong
   *  gauge would drift for good (H_EPH_FRAMES too low stops evictOne early). */
  private freeFrame(f: number, persistent: boolean): boolean {
    Atomics.sub(this.w, persistent ? L.H_PERS_FRAMES : L.H_EPH_FRAMES, 1);
    Atomics.store(this.w, this.frameWord(f, L.F_OWNER), L.OWNER_FREE);
    return this.pushFree(f);
  }

  private popFree(): number {
    const w = this.w;
    // Stuck: no frame from the stack. allocFrame then evicts a page for the put (evictOne),
    // even under budget, or refuses the put when none can go; never a wrong frame.
    if (!this.lock(L.H_FREE_LOCK)) return -1;
    const top = w[L.H_FREE_TOP];
    const f = top > 0 ? w[this.stackWord(top - 1)] : -1;
    if (top > 0) w[L.H_FREE_TOP] = top - 1;
    this.unlock(L.H_FREE_LOCK);
    if (f >= 0) Atomics.store(w, this.frameWord(f, L.F_OWNER), L.OWNER_RESERVED);
    return f;
  }

  /** Puts frame f on the free stack; false when the stack's lock is stuck. */
  private pushFree(f: number): boolean {
    const w = this.w;
    if (this.lock(L.H_FREE_LOCK)) {
      w[this.stackWord(w[L.H_FREE_TOP])] = f;
      w[L.H_FREE_TOP]++;
      this.unlock(L.H_FREE_LOCK);
      Atomics.sub(w, L.H_USED, 1);
      return true;
    }
    // The stack's lock is stuck: leave the frame for the CLOCK to find, never lose it.
    Atomics.store(w, this.frameWord(f, L.F_OWNER), L.OWNER_ORPHAN);
    Atomics.add(w, L.H_ORPHANS, 1);
    return false;
  }

  /** CLOCK: finds an ephemeral page not referenced since the hand last passed, removes it and
   *  returns its frame RESERVED (still counted in H_USED), or -1 when none can be found. The
   *  hand is claimed one position at a time, so every position is visited in order and a page
   *  put into an evicted frame (just behind the hand) is the last unreferenced page to go. */
  private evictOne(): number {
    const w = this.w, n = this.totalFrames;
    // Nothing to evict (every page persistent, or none at all): say so without a scan.
    if (Atomics.load(w, L.H_EPH_FRAMES) === 0 && Atomics.load(w, L.H_ORPHANS) === 0) return -1;
    // Every page may need REF_USED passes of the hand before one is a victim.
    for (let steps = (REF_USED + 1) * n + 1; steps > 0; steps--) {
      const hand = Atomics.add(w, L.H_CLOCK, 1) >>> 0;
      if (hand >= this.clockWrap) this.windClock(hand);
      const f = hand % n;
      const ow = this.frameWord(f, L.F_OWNER);
      const owner = Atomics.load(w, ow);
      if (owner === L.OWNER_ORPHAN) {
        if (Atomics.compareExchange(w, ow, L.OWNER_ORPHAN, L.OWNER_RESERVED) === L.OWNER_ORPHAN) {
          Atomics.sub(w, L.H_ORPHANS, 1);
          return f;
        }
        continue;
      }
      if (owner <= 0) continue;
      const pool = L.poolIdOf(owner);
      if ((w[this.poolBase(pool) + L.P_FLAGS] & L.PF_PERSISTENT) !== 0) continue; // rule 10: never evicted
      const r = this.refs[f];
      if (r !== REF_NONE) { this.refs[f] = r - 1; continue; }
      if (this.tryEvict(f, owner, pool)) return f;
    }
    return -1;
  }

  /** Winds the CLOCK hand back by clockWrap after the claim of position `hand`, so that it
   *  never nears 2^32. Only if no claim came since (the word is still hand + 1): a claim that
   *  came later finds the hand at or past clockWrap too and tries again itself. */
  private windClock(hand: number): void {
    Atomics.compareExchange(this.w, L.H_CLOCK, (hand + 1) | 0, (hand + 1 - this.clockWrap) | 0);
  }

  /** Evicts frame f's page if its entry still names it (owner tag `owner`, of pool id `pool`);
   *  the frame comes back RESERVED. */
  private tryEvict(f: number, owner: number, pool: number): boolean {
    const w = this.w;
    const loc = w[this.frameWord(f, L.F_LOC)];
    const bb = this.locBase(loc), s = L.locSlot(loc);
    // A busy bucket is skipped, not waited for: another victim will do.
    const v = Atomics.load(w, bb);
    if ((v & 1) !== 0 || Atomics.compareExchange(w, bb, v, v + 1) !== v) return false;
    const k = this.keyWord(bb, s);
    const ok = w[k] === owner && w[this.valueWord(bb, s)] === f &&
      Atomics.load(w, this.frameWord(f, L.F_OWNER)) === owner;
    if (ok) {
      w[k] = 0;
      w[bb + L.B_COUNT]--;
      Atomics.sub(w, this.poolBase(pool) + L.P_PAGES, 1);
      Atomics.sub(w, L.H_EPH_FRAMES, 1);
      Atomics.store(w, this.frameWord(f, L.F_OWNER), L.OWNER_RESERVED);
    }
    Atomics.store(w, bb, v + 2);
    if (ok) this.countFor(pool, owner, L.C_EVICTIONS, 1);
    return ok;
  }
  //#endregion

  //#region locks
  /**
   * Ends a seqlock read: whether bucket word `base` still holds the even version `v` read
   * before the copy. A compare-exchange that writes `v` back, not a load: under JavaScript's
   * memory model only a read-modify-write puts the copy's plain reads before a writer's next
   * lock (the writer's CAS reads this write, so it comes after them). An `Atomics.load` orders
   * only what follows it: on ARM the copy's last reads could still be pending when it reads the
   * version, and see a writer's first bytes. The price is a write to the bucket's cache line
   * (README, Limits).
   */
  private confirm(base: number, v: number): boolean {
    return Atomics.compareExchange(this.w, base, v, v) === v;
  }

  /** Spinlock on word i (even = free, odd = held); bounded by LOCK_TIMEOUT_MS. A word this
   *  thread already waited on in vain, still holding the same odd value, fails at once. */
  private lock(i: number): boolean {
    // First try: the expected value comes from a plain read (the CAS checks it atomically),
    // which saves an Atomics.load, a builtin call, on every uncontended lock.
    const v0 = this.w[i];
    if ((v0 & 1) === 0 && Atomics.compareExchange(this.w, i, v0, v0 + 1) === v0) return true;
    return this.lockSlow(i);
  }

  /** lock past its first try: spins, parks where allowed, gives up at LOCK_TIMEOUT_MS. */
  private lockSlow(i: number): boolean {
    const w = this.w;
    let spins = 0;
    let deadline = 0;
    for (;;) {
      const v = Atomics.load(w, i);
      if ((v & 1) === 0) {
        if (Atomics.compareExchange(w, i, v, v + 1) === v) return true;
      } else if (this.knownStuck(i, v)) {
        return false;
      }
      if (++spins % SPINS_PER_CLOCK_CHECK === 0) {
        const now = performance.now();
        if (deadline === 0) deadline = now + LOCK_TIMEOUT_MS;
        else if (now > deadline) {
          this.markStuck(i, Atomics.load(w, i));
          return false;
        }
      }
      if (spins > SPINS_BEFORE_PARK && this.canPark) Atomics.wait(w, i, v | 1, PARK_MS);
    }
  }

  private unlock(i: number): void {
    Atomics.add(this.w, i, 1);
  }

  /** Whether lock word i, found odd at value v, is one this thread already waited on in vain. */
  private knownStuck(i: number, v: number): boolean {
    return this.stuck.size !== 0 && this.stuck.get(i) === v;
  }

  /** Remembers that lock word i stayed held, at odd value v, for a whole LOCK_TIMEOUT_MS: its
   *  holder most likely died inside the store (a terminated worker). Later waits on it that
   *  find the same value fail at once, so each thread pays the timeout once per stuck lock,
   *  not on every call (the main thread must not stall again and again). Any change of the
   *  word (a live holder that was only slow, releasing it) ends this. */
  private markStuck(i: number, v: number): void {
    if ((v & 1) === 0) return;
    if (this.stuck.size >= STUCK_LIMIT) this.stuck.clear();
    this.stuck.set(i, v);
  }

  /** Locks both candidate buckets of a hash, lower address first (no deadlock). */
  private lockPair(h: number): boolean {
    const a = this.bucketBase(bucketOf(h, this.nBuckets));
    const b = this.bucketBase(bucketOf2(h, this.nBuckets));
    const lo = a < b ? a : b, hi = a < b ? b : a;
    if (!this.lock(lo)) return false;
    if (!this.lock(hi)) { this.unlock(lo); return false; }
    return true;
  }

  private unlockPair(h: number): void {
    this.unlock(this.bucketBase(bucketOf(h, this.nBuckets)));
    this.unlock(this.bucketBase(bucketOf2(h, this.nBuckets)));
  }
  //#endregion

  //#region counters
  /** Makes this thread's counter block for the pool belong to the pool's current tag. */
  private ensureCounterBlock(poolId: number): void {
    if (this.w[this.counterBlock(poolId) + L.C_TAG] !== this.pTag) this.claimCounterBlock(poolId);
  }

  /** ensureCounterBlock past its check (once per pool and thread): zeroes the block. Not in
   *  the shared slot 0, whose blocks newPool resets (resetSharedCounters): a thread there
   *  switching a block's tag could not zero its words atomically with the switch, so another
   *  thread's counts could land in between and be wiped, and a thread counting for a pool
   *  destroyed meanwhile (countFor) would wipe the counts of the pool made again under its id. */
  private claimCounterBlock(poolId: number): void {
    if (this.slot === 0) return;
    const cb = this.counterBlock(poolId);
    const w = this.w;
    for (let c = 1; c < L.COUNTER_BLOCK_WORDS; c++) w[cb + c] = 0;
    Atomics.store(w, cb + L.C_TAG, this.pTag);
  }

  /** Gives slot 0's counter block for pool `id` to the pool `tag` that newPool is making (under
   *  the pool lock, before the pool is live, so no count of it is lost): zeroed, then tagged. */
  private resetSharedCounters(id: number, tag: number): void {
    const w = this.w, cb = this.sharedCounterBlock(id);
    for (let c = 1; c < L.COUNTER_BLOCK_WORDS; c++) w[cb + c] = 0;
    Atomics.store(w, cb + L.C_TAG, tag);
  }

  private count(c: number, n: number): void {
    if (n === 0) return;
    const cb = this.counterBlock(L.poolIdOf(this.pTag));
    if (this.slot === 0) { this.countShared(cb, c, n); return; }
    const i = cb + c;
    // int32 arithmetic on the low word (a Uint32Array read past 2^31 is a double in V8):
    // it wrapped when its new value, unsigned, is below n.
    const w = this.w;
    const lo = (w[i] + n) | 0;
    w[i] = lo;
    if ((lo >>> 0) < n) w[i + 1] = (w[i + 1] + 1) | 0;
  }

  /** Adds 1 to the 64-bit counter at word i of this thread's own block (not slot 0). */
  private bump(i: number): void {
    const w = this.w;
    const lo = (w[i] + 1) | 0;
    w[i] = lo;
    if (lo === 0) w[i + 1] = (w[i + 1] + 1) | 0;
  }

  /** count in the shared slot 0's block cb, with Atomics, and only while the block is the
   *  pool's (newPool tags it): an event of a pool destroyed since is dropped, not counted for
   *  the next pool of its id. Not exact either: an event whose check came just before newPool
   *  reset the block, and its add just after, is counted for the new pool (a tag and a counter
   *  cannot change in one atomic step). Apart from count, so that the hot paths that inline
   *  count stay within V8's inlining budget. */
  private countShared(cb: number, c: number, n: number): void {
    if (Atomics.load(this.w, cb + L.C_TAG) !== this.pTag) return;
    const u = this.u, i = cb + c;
    const before = Atomics.add(u, i, n);
    if (before + n > 0xffffffff) Atomics.add(u, i + 1, 1);
  }

  /** Counts an event of another pool (an eviction done on that pool's behalf). */
  private countFor(pool: number, tag: number, c: number, n: number): void {
    const cb = this.counterBlock(pool);
    const savedTag = this.pTag;
    this.pTag = tag;
    if (this.w[cb + L.C_TAG] !== tag) this.ensureCounterBlock(pool);
    this.count(c, n);
    this.pTag = savedTag;
  }
  //#endregion
}
