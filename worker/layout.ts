// The memory layout of a webtmem store: the only file that knows byte offsets.
//
//  One SharedArrayBuffer (or ArrayBuffer in 'local' mode), all metadata in 32-bit words:
//
//  ┌──────────────┬────────────┬──────────────────┬────────────┬─────────────┬──────┬─────────────────┬─────┬────────────────────┐
//  │ header       │ pool table │ counter blocks   │ free stack │ frame meta  │ refs │ index buckets   │ pad │ frames             │
//  │ 64 words     │ maxPools × │ SLOTS × maxPools │ totalFrames│ totalFrames │ 1 B  │ buckets ×       │     │ totalFrames ×      │
//  │              │ 16 words   │ × 32 words       │ words      │ × 2 words   │/frame│ 42 words        │     │ pageSize (4 KiB-   │
//  │              │            │                  │            │             │      │                 │     │ aligned)           │
//  └──────────────┴────────────┴──────────────────┴────────────┴─────────────┴──────┴─────────────────┴─────┴────────────────────┘
//
// | region          | size (bytes)                      | meaning                                              |
// |-----------------|-----------------------------------|------------------------------------------------------|
// | header          | 256                               | magic, layout version, geometry, budget, gauges, locks |
// | pool table      | maxPools × 64                     | per pool: state+generation, flags, uuid, gauges, cap |
// | counter blocks  | COUNTER_SLOTS × maxPools × 128    | per (thread slot, pool): event counters, one writer  |
// | free stack      | totalFrames × 4                   | frame numbers not in use (top in header)             |
// | frame meta      | totalFrames × 8                   | per frame: owner tag, index location of its entry    |
// | refs            | totalFrames × 1 (padded to words) | per frame: CLOCK reference count (ephemeral only)    |
// | index buckets   | buckets × 168                     | hash buckets of 8 entries: seqlock, count, keys, values |
// | frames          | totalFrames × pageSize            | page data, aligned to 4096 bytes                     |
//
// Metadata per frame: 4 (stack) + 8 (meta) + 1 (ref) + 2 entries × 21 (index) = 55 bytes, plus
// the fixed header, pool table and counter blocks.
//
// Rules the layout keeps (checked by test/unit/layout.test.ts):
// - every region starts on a 64-byte boundary and regions do not overlap;
// - frames start on a 4096-byte boundary;
// - the geometry words in the header fully determine every offset, so attach() recomputes the
//   layout from the header and refuses a buffer whose size or version does not match.

/** 'tmem' in ASCII: the first word of every store. */
export const MAGIC = 0x746d656d;
/** Bump on any change to this file's offsets or encodings: attach() refuses other versions. */
export const LAYOUT_VERSION = 2;

export const WORD = 4;
export const REGION_ALIGN = 64;
export const FRAME_ALIGN = 4096;

//#region header (word indexes)
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_PAGE_SIZE = 2;
export const H_TOTAL_FRAMES = 3;
export const H_MAX_POOLS = 4;
export const H_BUCKETS = 5;
/** Frames the store may use now (setBudget). Every change is followed by Atomics.notify on
 *  this word, so other threads can await it (Atomics.waitAsync) instead of polling. */
export const H_BUDGET = 6;
/** Frames out of the free stack (Atomics): reserved by a put, holding a page, or orphaned (lost
 *  from the stack when its lock was stuck, until the CLOCK takes them back). */
export const H_USED = 7;
/** CLOCK hand: positions are claimed one at a time with Atomics.add (frame = hand % totalFrames).
 *  Once it reaches the largest multiple of totalFrames not above 2^30, it is wound back by that
 *  much (same frame), so it never nears 2^32. */
export const H_CLOCK = 8;
/** One past the highest counter slot ever taken: stats() sums the blocks of the slots below it
 *  (a slot given back keeps its counts, and its next owner adds to them). */
