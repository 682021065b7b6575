// The in-memory location map of a disk log: where each key lives (record, offset, length) and
// how many bytes of each record are still live. It is the journal (format.ts) replayed; it
// never touches IndexedDB, so every rule about dead bytes sits here, in one place.
import type { DiskKey } from './key.js';
import type { JournalEntry, SlotTuple } from './format.js';

/** Where one value lives. */
export interface Slot {
  rec: number;
  off: number;
  len: number;
}

/** Accounting of one record. */
export interface RecordInfo {
  size: number;
  liveBytes: number;
  liveSlots: number;
}

export class LocationMap {
  private readonly slots = new Map<DiskKey, Slot>();
  private readonly recs = new Map<number, RecordInfo>();
  /** Sum of live value lengths. */
  liveBytes = 0;
  /** Sum of record sizes (live plus dead bytes). */
  recordBytes = 0;
  /** Puts, deletes and records applied since the last checkpoint: the journal's length in items. */
  journalItems = 0;

  get size(): number { return this.slots.size; }
  get records(): number { return this.recs.size; }
  get deadBytes(): number { return this.recordBytes - this.liveBytes; }
  get(key: DiskKey): Slot | undefined { return this.slots.get(key); }
  has(key: DiskKey): boolean { return this.slots.has(key); }
  keys(): DiskKey[] { return [...this.slots.keys()]; }
  recordIds(): number[] { return [...this.recs.keys()]; }
  record(id: number): RecordInfo | undefined { return this.recs.get(id); }

  /** Records that would hold no live slot once `keys` are overwritten or deleted: they are
   *  dropped in the same transaction (invariant 4). Does not change the map. */
  planDrops(keys: Iterable<DiskKey>): number[] {
    const killed = new Map<number, number>();
    const seen = new Set<DiskKey>();
    for (const key of keys) {
      const slot = this.slots.get(key);
      if (!slot || seen.has(key)) continue;
      seen.add(key);
      killed.set(slot.rec, (killed.get(slot.rec) ?? 0) + 1);
    }
    const drops: number[] = [];
    for (const [id, n] of killed) if (this.recs.get(id)!.liveSlots === n) drops.push(id);
    return drops;
  }

  /** Applies one journal entry. `fail` builds the error for an entry that contradicts the map
   *  (a corrupted journal); nothing is guessed. */
  apply(entry: JournalEntry, fail: (why: string) => Error): void {
    if (entry.kind === 'checkpoint') {
      this.slots.clear();
      this.recs.clear();
      this.liveBytes = 0;
      this.recordBytes = 0;
      this.journalItems = 0;
    }
    for (const [id, size] of entry.recs) {
      if (this.recs.has(id)) throw fail(`record ${id} created twice`);
      this.recs.set(id, { size, liveBytes: 0, liveSlots: 0 });
      this.recordBytes += size;
    }
    for (const [key, rec, off, len] of entry.puts) {
      const info = this.recs.get(rec);
      if (!info) throw fail(`key ${String(key)} points into missing record ${rec}`);
      if (off + len > info.size) throw fail(`slot ${off}+${len} lies outside record ${rec} of ${info.size} bytes`);
      this.kill(key);
      this.slots.set(key, { rec, off, len });
      info.liveBytes += len;
      info.liveSlots++;
      this.liveBytes += len;
    }
    for (const key of entry.dels) this.kill(key);
    for (const id of entry.drop) {
      const info = this.recs.get(id);
      if (!info) throw fail(`dropped record ${id} does not exist`);
      if (info.liveSlots !== 0) throw fail(`dropped record ${id} still holds ${info.liveSlots} live values`);
      this.recs.delete(id);
      this.recordBytes -= info.size;
    }
    this.journalItems += entry.recs.length + entry.puts.length + entry.dels.length;
  }

  private kill(key: DiskKey): void {
    const old = this.slots.get(key);
    if (!old) return;
    this.slots.delete(key);
    const info = this.recs.get(old.rec)!;
    info.liveBytes -= old.len;
    info.liveSlots--;
    this.liveBytes -= old.len;
  }

  /** The whole map as one checkpoint entry. */
  checkpoint(): JournalEntry {
    const recs: [number, number][] = [];
    for (const [id, info] of this.recs) recs.push([id, info.size]);
    const puts: SlotTuple[] = [];
    for (const [key, s] of this.slots) puts.push([key, s.rec, s.off, s.len]);
    return { kind: 'checkpoint', recs, puts, dels: [], drop: [] };
  }

  /** Records whose dead fraction is at least `threshold`, most wasteful first. */
  sparseRecords(threshold: number): number[] {
    const out: [number, number][] = [];
    for (const [id, info] of this.recs) {
      if (info.size === 0) continue;
      const dead = (info.size - info.liveBytes) / info.size;
      if (dead > 0 && dead >= threshold) out.push([id, dead]);
    }
    return out.sort((a, b) => b[1] - a[1]).map(([id]) => id);
  }

  /** Live slots held by the given records, as [key, slot] pairs. */
  liveSlotsIn(ids: Set<number>): [DiskKey, Slot][] {
    const out: [DiskKey, Slot][] = [];
    for (const [key, slot] of this.slots) if (ids.has(slot.rec)) out.push([key, slot]);
    return out;
  }
}
