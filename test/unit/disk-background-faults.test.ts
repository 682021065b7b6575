// A checkpoint or compaction the DiskLog starts by itself after a write, failed by the browser,
// on the real DiskLog over ./disk-fake-idb.ts: no caller's promise rejects for it, so the log
// counts it apart (backgroundErrors, which an area reports as an 'error' event), keeps saying
// it is failing until a write commits, and loses nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../worker/disk/connection.js';
import { MAGIC, SCHEMA_VERSION } from '../../worker/disk/format.js';
import { openDiskLog } from '../../worker/disk/index.js';
import type { LogDB } from '../../worker/disk/connection.js';
import type { TmemEvent } from '../../worker/stats.js';
import { FakeIdb, FakeKeyRange, type FakeTx } from './disk-fake-idb.js';

vi.mock('../../worker/disk/connection.js', async (importOriginal) => ({ ...(await importOriginal<object>()), connect: vi.fn() }));

let idb: FakeIdb;

beforeEach(() => {
  idb = new FakeIdb();
  vi.stubGlobal('IDBKeyRange', FakeKeyRange);
  vi.mocked(connect).mockReset();
  vi.mocked(connect).mockImplementation(async (_dbName, recordBytes) => {
    const db = idb.connect('c0');
    return { db: db as unknown as LogDB, meta: { magic: MAGIC, schema: SCHEMA_VERSION, recordBytes, created: 0 } };
  });
});
afterEach(() => { vi.unstubAllGlobals(); });

const value = (key: number) => new Uint8Array(64).fill(key);

describe("DiskLog's own compaction, failed", () => {
  it('is counted apart and as a disk error, keeps the log failing until a write commits, and loses nothing', async () => {
    const events: TmemEvent[] = [];
    const log = await openDiskLog('background-faults', { recordBytes: 512, autoCompact: 0.5, onEvent: (e) => events.push(e) });
    const keys = Array.from({ length: 32 }, (_, i) => i + 1);
    const odd = keys.filter((k) => k % 2 === 1), even = keys.filter((k) => k % 2 === 0);
    await log.writeBatch(keys.map((key) => ({ key, bytes: value(key) })));
    expect(log.stats()).toMatchObject({ records: 4, errors: 0, backgroundErrors: 0, failing: false });

    // The browser aborts the second write transaction from here: the compaction that the
    // delete's dead bytes (every other value of every record) start, not the delete.
    const writes = new Set<FakeTx>();
    idb.beforeAnswer = (tx) => {
      if (tx.mode !== 'readwrite') return;
      writes.add(tx);
      if (writes.size === 2) tx.abort();
    };
    await log.deleteBatch(odd);
    expect(log.stats().deadBytes).toBe(16 * 64);
    await vi.waitFor(() => expect(log.stats().backgroundErrors).toBe(1));
    expect(log.stats()).toMatchObject({ errors: 1, failing: true, compactions: 0 });
    expect(log.stats().lastError).toMatch(/^AbortError/);
    expect(events.map((e) => e.kind)).toEqual(['disk-error']);
    expect(await log.readMany(even)).toEqual(even.map(value));

    // The next write commits: the log is no longer failing, and says so.
    idb.beforeAnswer = null;
    await log.writeBatch([{ key: 20, bytes: value(20) }]);
    expect(log.stats()).toMatchObject({ backgroundErrors: 1, failing: false });
    expect(events.map((e) => e.kind).slice(0, 2)).toEqual(['disk-error', 'disk-recovered']);
    expect(await log.readMany([...even, 20])).toEqual([...even, 20].map(value));
    expect(log.has(1)).toBe(false);
    await log.close();
  });

  it('close() waits for the compaction its last write queued, and opens no connection after', async () => {
    const events: TmemEvent[] = [];
    const log = await openDiskLog('close-after-compaction', { recordBytes: 512, autoCompact: 0.5, onEvent: (e) => events.push(e) });
    const keys = Array.from({ length: 32 }, (_, i) => i + 1);
    await log.writeBatch(keys.map((key) => ({ key, bytes: value(key) })));
    // The delete is still queued when close() is called: the compaction it starts as it
    // commits comes after what close() first waits for.
    const deleted = log.deleteBatch(keys.filter((k) => k % 2 === 1));
    await log.close();
    await deleted;
    expect(log.stats()).toMatchObject({ compactions: 1, errors: 0, failing: false });
    expect(events.map((e) => e.kind)).toEqual(['compaction']);
    expect(connect).toHaveBeenCalledTimes(1);
    await expect(log.read(2)).rejects.toMatchObject({ code: 'closed' });
  });
});
