// Cache Storage copies of large scripts (sw/script-copies.ts), over an in-memory Cache Storage
// and a fake HTTP cache: a copy is made only of a large same-origin script with a validator,
// from the HTTP cache's response, and is used only for the very put whose bytes it holds;
// another version is never answered with; an entry of an earlier life is reused when its bytes
// are the same; the copies stay within their budget; Cache Storage failures fall back.
import { describe, expect, it } from 'vitest';
import { MIN_COPY_BYTES, ScriptCopies, isCopiedScript } from '../../sw/script-copies.js';
import { resourceKey, toRecord, type ResourceRecord } from '../../sw/http/index.js';

const ORIGIN = 'https://s.test';

function body(seed: number, size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7 + (i >>> 8)) & 0xff;
  return b;
}

function record(path: string, bytes: Uint8Array<ArrayBuffer>, generation: number, headers: Record<string, string> = {}): ResourceRecord {
  const h = new Headers({ 'content-type': 'text/javascript', etag: `"v${generation}"`, ...headers });
  return toRecord(resourceKey(`${ORIGIN}${path}`, [], new Headers()), { status: 200, statusText: 'OK', headers: h }, bytes, { requestTime: 1, responseTime: 2 }, generation);
}

interface Stored { bytes: Uint8Array; status: number; headers: [string, string][] }

/** Cache Storage in memory: one Map per cache name. */
class FakeStorage {
  readonly caches = new Map<string, Map<string, Stored>>();
  failing = false;
  async open(name: string): Promise<Cache> {
    if (this.failing) throw new DOMException('backing store broken', 'UnknownError');
    let entries = this.caches.get(name);
    if (!entries) this.caches.set(name, (entries = new Map()));
    const map = entries;
    const key = (r: RequestInfo | URL) => (typeof r === 'string' ? r : r instanceof URL ? r.href : r.url);
    return {
      async put(r: RequestInfo | URL, response: Response) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        const headers: [string, string][] = [];
        response.headers.forEach((v, n) => headers.push([n, v]));
        map.set(key(r), { bytes, status: response.status, headers });
      },
      async match(r: RequestInfo | URL) {
        const s = map.get(key(r));
        return s ? new Response(s.bytes.slice(), { status: s.status, headers: s.headers }) : undefined;
      },
      async delete(r: RequestInfo | URL) { return map.delete(key(r)); },
      async keys() { return [...map.keys()].map((url) => new Request(url)); },
    } as unknown as Cache;
  }
}

/** What the HTTP cache holds: url → body and headers; fetch answers 'only-if-cached' from it
 *  with a response of type 'basic', as the browser's does. */
function httpCache(held: Map<string, { bytes: Uint8Array; headers: Record<string, string> }>) {
  const calls: string[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(url);
    expect(init?.cache).toBe('only-if-cached');
    const h = held.get(url);
    if (!h) throw new TypeError('Failed to fetch');
    const make = (): Response => {
      const r = new Response(h.bytes.slice(), { status: 200, headers: h.headers });
      Object.defineProperty(r, 'type', { value: 'basic' });
      const clone = r.clone.bind(r);
      Object.defineProperty(r, 'clone', { value: () => { const c = clone(); Object.defineProperty(c, 'type', { value: 'basic' }); return c; } });
      return r;
    };
    return make();
  }) as typeof fetch;
  return { fetcher, calls };
}

const bytesOf = async (r: Response | null) => new Uint8Array(await r!.arrayBuffer());

function setup(budget = 4 * 1024 * 1024) {
  const storage = new FakeStorage();
  const held = new Map<string, { bytes: Uint8Array; headers: Record<string, string> }>();
  const http = httpCache(held);
  const copies = new ScriptCopies('webtmem-scripts:test', ORIGIN, budget, storage as unknown as CacheStorage, http.fetcher);
  const hold = (rec: ResourceRecord, bytes: Uint8Array = rec.body) => {
    const headers: Record<string, string> = {};
    for (const [n, v] of rec.headers) headers[n] = v;
    held.set(rec.key, { bytes, headers });
  };
  return { storage, held, http, copies, hold };
}