export const H_NEXT_SLOT = 9;
/** Spinlock of the pool table (newPool, destroyPool). */
export const H_POOL_LOCK = 10;
/** Spinlock of the free stack. */
export const H_FREE_LOCK = 11;
/** Height of the free stack. */
export const H_FREE_TOP = 12;
/** Gauges: frames holding ephemeral / persistent pages. */
export const H_EPH_FRAMES = 13;
export const H_PERS_FRAMES = 14;
/** 1 when the buffer is a SharedArrayBuffer. */
export const H_SHARED = 15;
/** Frames lost from the free stack when its lock was stuck; the CLOCK takes them back. */
export const H_ORPHANS = 16;
/** Bit s set while counter slot s (1..31) belongs to an attached thread (Atomics): attach()
 *  takes the lowest clear bit, releaseSlot() clears it. Slot 0 is shared by whoever finds
 *  none free. */
export const H_SLOTS_TAKEN = 17;
export const HEADER_WORDS = 64;
//#endregion

//#region pool table (word offsets inside one pool entry)
/** (generation << 2) | state. Read with Atomics.load: it publishes the rest of the entry. */
export const P_STATE_GEN = 0;
export const P_FLAGS = 1;
/** uuid as 4 words (shared pools). */
export const P_UUID = 2;
/** Gauges, changed under a bucket lock: live handles, same-filled handles. */
export const P_PAGES = 6;
export const P_SAME_FILLED = 7;
/** Page cap (0 = none). */
export const P_MAX_PAGES = 8;
export const POOL_WORDS = 16;

export const POOL_FREE = 0;
export const POOL_LIVE = 1;
/** Destroyed, but entries of it may still be in the index (a sweep stopped by a stuck bucket
 *  lock): no put or get reaches it, and its id is not given out again until a later
 *  destroyPool has removed them all. */
export const POOL_DYING = 2;

export const PF_PERSISTENT = 1 << 0;
export const PF_SHARED = 1 << 1;
export const PF_EXCLUSIVE_GETS = 1 << 2;

/** A pool tag names one incarnation of a pool id: (generation << POOL_ID_BITS) | id. It is
 *  never 0 (generations start at 1), so 0 marks an empty index slot or a free frame. */
export const POOL_ID_BITS = 10;
export const MAX_POOLS_LIMIT = 1 << POOL_ID_BITS;
export const GEN_MASK = (1 << 21) - 1;
//#endregion

//#region counter blocks
/** Thread slots. Slot 0 is shared by every thread past the last one (updated with Atomics);
 *  slots 1.. are owned by one attached Tmem each (plain writes, no cache-line bouncing). */
export const COUNTER_SLOTS = 32;
/** Word 0 of a block: the pool tag its counters belong to; a block with another tag is stale.
 *  A thread retags its own blocks; slot 0's are retagged only by newPool, for the pool it makes. */
export const C_TAG = 0;
/** Counters are 64-bit (lo, hi word pairs) starting at word 2. */
export const C_SUCC_PUTS = 2;
export const C_FAILED_PUTS = 4;
export const C_SUCC_GETS = 6;
export const C_FAILED_GETS = 8;
export const C_FLUSHES = 10;
export const C_FLUSH_OBJECTS = 12;
export const C_EVICTIONS = 14;
export const C_DUP_REPLACED = 16;
export const C_DUP_FLUSHED = 18;
export const C_CAP_REJECTS = 20;
export const COUNTER_BLOCK_WORDS = 32;
//#endregion

//#region frame meta
/** Word 0: owner pool tag; 0 = free (in the free stack); RESERVED = taken by a put that has
 *  not yet published it; ORPHAN = free but lost from the stack (reclaimed by the CLOCK). */
export const F_OWNER = 0;
/** Word 1: location of the index entry that names this frame: (bucket << SLOT_BITS) | slot. */
export const F_LOC = 1;
export const FRAME_META_WORDS = 2;
export const OWNER_FREE = 0;
export const OWNER_RESERVED = -1;
export const OWNER_ORPHAN = -2;
//#endregion

//#region index buckets
/** Seqlock: even = stable, odd = a writer holds the bucket. Writers CAS even→odd and store +1. */
export const B_VERSION = 0;
/** Live entries in the bucket (changed under the lock). */
export const B_COUNT = 1;
/** Keys: 8 × [pool tag, object lo, object hi, index]; tag 0 = empty. */
export const B_KEYS = 2;
export const KEY_WORDS = 4;
/** Words of one key. */
export const K_TAG = 0;
export const K_OBJ_LO = 1;
export const K_OBJ_HI = 2;
export const K_INDEX = 3;
/** Slots a bucket: 1 << SLOT_BITS, so an entry location packs bucket and slot in one word. */
export const SLOT_BITS = 3;
export const BUCKET_SLOTS = 1 << SLOT_BITS;
/** Values: 8 words; a frame number, or SAME_FILLED | byte. */
export const B_VALUES = B_KEYS + BUCKET_SLOTS * KEY_WORDS;
export const BUCKET_WORDS = B_VALUES + BUCKET_SLOTS;
/** Index entries per frame (the index is sized for same-filled pages too). */
export const ENTRIES_PER_FRAME = 2;
export const SAME_FILLED = 1 << 30;
//#endregion

