// The cleancache tier over the real core (worker/cleancache): whole resources in and out, the
// same pool from two attachments, the per-resource cap, the counters, and the port service
// answering one reply per request.
import { describe, expect, it } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { Cleancache, CLEANCACHE_UUID, mergeCleancacheStats, ResourceReader, serveCleancachePort } from '../../worker/cleancache/index.js';
import { objectIdOf, resourceKey, toRecord, urlKey } from '../../worker/cleancache/record/index.js';
import { TmemError } from '../../worker/core/errors.js';

const URL_A = 'https://site.test/a.css';

function record(url: string, bytes: number, fill = 1) {
  const body = new Uint8Array(bytes).fill(fill);
  const response = { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/css' }) };
  return toRecord(resourceKey(url, [], new Headers()), response, body, { requestTime: 1, responseTime: 2 }, 0);
}

describe('Cleancache', () => {
  it('stores and returns whole resources, seen from a second attachment of the same store', () => {
    const buffer = createStore({ capacityBytes: 1 << 20 });
    const a = new Cleancache(attach(buffer));
    const b = new Cleancache(attach(buffer));
    expect(a.poolId).toBe(b.poolId);
    expect(CLEANCACHE_UUID).toMatch(/^[0-9a-f]{32}$/);
    expect(a.put(record(URL_A, 10_000, 7), [])).toBe('stored');
    const hit = b.lookup(URL_A, new Headers());
    expect(hit?.body.length).toBe(10_000);
    expect(hit?.body.every((x) => x === 7)).toBe(true);
    expect(b.lookup('https://site.test/missing', new Headers())).toBeNull();
    expect(b.stats()).toMatchObject({ lookups: 2, hits: 1, misses: 1, puts: 0, bytesServed: 10_000 });
    expect(a.stats()).toMatchObject({ puts: 1, resources: 1 });
  });

  it('refuses one resource larger than its share of the budget; bad options throw', () => {
    const store = attach(createStore({ capacityBytes: 64 * 4096 }));
    const cc = new Cleancache(store, { maxShare: 0.25 });
    expect(cc.maxPages).toBe(16);
    expect(cc.put(record(URL_A, 20 * 4096), [])).toBe('too-large');
    expect(cc.put(record(URL_A, 10 * 4096), [])).toBe('stored');
    expect(() => new Cleancache(store, { maxShare: 0 })).toThrow(TmemError);
    expect(() => new Cleancache(store, { maxShare: 2 })).toThrow(/maxShare/);
  });

  it('flush forgets a URL; merged stats add counters and keep pool-wide numbers', () => {
    const cc = new Cleancache(attach(createStore({ capacityBytes: 1 << 20 })));
    cc.put(record(URL_A, 100), []);
    cc.lookup(URL_A, new Headers());
    cc.flush(URL_A, new Headers());
    expect(cc.lookup(URL_A, new Headers())).toBeNull();
    const s = cc.stats();
    expect(s).toMatchObject({ lookups: 2, hits: 1, misses: 1, resources: 0 });
    const merged = mergeCleancacheStats(s, { ...s, evictions: 5, top: [{ url: URL_A, hits: 2, bytes: 100 }] });
    expect(merged).toMatchObject({ lookups: 4, hits: 2, evictions: 5, top: [{ url: URL_A, hits: 2, bytes: 100 }] });
    expect(mergeCleancacheStats(null, s)).toBe(s);
  });
});

describe('varied resources when their URL is removed (RFC 9111 §4.4: every stored response of it)', () => {
  const url = 'https://site.test/avatar';
  const flavour = (f: string) => new Headers({ 'x-flavour': f });
  const variant = (f: string, body: number, at: number) => toRecord(
    resourceKey(url, ['x-flavour'], flavour(f)), { status: 200, statusText: 'OK', headers: new Headers({ vary: 'X-Flavour' }) },
    new Uint8Array([body]), { requestTime: at, responseTime: at + 1 }, 0);
  const body = (cc: Cleancache, f: string) => cc.lookup(url, flavour(f))?.body[0] ?? null;

  it('variants the removal could not name never come back, even once a new variant brings a vary record with the same names', () => {
    const cc = new Cleancache(attach(createStore({ capacityBytes: 1 << 20 })));
    expect(cc.put(variant('apple', 1, 100), ['x-flavour'])).toBe('stored');
    expect(cc.put(variant('pear', 2, 200), ['x-flavour'])).toBe('stored');
    // Variants written under one vary record all stay readable (it is not written again).
    expect([body(cc, 'apple'), body(cc, 'pear')]).toEqual([1, 2]);
    // An unsafe request with the pear's headers removes the URL: its vary record and the pear.
    cc.flush(url, flavour('pear'));
    expect([body(cc, 'apple'), body(cc, 'pear')]).toEqual([null, null]);
    // A new pear brings a vary record naming the same header: the old apple stays gone.
    expect(cc.put(variant('pear', 3, 300), ['x-flavour'])).toBe('stored');
    expect([body(cc, 'apple'), body(cc, 'pear')]).toEqual([null, 3]);
    // A new apple is answered.
    expect(cc.put(variant('apple', 4, 400), ['x-flavour'])).toBe('stored');
    expect([body(cc, 'apple'), body(cc, 'pear')]).toEqual([4, 3]);
  });

  it('a variant requested before the vary record stored (answers out of order) writes the vary record anew, and is answered', () => {
    const cc = new Cleancache(attach(createStore({ capacityBytes: 1 << 20 })));
    expect(cc.put(variant('pear', 2, 200), ['x-flavour'])).toBe('stored');
    expect(cc.put(variant('apple', 1, 100), ['x-flavour'])).toBe('stored');
    expect([body(cc, 'apple'), body(cc, 'pear')]).toEqual([1, 2]);
  });
});

describe('serveCleancachePort', () => {
  it('answers lookups, puts and flushes with one reply each; bodies move, not copy', async () => {
    const cc = new Cleancache(attach(createStore({ capacityBytes: 1 << 20 })));
    const { port1, port2 } = new MessageChannel();
    const stop = serveCleancachePort(port1, cc);
    const replies: unknown[] = [];
    port2.onmessage = (e) => replies.push(e.data);
    const rec = record(URL_A, 5000, 3);
    port2.postMessage({ webtmem: 'cc-put', id: 1, record: rec, vary: [] }, [rec.body.buffer]);
    expect(rec.body.length).toBe(0); // transferred
    port2.postMessage({ webtmem: 'cc-lookup', id: 2, url: URL_A, headers: [] });
    port2.postMessage({ webtmem: 'cc-lookup', id: 3, url: 'https://site.test/none', headers: [] });
    port2.postMessage({ webtmem: 'cc-flush', id: 4, url: URL_A, headers: [] });
    port2.postMessage({ webtmem: 'cc-lookup', id: 5, url: URL_A, headers: [] });
    port2.postMessage({ something: 'else' });
    await expect.poll(() => replies.length).toBe(5);
    const [put, hit, miss, flushed, gone] = replies as { webtmem: string; id: number; result?: string; record?: { body: Uint8Array } | null }[];
    expect(put).toEqual({ webtmem: 'cc-stored', id: 1, result: 'stored' });
    expect(hit.webtmem).toBe('cc-found');
    expect(hit.record?.body.length).toBe(5000);
    expect(miss.record).toBeNull();
    expect(flushed).toEqual({ webtmem: 'cc-flushed', id: 4 });
    expect(gone.record).toBeNull();
    stop();
    port2.close();
  });
});

describe('ResourceReader (the hot-path read)', () => {
  it('follows a resource that changes size, reads varied resources, misses a partly evicted one', () => {
    const store = attach(createStore({ capacityBytes: 1 << 20 }));
    const cc = new Cleancache(store);
    const reader = new ResourceReader(store, cc.poolId);
    cc.put(record(URL_A, 100, 1), []);
    expect(reader.read(URL_A)?.body.length).toBe(100);
    cc.put(record(URL_A, 30_000, 2), []); // now 8 pages: the remembered count is stale
    const big = reader.read(URL_A);
    expect(big?.body.length).toBe(30_000);
    expect(big?.body.every((x) => x === 2)).toBe(true);
    cc.put(record(URL_A, 50, 3), []); // and small again
    expect(reader.read(URL_A)?.body).toEqual(new Uint8Array(50).fill(3));

    const url = 'https://site.test/v';
    const headers = new Headers({ 'x-flavour': 'apple' });
    const varied = toRecord(resourceKey(url, ['x-flavour'], headers), { status: 200, statusText: 'OK', headers: new Headers({ vary: 'X-Flavour' }) }, new Uint8Array([9, 9]), { requestTime: 1, responseTime: 2 }, 0);
    expect(cc.put(varied, ['x-flavour'])).toBe('stored');
    expect(reader.read(url, headers)?.body).toEqual(new Uint8Array([9, 9]));
    expect(reader.read(url, new Headers({ 'x-flavour': 'pear' }))).toBeNull();

    cc.put(record(URL_A, 30_000, 4), []);
    expect(reader.read(URL_A)?.body.length).toBe(30_000);
    const object = objectIdOf(urlKey(URL_A));
    store.flushPage(cc.poolId, object, 3); // one page of eight lost
    expect(reader.read(URL_A)).toBeNull();
    expect(store.get(cc.poolId, object, 0, new Uint8Array(4096))).toBe(false); // leftovers flushed
  });
});
