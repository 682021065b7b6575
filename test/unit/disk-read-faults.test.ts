// A DiskLog read the browser fails, on the real DiskLog over ./disk-fake-idb.ts: a connection
// closed under a read aborts the read's transaction before its 'close' event comes, and the
// read is made again on a new connection; a read that fails again is counted, reported as a
// 'disk-error' (as a failed write is), and the next read that succeeds reports the recovery.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TmemError } from '../../worker/core/errors.js';
import { connect } from '../../worker/disk/connection.js';
import { MAGIC, SCHEMA_VERSION } from '../../worker/disk/format.js';
import { openDiskLog, type DiskLog } from '../../worker/disk/index.js';
import type { LogDB } from '../../worker/disk/connection.js';
import type { TmemEvent } from '../../worker/stats.js';
import { FakeIdb, FakeKeyRange, type FakeConnection, type FakeTx } from './disk-fake-idb.js';

vi.mock('../../worker/disk/connection.js', async (importOriginal) => ({ ...(await importOriginal<object>()), connect: vi.fn() }));

let idb: FakeIdb;
/** Every connection handed out, in order. */
let connections: FakeConnection[];

beforeEach(() => {
  idb = new FakeIdb();
  connections = [];
  vi.stubGlobal('IDBKeyRange', FakeKeyRange);
  vi.mocked(connect).mockReset();
  vi.mocked(connect).mockImplementation(async (_dbName, recordBytes) => {
    const db = idb.connect(`c${connections.length}`);
    connections.push(db);
    return { db: db as unknown as LogDB, meta: { magic: MAGIC, schema: SCHEMA_VERSION, recordBytes, created: 0 } };
  });
});
afterEach(() => { vi.unstubAllGlobals(); });

const value = (key: number) => new Uint8Array(64).fill(key);

/** A log holding keys 1..4, and the events it sends. */
async function logWithValues(): Promise<{ log: DiskLog; events: TmemEvent[] }> {
  const events: TmemEvent[] = [];
  const log = await openDiskLog('read-faults', { autoCompact: false, onEvent: (e) => events.push(e) });
  await log.writeBatch([1, 2, 3, 4].map((key) => ({ key, bytes: value(key) })));
  return { log, events };
}

/** Makes the browser abort the next `n` read-only transactions as they answer; with `close`,
 *  also closes their connection first, as the browser does when it takes one away. */
function abortReads(n: number, close: boolean): void {
  let left = n;
  idb.beforeAnswer = (tx: FakeTx) => {
    if (left === 0 || tx.mode !== 'readonly') return;
    left--;
    if (close) connections[Number(tx.connection.slice(1))].close();
    tx.abort();
  };
}

describe('DiskLog reads the browser fails', () => {
  it('a read whose connection is closed under it is made again on a new connection: the value comes back, no error', async () => {
    const { log, events } = await logWithValues();
    abortReads(1, true);
    expect(await log.read(3)).toEqual(value(3));
    expect(connect).toHaveBeenCalledTimes(2); // the reopen
    expect(log.stats()).toMatchObject({ errors: 0, lastError: null });
    expect(events.map((e) => e.kind)).toEqual([]);
    // The new connection serves the next reads and writes.
    expect(await log.readMany([1, 4])).toEqual([value(1), value(4)]);
    await log.writeBatch([{ key: 5, bytes: value(5) }]);
    expect(await log.read(5)).toEqual(value(5));
    expect(connect).toHaveBeenCalledTimes(2);
  });

  it('a read that fails again is counted and reported; the next read that succeeds reports the recovery', async () => {
    const { log, events } = await logWithValues();
    abortReads(2, false);
    const err = await log.read(2).then(() => null, (e: Error) => e);
    expect(err?.name).toBe('AbortError');
    expect(log.stats().errors).toBe(1);
    expect(log.stats().lastError).toMatch(/^AbortError: /);
    expect(events.map((e) => e.kind)).toEqual(['disk-error']);
    expect(events[0].message).toMatch(/a read failed: AbortError/);
    // Nothing was lost: the value is read again at once.
    expect(await log.read(2)).toEqual(value(2));
    expect(events.map((e) => e.kind)).toEqual(['disk-error', 'disk-recovered']);
    expect(events[1].message).toMatch(/reads succeed again/);
    expect(await log.read(1)).toEqual(value(1));
    expect(events).toHaveLength(2); // recovered once
  });

  it('a read that cannot reopen its connection rejects with the open\'s disk-error, counted once', async () => {
    const { log, events } = await logWithValues();
    connections[0].close(); // silently: the next transaction throws InvalidStateError
    vi.mocked(connect).mockRejectedValueOnce(new TmemError('disk-error', 'cannot open IndexedDB database: UnknownError: Internal error opening backing store'));
    const err = await log.read(1).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(TmemError);
    expect(err?.message).toMatch(/Internal error opening backing store/);
    expect(connect).toHaveBeenCalledTimes(2); // one reopen: a failed open is not tried again at once
    expect(log.stats().errors).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['disk-error']);
    expect(await log.read(1)).toEqual(value(1)); // the disk is back: reopened
    expect(events.map((e) => e.kind)).toEqual(['disk-error', 'disk-recovered']);
  });
});