describe('ScriptCopies', () => {
  it('copies only large same-origin scripts with a validator, whole 200s of one URL', () => {
    const big = body(1, MIN_COPY_BYTES);
    expect(isCopiedScript(record('/a.js', big, 1), ORIGIN)).toBe(true);
    expect(isCopiedScript(record('/a.js', big, 1, { 'content-type': 'application/javascript; charset=utf-8' }), ORIGIN)).toBe(true);
    expect(isCopiedScript(record('/a.js', body(1, MIN_COPY_BYTES - 1), 1), ORIGIN)).toBe(false);
    expect(isCopiedScript(record('/a.css', big, 1, { 'content-type': 'text/css' }), ORIGIN)).toBe(false);
    expect(isCopiedScript(record('/a.js', big, 1), 'https://other.test')).toBe(false);
    const noValidator = toRecord(`${ORIGIN}/a.js`, { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/javascript' }) }, big, { requestTime: 1, responseTime: 2 }, 1);
    expect(isCopiedScript(noValidator, ORIGIN)).toBe(false);
    const variant = toRecord(resourceKey(`${ORIGIN}/a.js`, ['accept'], new Headers({ accept: '*/*' })), { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/javascript', etag: '"x"', vary: 'accept' }) }, big, { requestTime: 1, responseTime: 2 }, 1);
    expect(isCopiedScript(variant, ORIGIN)).toBe(false);
    expect(isCopiedScript({ ...record('/a.js', big, 1), status: 203 }, ORIGIN)).toBe(false);
  });

  it('copies the HTTP cache\'s response and answers with it, byte-exact, for that very put only', async () => {
    const { copies, hold, http } = setup();
    const rec = record('/app.js', body(1, 263_000), 7);
    hold(rec);
    expect(copies.holds(rec)).toBe(false);
    await copies.keep(rec);
    expect(http.calls).toEqual([rec.key]);
    expect(copies.holds(rec)).toBe(true);
    expect(await bytesOf(await copies.answer(rec))).toEqual(rec.body);
    // Another put of the key (another generation, or another length) is not answered with it.
    expect(await copies.answer({ ...rec, generation: 8 })).toBeNull();
    expect(await copies.answer({ ...rec, body: body(1, 262_000) })).toBeNull();
    expect(copies.stats()).toMatchObject({ entries: 1, bytes: 263_000, kept: 1, reused: 0, served: 1, errors: 0 });
  });

  it('never keeps another version: other validators, or the same ETag over other bytes', async () => {
    const { copies, hold, storage } = setup();
    const rec = record('/app.js', body(1, 100_000), 1);
    hold(record('/app.js', body(2, 100_000), 2)); // the HTTP cache moved on to v2
    await copies.keep(rec);
    expect(copies.holds(rec)).toBe(false);
    hold(rec, body(3, 100_000)); // same ETag, other bytes (a server that reuses its ETags)
    await copies.keep(rec);
    expect(copies.holds(rec)).toBe(false);
    expect(await copies.answer(rec)).toBeNull();
    expect([...storage.caches.get('webtmem-scripts:test')!.keys()]).toEqual([]);
    expect(copies.stats()).toMatchObject({ entries: 0, bytes: 0, kept: 0, refused: { changed: 2 } });
  });

  it('makes no copy when the HTTP cache has none', async () => {
    const { copies } = setup();
    const rec = record('/app.js', body(1, 100_000), 1);
    await copies.keep(rec);
    expect(copies.holds(rec)).toBe(false);
    expect(copies.stats().refused).toEqual({ uncached: 1 });
  });

  it('a copy put out of use is reused for a later put of the same bytes, without a fetch', async () => {
    const { copies, hold, http } = setup();
    const rec = record('/app.js', body(1, 100_000), 1);
    hold(rec);
    await copies.keep(rec);
    await copies.forgetUrl(rec.key); // the memory tier lost the put
    expect(copies.holds(rec)).toBe(false);
    const again = { ...rec, generation: 2 };
    await copies.keep(again);
    expect(http.calls.length).toBe(1);
    expect(copies.holds(again)).toBe(true);
    expect(await bytesOf(await copies.answer(again))).toEqual(rec.body);
    expect(copies.stats()).toMatchObject({ kept: 1, reused: 1 });
  });

  it('an entry of an earlier life is reused when its bytes are the same, replaced when not', async () => {
    const { storage, hold, held, copies } = setup();
    const rec = record('/app.js', body(1, 100_000), 1);
    hold(rec);
    await copies.keep(rec);
    // The service worker restarts: a new instance over the same Cache Storage.
    const http2 = httpCache(held);
    const next = new ScriptCopies('webtmem-scripts:test', ORIGIN, 4 * 1024 * 1024, storage as unknown as CacheStorage, http2.fetcher);
    const same = { ...rec, generation: 50 };
    await next.keep(same);
    expect(http2.calls).toEqual([]);
    expect(next.stats()).toMatchObject({ entries: 1, reused: 1, kept: 0 });
    expect(await bytesOf(await next.answer(same))).toEqual(rec.body);
    // The same validators over other bytes (a server that reuses its ETags): not reused.
    const sameTag = { ...record('/app.js', body(9, 100_000), 1), generation: 52 };
    hold(sameTag);
    await next.keep(sameTag);
    expect(http2.calls.length).toBe(1);
    expect(await bytesOf(await next.answer(sameTag))).toEqual(sameTag.body);
    // Another version under the same URL: fetched and copied anew.
    const v2 = record('/app.js', body(2, 100_000), 51);
    hold(v2);
    await next.keep(v2);
    expect(http2.calls.length).toBe(2);
    expect(await bytesOf(await next.answer(v2))).toEqual(v2.body);
    expect(await next.answer(same)).toBeNull();
  });

  it('stays within its budget, the least recently used going first', async () => {
    const { copies, hold, storage } = setup(250_000);
    const a = record('/a.js', body(1, 100_000), 1);
    const b = record('/b.js', body(2, 100_000), 2);
    const c = record('/c.js', body(3, 100_000), 3);
    for (const r of [a, b]) { hold(r); await copies.keep(r); }
    expect(await copies.answer(a)).not.toBeNull(); // a is now the most recent
    hold(c);
    await copies.keep(c);
    expect(copies.holds(b)).toBe(false);
    expect(copies.holds(a) && copies.holds(c)).toBe(true);
    expect([...storage.caches.get('webtmem-scripts:test')!.keys()].sort()).toEqual([a.key, c.key]);
    expect(copies.stats()).toMatchObject({ entries: 2, bytes: 200_000, budgetBytes: 250_000 });
  });

  it('an unsafe request deletes the copy, and a keep queued before it does not bring it back', async () => {
    const { copies, hold, storage } = setup();
    const rec = record('/app.js', body(1, 100_000), 1);
    hold(rec);
    const keeping = copies.keep(rec);
    const flushing = copies.forgetUrl(rec.key, true);
    await Promise.all([keeping, flushing]);
    expect(copies.holds(rec)).toBe(false);
    expect([...storage.caches.get('webtmem-scripts:test')!.keys()]).toEqual([]);
    await copies.keep({ ...rec, generation: 2 });
    await copies.forgetUrl(rec.key, true);
    expect([...storage.caches.get('webtmem-scripts:test')!.keys()]).toEqual([]);
  });

  it('a Cache Storage that fails is counted, keeps resolve, and answers fall back', async () => {
    const { copies, hold, storage } = setup();
    const rec = record('/app.js', body(1, 100_000), 1);
    hold(rec);
    await copies.keep(rec);
    storage.failing = true;
    expect(await copies.answer(rec)).toBeNull();
    await expect(copies.keep({ ...rec, generation: 2 })).resolves.toBeUndefined();
    expect(copies.stats()).toMatchObject({ errors: 2, lastError: 'UnknownError: backing store broken' });
    // Where there is no Cache Storage at all, nothing is attempted.
    const none = new ScriptCopies('x', ORIGIN, 1 << 20, null);
    await none.keep(rec);
    expect(none.stats()).toMatchObject({ entries: 0, errors: 0 });
  });
});

describe('MemoryTier with script copies', () => {
  it('answers a large script from its copy only for the put the copy was checked against', async () => {
    const { MemoryTier } = await import('../../sw/memory-tier.js');
    const { copies, hold } = setup();
    const tier = new MemoryTier(4 * 1024 * 1024, copies);
    const copying: Promise<void>[] = [];
    const v1 = record('/app.js', body(1, 200_000), 1);
    hold(v1);
    expect(tier.put(v1, [], (p) => copying.push(p))).toBe('stored');
    expect(copying.length).toBe(1);
    await Promise.all(copying);
    const hit = tier.lookup(new Request(v1.key))!;
    const answered = await tier.response(hit);
    expect(answered.headers.get('etag')).toBe('"v1"');
    expect(new Uint8Array(await answered.arrayBuffer())).toEqual(v1.body);
    expect(tier.stats().copies).toMatchObject({ served: 1, kept: 1 });
    // Headers merged from a 304 are not the copy's: the answer is the tier's own.
    const merged = await tier.response(tier.lookup(new Request(v1.key))!, [['etag', '"v1"'], ['x-merged', '1']]);
    expect(merged.headers.get('x-merged')).toBe('1');
    // A new version put before its copy is made: answered from memory, never the old copy.
    const v2 = record('/app.js', body(2, 200_000), 2);
    hold(v2);
    const pending: Promise<void>[] = [];
    tier.put(v2, [], (p) => pending.push(p));
    const fresh = await tier.response(tier.lookup(new Request(v2.key))!);
    expect(new Uint8Array(await fresh.arrayBuffer())).toEqual(v2.body);
    await Promise.all(pending);
    expect(new Uint8Array(await (await tier.response(tier.lookup(new Request(v2.key))!)).arrayBuffer())).toEqual(v2.body);
    expect(tier.stats().copies).toMatchObject({ served: 2, kept: 2 });
  });
});
