// Packing values into records (format.ts: values back to back, a new record when the next value
// would overflow its target size, a value larger than a record alone in its own). Pure and sync.
//
// Packing only decides the layout; the bytes are copied when the record is put (writeRecord),
// into a scratch buffer that the next record of the same size reuses: IndexedDB clones a value
// during put(), so the buffer is free again as soon as put() returns. A fresh buffer per record
// would put the OS's first-write cost of newly mapped memory on every spilled page.
import type { DiskKey } from './key.js';
import type { SlotTuple } from './format.js';
import { looksCompressible } from './compressible.js';

/** One record's layout: its id, its size and the values it holds, in order. */
export interface PackedRecord {
  id: number;
  size: number;
  values: Uint8Array[];
}

export interface Packing {
  records: PackedRecord[];
  /** [id, size] of each record, for the journal entry. */
  recs: [number, number][];
  /** The slot of each value, for the journal entry. */
  puts: SlotTuple[];
}

/** Lays `values` out in records numbered from `firstId`, in the order given. Copies nothing:
 *  the values must stay unchanged until their records are written. With `compressedBytes`,
 *  values that look compressible (./compressible.ts) go into records of their own of up to
 *  that size, which Chromium compresses; the others into records of up to `recordBytes`.
 * @param values keys with their bytes (any Uint8Array view, shared or not)
 * @param firstId id of the first record
 * @param recordBytes target record size
 * @param compressedBytes target size of the records of compressible values (off when absent) */
export function pack(values: Iterable<[DiskKey, Uint8Array]>, firstId: number, recordBytes: number, compressedBytes?: number): Packing {
  const out: Packing = { records: [], recs: [], puts: [] };
  // The open record of each kind: [0] plain, [1] compressible.
  const open: (PackedRecord | null)[] = [null, null];
  const limit = [recordBytes, compressedBytes ?? recordBytes];
  for (const [key, bytes] of values) {
    const len = bytes.byteLength;
    const kind = compressedBytes !== undefined && looksCompressible(bytes) ? 1 : 0;
    let rec = open[kind];
    if (!rec || (rec.values.length > 0 && rec.size + len > limit[kind])) {
      if (rec) out.recs.push([rec.id, rec.size]);
      rec = { id: firstId + out.records.length, size: 0, values: [] };
      out.records.push(rec);
      open[kind] = rec;
    }
    out.puts.push([key, rec.id, rec.size, len]);
    rec.values.push(bytes);
    rec.size += len;
  }
  for (const rec of open) if (rec) out.recs.push([rec.id, rec.size]);
  out.recs.sort((a, b) => a[0] - b[0]);
  return out;
}

/** Scratch buffers for records, one per size seen lately (a batch has one or two sizes). */
export class RecordScratch {
  readonly #bufs = new Map<number, ArrayBuffer>();

  /** The bytes of `rec` in a buffer of exactly rec.size bytes, valid until the next call for
   *  the same size: put it at once (IndexedDB clones it) and let go of it. */
  bytesOf(rec: PackedRecord): ArrayBuffer {
    let buf = this.#bufs.get(rec.size);
    if (!buf) {
      if (this.#bufs.size >= 8) this.#bufs.clear(); // sizes of string values vary: stay bounded
      buf = new ArrayBuffer(rec.size);
      this.#bufs.set(rec.size, buf);
    }
    const view = new Uint8Array(buf);
    let off = 0;
    for (const v of rec.values) {
      view.set(v, off);
      off += v.byteLength;
    }
    return buf;
  }
}
