// The offline tier's disk (sw/offline-tier.ts) when IndexedDB goes away, on the real DiskLog over
// ./disk-fake-idb.ts with a stepped clock: a connection the browser took away whose reopen fails
// is retried after a backoff, not at every request (each would pay for a failing open), and
// a failure that leaves the database reachable starts no backoff. And removing a URL removes
// every variant of it from disk.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TmemError } from '../../worker/core/errors.js';
import { connect } from '../../worker/disk/connection.js';
import { MAGIC, SCHEMA_VERSION } from '../../worker/disk/format.js';
import type { Clock } from '../../worker/disk/index.js';
import type { LogDB } from '../../worker/disk/connection.js';
import { OfflineTier } from '../../sw/offline-tier.js';
import { resourceKey, toRecord, urlKey } from '../../sw/http/index.js';
import { FakeIdb, FakeKeyRange, type FakeConnection, type FakeTx } from './disk-fake-idb.js';

// workbox-core (the tier runs its quota callbacks) reads the worker's global `self` when loaded.
vi.hoisted(() => { (globalThis as { self?: unknown }).self ??= globalThis; });
vi.mock('../../worker/disk/connection.js', async (importOriginal) => ({ ...(await importOriginal<object>()), connect: vi.fn() }));

const URL_A = 'https://site.test/a.css';
const URL_B = 'https://site.test/b.css';
const OPEN_ERROR = 'cannot open IndexedDB database "webtmem-log:t": UnknownError: Internal error opening backing store for indexedDB.open.';

let idb: FakeIdb;
let connections: FakeConnection[];
/** While true, every open fails as a broken backing store does. */
let opensFail: boolean;
let now: number;
const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };

beforeEach(() => {
  idb = new FakeIdb();
  connections = [];
  opensFail = false;
  now = 1000;
  vi.stubGlobal('IDBKeyRange', FakeKeyRange);
  vi.mocked(connect).mockReset();
  vi.mocked(connect).mockImplementation(async (_dbName, recordBytes) => {
    if (opensFail) throw new TmemError('disk-error', OPEN_ERROR);
    const db = idb.connect(`c${connections.length}`);
    connections.push(db);
    return { db: db as unknown as LogDB, meta: { magic: MAGIC, schema: SCHEMA_VERSION, recordBytes, created: 0 } };
  });
});
afterEach(() => { vi.unstubAllGlobals(); });

