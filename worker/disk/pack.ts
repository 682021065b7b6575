// Packing values into records (format.ts: values back to back, a new record when the next value
// would overflow recordBytes, a value larger than a record alone in its own). Pure and sync.
import type { DiskKey } from './key.js';
import type { SlotTuple } from './format.js';

/** One record ready to be put: its id and its bytes (a plain ArrayBuffer: IndexedDB cannot
 *  store a SharedArrayBuffer, so values are copied out here). */
export interface PackedRecord {
  id: number;
  bytes: ArrayBuffer;
}

export interface Packing {
  records: PackedRecord[];
  /** [id, size] of each record, for the journal entry. */
  recs: [number, number][];
  /** The slot of each value, for the journal entry. */
  puts: SlotTuple[];
}

/** Packs `values` into records numbered from `firstId`, in the order given.
 * @param values keys with their bytes (any Uint8Array view, shared or not)
 * @param firstId id of the first record
 * @param recordBytes target record size */
export function pack(values: Iterable<[DiskKey, Uint8Array]>, firstId: number, recordBytes: number): Packing {
  // First pass decides the record boundaries, so each record is allocated once, exactly sized.
  const groups: [DiskKey, Uint8Array][][] = [];
  let group: [DiskKey, Uint8Array][] = [];
  let fill = 0;
  for (const kv of values) {
    const len = kv[1].byteLength;
    if (group.length > 0 && fill + len > recordBytes) {
      groups.push(group);
      group = [];
      fill = 0;
    }
    group.push(kv);
    fill += len;
  }
  if (group.length > 0) groups.push(group);

  const out: Packing = { records: [], recs: [], puts: [] };
  let id = firstId;
  for (const g of groups) {
    let size = 0;
    for (const [, b] of g) size += b.byteLength;
    const buf = new Uint8Array(size);
    let off = 0;
    for (const [key, b] of g) {
      buf.set(b, off);
      out.puts.push([key, id, off, b.byteLength]);
      off += b.byteLength;
    }
    out.records.push({ id, bytes: buf.buffer });
    out.recs.push([id, size]);
    id++;
  }
  return out;
}
