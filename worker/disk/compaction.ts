// Compaction of a disk log: the live values of sparse records are packed into new records and
// the old records deleted, all in one transaction per group of records, so a crash leaves
// either the old records or the new ones, never a mix (format.ts, invariants 2-4).
import type { LogTx } from './connection.js';
import { STORE_RECORDS, STORE_JOURNAL, recordId, compressedRecordBytes, type JournalEntry } from './format.js';
import { TmemError } from '../core/errors.js';
import type { DiskKey } from './key.js';
import type { LocationMap } from './location-map.js';
import { pack, type RecordScratch } from './pack.js';

/** What one compaction did and cost. */
export interface CompactionReport {
  /** Records rewritten (and deleted). */
  records: number;
  movedValues: number;
  /** Live bytes copied into new records. */
  movedBytes: number;
  /** Dead bytes given back. */
  reclaimedBytes: number;
  /** Wall time of the whole compaction. */
  ms: number;
}

/** Old records read per transaction: bounds the memory held (32 × 63 KiB ≈ 2 MiB) and the
 *  time a transaction keeps the stores locked. */
const RECORDS_PER_TX = 32;

type Transact = (body: (tx: LogTx, seq: number) => Promise<JournalEntry | null>) => Promise<void>;

/** Compacts every record of `map` whose dead fraction is at least `threshold`.
 * @param map the log's location map (updated by `transact` after each commit)
 * @param threshold dead fraction in (0, 1]
 * @param recordBytes target size of the new records
 * @param scratch the log's record buffers
 * @param transact the log's write-transaction runner */
export async function runCompaction(map: LocationMap, threshold: number, recordBytes: number, scratch: RecordScratch, transact: Transact): Promise<CompactionReport> {
  const t0 = performance.now();
  const report: CompactionReport = { records: 0, movedValues: 0, movedBytes: 0, reclaimedBytes: 0, ms: 0 };
  const victims = map.sparseRecords(threshold);
  for (let i = 0; i < victims.length; i += RECORDS_PER_TX) {
    const chunk = victims.slice(i, i + RECORDS_PER_TX);
    let step: Omit<CompactionReport, 'ms'> | null = null;
    await transact(async (tx, seq) => {
      // Another connection may have dropped some of them since the list was made.
      const ids = new Set(chunk.filter((id) => map.record(id) !== undefined));
      if (ids.size === 0) return null;
      const records = tx.objectStore(STORE_RECORDS);
      const bufs = new Map<number, ArrayBuffer | undefined>();
      await Promise.all([...ids].map(async (id) => { bufs.set(id, await records.get(id)); }));
      const values: [DiskKey, Uint8Array][] = map.liveSlotsIn(ids).map(([key, s]) => {
        const buf = bufs.get(s.rec);
        if (!buf) throw new TmemError('bad-database', `record ${s.rec} named by the journal is missing`);
        return [key, new Uint8Array(buf, s.off, s.len)];
      });
      const packing = pack(values, 0, recordBytes, compressedRecordBytes(recordBytes));
      const id = (part: number) => recordId(seq, part);
      const entry: JournalEntry = {
        kind: 'append',
        recs: packing.recs.map(([part, size]) => [id(part), size]),
        puts: packing.puts.map(([k, part, off, len]) => [k, id(part), off, len]),
        dels: [],
        drop: [...ids],
      };
      const writes: Promise<unknown>[] = packing.records.map((r) => records.put(scratch.bytesOf(r), id(r.id)));
      for (const old of ids) writes.push(records.delete(old));
      writes.push(tx.objectStore(STORE_JOURNAL).put(entry, seq));
      await Promise.all(writes);
      let oldBytes = 0;
      for (const old of ids) oldBytes += map.record(old)!.size;
      const moved = packing.recs.reduce((n, [, size]) => n + size, 0);
      step = { records: ids.size, movedValues: values.length, movedBytes: moved, reclaimedBytes: oldBytes - moved };
      return entry;
    });
    if (step) {
      const s: Omit<CompactionReport, 'ms'> = step;
      report.records += s.records;
      report.movedValues += s.movedValues;
      report.movedBytes += s.movedBytes;
      report.reclaimedBytes += s.reclaimedBytes;
    }
  }
  report.ms = performance.now() - t0;
  return report;
}
