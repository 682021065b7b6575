// Slab: fixed-size slots carved out of a few large ArrayBuffers, so the write-behind buffer can
// copy a page with one `set` into memory it has written before, instead of a fresh ArrayBuffer
// per page. What a fresh page costs is mostly its first touch: the OS maps (and zeroes) each
// 4 KiB on the first write, ~2.5 µs in Chromium on Linux against ~0.5 µs to copy into memory
// already mapped. So the slab keeps its chunks while in use, touches a spare chunk ahead of
// need in a later task, and lets go only after a quiet spell. Platform-neutral but setTimeout.
//
//   chunk 0 (one ArrayBuffer)                    chunk 1, grown when every slot is taken
//   ┌────────┬────────┬─────┬────────┐           ┌────────┬─────┐
//   │ slot 0 │ slot 1 │ ... │ slot n │           │ slot 0 │ ... │
//   └────────┴────────┴─────┴────────┘           └────────┴─────┘
//   a slot = one Uint8Array view of slotBytes, made once with its chunk; `free` is a stack of them
//
// Rules, kept here once:
//  - take() hands out a slot that nobody else holds; give() takes it back. The owner must not
//    touch a slot after giving it back, nor give it twice.
//  - Capacity grows a chunk at a time, never beyond maxSlots: in take() when no slot is free
//    (the fresh memory's faults then fall on that store), or ahead of need in a later task
//    when fewer than half a chunk of slots are free (the faults fall there instead).
//  - When every slot has been back for idleMs, the chunks after the first are let go, so an
//    idle slab holds one chunk, not its peak.

/** Bytes a chunk aims at: 64 pages of 4 KiB. */
const CHUNK_BYTES = 256 * 1024;
/** Most slots one chunk holds, whatever the slot size. */
const MAX_CHUNK_SLOTS = 64;

export class Slab {
  /** Every slot of the first chunk, in order (the free list after a trim). */
  private first: Uint8Array[] = [];
  /** Chunks allocated; a trim keeps the first. */
  private chunks = 0;
  /** Slots allocated, free or not. */
  private capacity = 0;
  /** Slots handed out and not yet given back. */
  private used = 0;
  /** Free slots, a stack. */
  private free: Uint8Array[] = [];
  private readonly chunkSlots: number;
  /** A grow-ahead is scheduled. */
  private growing = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /** @param slotBytes bytes per slot
   *  @param maxSlots most slots ever held at once (the owner's limit; take() beyond it is a bug)
   *  @param idleMs how long every slot must stay free before the slab shrinks to one chunk */
  constructor(readonly slotBytes: number, private readonly maxSlots: number, private readonly idleMs: number) {
    this.chunkSlots = Math.max(1, Math.min(MAX_CHUNK_SLOTS, maxSlots, Math.floor(CHUNK_BYTES / slotBytes)));
  }

  /** A free slot of exactly slotBytes (its old contents undefined); null when maxSlots are out. */
  take(): Uint8Array | null {
    if (this.free.length === 0 && !this.grow()) return null;
    this.used++;
    if (this.free.length < this.chunkSlots >> 1 && !this.growing && this.capacity < this.maxSlots) {
      this.growing = true;
      setTimeout(() => {
        this.growing = false;
        if (this.free.length < this.chunkSlots >> 1) this.grow();
      }, 0);
    }
    return this.free.pop()!;
  }

  /** Takes `slot` back. @param slot a slot take() returned and not given back since */
  give(slot: Uint8Array): void {
    this.free.push(slot);
    if (--this.used === 0 && this.chunks > 1 && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.used > 0) return; // busy again: the next time it empties rearms the timer
        this.free = this.first.slice(); // nothing references the other chunks now
        this.chunks = 1;
        this.capacity = this.first.length;
      }, this.idleMs);
    }
  }

  /** Slots handed out now. */
  get inUse(): number {
    return this.used;
  }

  /** Bytes the slab holds, free or not. */
  get heldBytes(): number {
    return this.capacity * this.slotBytes;
  }

  private grow(): boolean {
    const n = Math.min(this.chunkSlots, this.maxSlots - this.capacity);
    if (n <= 0) return false;
    const buf = new ArrayBuffer(n * this.slotBytes);
    // Written through once, so the OS maps its pages now (a no-op for the values held).
    new Uint8Array(buf).fill(0);
    // Pushed in reverse so slots are taken in address order (the batch packs sequentially).
    for (let i = n - 1; i >= 0; i--) this.free.push(new Uint8Array(buf, i * this.slotBytes, this.slotBytes));
    if (this.chunks === 0) this.first = this.free.slice();
    this.chunks++;
    this.capacity += n;
    return true;
  }
}