//#region encodings of one word
/** A P_STATE_GEN word: a pool's generation and state (POOL_FREE, POOL_LIVE, POOL_DYING), and its parts. */
export const stateGen = (gen: number, state: number): number => (gen << 2) | state;
export const poolState = (sg: number): number => sg & 3;
export const poolGen = (sg: number): number => (sg >>> 2) & GEN_MASK;
/** A pool tag (a frame's owner, an entry's K_TAG): generation and id, and its parts. */
export const tagOf = (sg: number, id: number): number => (poolGen(sg) << POOL_ID_BITS) | id;
export const poolIdOf = (tag: number): number => tag & (MAX_POOLS_LIMIT - 1);
export const tagGen = (tag: number): number => tag >>> POOL_ID_BITS;
/** The P_STATE_GEN word of a live pool whose current tag is `tag`. */
export const liveStateGen = (tag: number): number => stateGen(tagGen(tag), POOL_LIVE);
/** An entry location (F_LOC) and its parts. */
export const locOf = (bucket: number, slot: number): number => (bucket << SLOT_BITS) | slot;
export const locBucket = (loc: number): number => loc >>> SLOT_BITS;
export const locSlot = (loc: number): number => loc & (BUCKET_SLOTS - 1);
//#endregion

/** Byte offsets and sizes of every region, derived from the geometry. */
export interface Layout {
  pageSize: number;
  totalFrames: number;
  maxPools: number;
  buckets: number;
  headerOffset: number;
  poolsOffset: number;
  countersOffset: number;
  freeStackOffset: number;
  frameMetaOffset: number;
  refsOffset: number;
  indexOffset: number;
  framesOffset: number;
  byteLength: number;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Bucket count for a frame count: room for ENTRIES_PER_FRAME entries a frame. */
export function bucketsFor(totalFrames: number): number {
  return Math.max(2, Math.ceil((totalFrames * ENTRIES_PER_FRAME) / BUCKET_SLOTS));
}

/** Computes every offset from the geometry; each region starts where the previous one ends. */
export function computeLayout(pageSize: number, totalFrames: number, maxPools: number): Layout {
  const buckets = bucketsFor(totalFrames);
  const headerOffset = 0;
  const poolsOffset = alignUp(headerOffset + HEADER_WORDS * WORD, REGION_ALIGN);
  const countersOffset = alignUp(poolsOffset + maxPools * POOL_WORDS * WORD, REGION_ALIGN);
  const freeStackOffset = alignUp(
    countersOffset + COUNTER_SLOTS * maxPools * COUNTER_BLOCK_WORDS * WORD,
    REGION_ALIGN,
  );
  const frameMetaOffset = alignUp(freeStackOffset + totalFrames * WORD, REGION_ALIGN);
  const refsOffset = alignUp(frameMetaOffset + totalFrames * FRAME_META_WORDS * WORD, REGION_ALIGN);
  const indexOffset = alignUp(refsOffset + totalFrames, REGION_ALIGN);
  const framesOffset = alignUp(indexOffset + buckets * BUCKET_WORDS * WORD, FRAME_ALIGN);
  const byteLength = framesOffset + totalFrames * pageSize;
  return {
    pageSize, totalFrames, maxPools, buckets,
    headerOffset, poolsOffset, countersOffset, freeStackOffset, frameMetaOffset, refsOffset,
    indexOffset, framesOffset, byteLength,
  };
}

/** Metadata bytes per frame, not counting the fixed header, pool table and counter blocks. */
export function metadataBytesPerFrame(l: Layout): number {
  const perFrame = l.framesOffset - l.freeStackOffset;
  return perFrame / l.totalFrames;
}
