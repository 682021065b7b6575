// Where each offset of a frontswap area lives, so a load goes straight to the right tier.
//
//   memory  offsets whose page is in the area's persistent pool, oldest use first (a Map keeps
//           insertion order: a use deletes and re-inserts, so writeback takes from the front)
//   disk    offsets whose page is in the write-behind buffer or committed to IndexedDB; the
//           buffer itself says which (WriteBehind.read), so the map need not track commits
//
// Non-durable areas keep an offset in exactly one of the two. Durable (writethrough) areas keep
// every offset in `disk`, and in `memory` too while the pool has a copy.

/** Where a load of an offset goes. */
export type Tier = 'memory' | 'disk' | 'absent';

export class TierMap {
  readonly #memory = new Map<number, true>();
  readonly #disk = new Set<number>();

  /** Pages with a copy in memory / with a copy bound for or on disk. */
  get memoryPages(): number { return this.#memory.size; }
  get diskPages(): number { return this.#disk.size; }

  /** Offsets the area holds (in any tier). */
  get size(): number {
    if (this.#memory.size === 0) return this.#disk.size;
    let n = this.#disk.size;
    for (const o of this.#memory.keys()) if (!this.#disk.has(o)) n++;
    return n;
  }

  /** The fastest tier holding the offset. */
  where(offset: number): Tier {
    return this.#memory.has(offset) ? 'memory' : this.#disk.has(offset) ? 'disk' : 'absent';
  }

  inMemory(offset: number): boolean { return this.#memory.has(offset); }
  onDisk(offset: number): boolean { return this.#disk.has(offset); }

  /** Records a memory copy and makes it the most recently used. */
  touchMemory(offset: number): void {
    this.#memory.delete(offset);
    this.#memory.set(offset, true);
  }

  /** Forgets the memory copy; true if there was one. */
  dropMemory(offset: number): boolean { return this.#memory.delete(offset); }

  /** Records a copy bound for or on disk. */
  addDisk(offset: number): void { this.#disk.add(offset); }

  /** Forgets the disk copy; true if there was one. */
  dropDisk(offset: number): boolean { return this.#disk.delete(offset); }

  /** Memory offsets, least recently used first. Safe to drop entries while iterating. */
  leastRecentlyUsed(): IterableIterator<number> { return this.#memory.keys(); }

  /** Every offset with a disk copy. */
  diskOffsets(): IterableIterator<number> { return this.#disk.values(); }

  clear(): void {
    this.#memory.clear();
    this.#disk.clear();
  }
}