function record(url: string) {
  const response = { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/css', 'cache-control': 'max-age=60' }) };
  return toRecord(resourceKey(url, [], new Headers()), response, new TextEncoder().encode(`body of ${url}`), { requestTime: 1, responseTime: 2 }, 0);
}

const bodyOf = async (tier: OfflineTier, url: string) => {
  const r = await tier.lookup(new Request(url));
  return r ? new TextDecoder().decode(r.body) : null;
};

describe('OfflineTier when its database goes away', () => {
  it('a lost connection that cannot be reopened is retried after a backoff, not at every use; it reopens by itself', async () => {
    const tier = new OfflineTier('t', { retryMinMs: 100, retryMaxMs: 1000, clock });
    expect(await tier.put(record(URL_A), [])).toBe(true);
    expect(connect).toHaveBeenCalledTimes(1);
    // The browser takes the connection away (silently: the next transaction throws
    // InvalidStateError), and the database cannot be opened for now.
    connections[0].close();
    opensFail = true;
    expect(await bodyOf(tier, URL_A)).toBe(null); // a miss: the fetch goes to the network
    expect(connect).toHaveBeenCalledTimes(2); // the one reopen
    const errorsAfterFirst = tier.stats.errors;
    expect(tier.stats.lastError).toContain('Internal error opening backing store');
    // Within the backoff every use fails at once, without an open.
    for (let i = 0; i < 5; i++) {
      expect(await bodyOf(tier, URL_A)).toBe(null);
      expect(await tier.put(record(URL_B), [])).toBe(false);
    }
    expect(connect).toHaveBeenCalledTimes(2);
    expect(tier.stats.errors).toBe(errorsAfterFirst + 10);
    expect(tier.stats.lastError).toContain('Internal error opening backing store');
    // After it, one use tries again; that fails, and the next wait is twice as long.
    now += 100;
    expect(await bodyOf(tier, URL_A)).toBe(null);
    expect(connect).toHaveBeenCalledTimes(3);
    now += 100;
    expect(await bodyOf(tier, URL_A)).toBe(null);
    expect(connect).toHaveBeenCalledTimes(3);
    // The disk is back: the first use after the backoff reopens it, and what it held is there.
    opensFail = false;
    now += 100;
    expect(await bodyOf(tier, URL_A)).toBe(`body of ${URL_A}`);
    expect(connect).toHaveBeenCalledTimes(4);
    expect(await tier.put(record(URL_B), [])).toBe(true);
    expect(await bodyOf(tier, URL_B)).toBe(`body of ${URL_B}`);
    expect(connect).toHaveBeenCalledTimes(4);
    // A later loss waits the shortest delay again (the reopen ended the failing spell).
    connections[1].close();
    opensFail = true;
    expect(await bodyOf(tier, URL_A)).toBe(null);
    now += 100;
    opensFail = false;
    expect(await bodyOf(tier, URL_A)).toBe(`body of ${URL_A}`);
  });

  it('a first open that fails is retried after the backoff, once for uses that waited on it together', async () => {
    opensFail = true;
    const tier = new OfflineTier('t', { retryMinMs: 100, retryMaxMs: 1000, clock });
    expect(await Promise.all([bodyOf(tier, URL_A), bodyOf(tier, URL_B), tier.put(record(URL_A), [])])).toEqual([null, null, false]);
    expect(connect).toHaveBeenCalledTimes(1);
    // One failure counted: the next attempt waits the shortest delay, not three doublings.
    now += 100;
    opensFail = false;
    expect(await tier.put(record(URL_A), [])).toBe(true);
    expect(connect).toHaveBeenCalledTimes(2);
  });

  it('a failure that leaves the database reachable (an aborted write) starts no backoff', async () => {
    const tier = new OfflineTier('t', { retryMinMs: 100, retryMaxMs: 1000, clock });
    expect(await tier.put(record(URL_A), [])).toBe(true);
    let abort = true;
    idb.beforeAnswer = (tx: FakeTx) => {
      if (abort && tx.mode === 'readwrite') { abort = false; tx.abort(); }
    };
    expect(await tier.put(record(URL_B), [])).toBe(false);
    expect(tier.stats.lastError).toMatch(/^AbortError/);
    // At the same instant, the database answers.
    expect(await bodyOf(tier, URL_A)).toBe(`body of ${URL_A}`);
    expect(await tier.put(record(URL_B), [])).toBe(true);
    expect(connect).toHaveBeenCalledTimes(1);
  });
});

describe('OfflineTier and varied resources', () => {
  const flavoured = (f: string) => new Request(URL_A, { headers: { 'x-flavour': f } });
  function variant(f: string, at: number) {
    const response = { status: 200, statusText: 'OK', headers: new Headers({ vary: 'X-Flavour', 'cache-control': 'max-age=60' }) };
    return toRecord(resourceKey(URL_A, ['x-flavour'], flavoured(f).headers), response, new TextEncoder().encode(`${f} at ${at}`), { requestTime: at, responseTime: at + 1 }, 0);
  }
  const bodyFor = async (tier: OfflineTier, f: string) => {
    const r = await tier.lookup(flavoured(f));
    return r ? new TextDecoder().decode(r.body) : null;
  };

  it('removing a URL removes every variant of it (RFC 9111 §4.4), not only the one its request names', async () => {
    const tier = new OfflineTier('t', { clock });
    expect(await tier.put(variant('apple', 100), ['x-flavour'])).toBe(true);
    expect(await tier.put(variant('pear', 200), ['x-flavour'])).toBe(true);
    expect([await bodyFor(tier, 'apple'), await bodyFor(tier, 'pear')]).toEqual(['apple at 100', 'pear at 200']);
    await tier.flush(flavoured('pear'));
    expect(await tier.keys()).toEqual([]);
    // A new pear writes a vary record naming the same header: no old apple to come back.
    expect(await tier.put(variant('pear', 300), ['x-flavour'])).toBe(true);
    expect([await bodyFor(tier, 'apple'), await bodyFor(tier, 'pear')]).toEqual([null, 'pear at 300']);
  });

  it('a variant older than the vary record on disk (written there by another log meanwhile) is not answered', async () => {
    const tier = new OfflineTier('t', { clock });
    expect(await tier.put(variant('apple', 100), ['x-flavour'])).toBe(true);
    // The vary record is written anew with a later time, as after a removal of the URL.
    expect(await tier.put(variant('pear', 50), ['x-flavour'])).toBe(true); // older: rewrites it at 50
    expect(await bodyFor(tier, 'apple')).toBe('apple at 100');
    expect(await tier.remove([urlKey(URL_A)])).toBe(true);
    expect(await tier.put(variant('pear', 300), ['x-flavour'])).toBe(true); // a vary record at 300
    expect([await bodyFor(tier, 'apple'), await bodyFor(tier, 'pear')]).toEqual([null, 'pear at 300']);
  });
});
