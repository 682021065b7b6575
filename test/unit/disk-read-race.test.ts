// A read racing compactions: a committed value must always be read back, however often a
// compaction moves records between the read's lookup of a location and its transaction. Run on
// the real DiskLog over ./disk-fake-idb.ts, whose transactions start in the order IndexedDB
// starts them. Another connection to the same log compacts (as a second service-worker version
// may on the offline log, which is named after the scope only, while an update installs); the
// test starts a new compaction each time a transaction of the reader begins to answer, so every
// transaction of the reader has a compaction queued right behind it, and the next one sees it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../worker/disk/connection.js';
import { MAGIC, SCHEMA_VERSION } from '../../worker/disk/format.js';
import { openDiskLog, type DiskLog, type CompactionReport } from '../../worker/disk/index.js';
import type { LogDB } from '../../worker/disk/connection.js';
import { FakeIdb, FakeKeyRange, type FakeTx } from './disk-fake-idb.js';

vi.mock('../../worker/disk/connection.js', async (importOriginal) => ({ ...(await importOriginal<object>()), connect: vi.fn() }));

let idb: FakeIdb;

/** Opens a log on the fake database through a connection named `who`. */
async function open(who: string): Promise<DiskLog> {
  vi.mocked(connect).mockImplementationOnce(async (_dbName, recordBytes) => ({
    db: idb.connect(who) as unknown as LogDB,
    meta: { magic: MAGIC, schema: SCHEMA_VERSION, recordBytes, created: 0 },
  }));
  return openDiskLog('race', { autoCompact: false });
}

const value = (key: number) => new Uint8Array(100).fill(key % 251);

beforeEach(() => {
  idb = new FakeIdb();
  vi.stubGlobal('IDBKeyRange', FakeKeyRange);
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('DiskLog.readMany racing compactions', () => {
  it('returns every committed value while compactions keep moving the records it reads', async () => {
    const writer = await open('writer');
    // Five records of ten values; record r keeps only its first value alive, so its dead
    // fraction is (9 - r) / 10: compact(t) with t between two of them moves one record.
    const survivors: number[] = [];
    for (let r = 0; r < 5; r++) {
      const keys = Array.from({ length: 10 }, (_, j) => 100 * r + j);
      await writer.writeBatch(keys.map((key) => ({ key, bytes: value(key) })));
      await writer.deleteBatch(keys.slice(1, 10 - r));
      survivors.push(keys[0]);
    }
    expect(writer.stats().records).toBe(5);
    const reader = await open('reader');
    // The reader's locations are stale from here on: the first record has moved.
    expect((await writer.compact({ threshold: 0.85 })).records).toBe(1);

    const thresholds = [0.75, 0.65, 0.55, 0.45];
    const compactions: Promise<CompactionReport>[] = [];
    idb.beforeAnswer = async (tx: FakeTx) => {
      if (tx.connection !== 'reader' || tx.answered > 0 || thresholds.length === 0) return;
      // Created now, the compaction's transaction waits for this one and runs before the
      // reader's next one.
      const queued = idb.nextTransaction('writer');
      compactions.push(writer.compact({ threshold: thresholds.shift()! }));
      await queued;
    };
    const got = await reader.readMany(survivors);
    idb.beforeAnswer = null;
    expect(got).toEqual(survivors.map(value));
    const reports = await Promise.all(compactions);
    expect(reports.length).toBeGreaterThan(0);
    // Each compaction moved one of the records read.
    expect(reports.every((r) => r.records === 1)).toBe(true);
    expect(await reader.readMany(survivors)).toEqual(survivors.map(value));
    await Promise.all([reader.close(), writer.close()]);
  });

  it('still reports a record the journal names but the database lacks (bad-database), once', async () => {
    const log = await open('only');
    await log.writeBatch([{ key: 1, bytes: value(1) }]);
    const records = idb.stores.get('records')!;
    expect(records.size).toBe(1);
    records.clear(); // behind the log's back: the journal still names the record
    await expect(log.readMany([1])).rejects.toMatchObject({ code: 'bad-database' });
    await log.close();
  });
});
