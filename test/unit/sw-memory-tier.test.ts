// The service worker's own memory tier (the core over a plain ArrayBuffer with the cleancache
// record format): byte-exact hits, Vary, flush, the budget's eviction under a burst with
// consistent stats and never a wrong body, a refused budget, answers with the copy's current
// Age; and the static routing rules the configuration allows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryTier } from '../../sw/memory-tier.js';
import { addStaticRoutes, staticRoutes } from '../../sw/static-routes.js';
import { readConfig } from '../../sw/config.js';
import { resourceKey, toRecord } from '../../sw/http/index.js';
import { TmemError } from '../../worker/core/errors.js';
import { rfcAge } from './sw-fakes.js';

function body(seed: number, size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

function record(url: string, bytes: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, requestHeaders = new Headers()) {
  const names = headers.vary ? headers.vary.split(',').map((n) => n.trim().toLowerCase()) : [];
  const response = { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'application/octet-stream', ...headers }) };
  return { record: toRecord(resourceKey(url, names, requestHeaders), response, bytes, { requestTime: 1, responseTime: 2 }, 0), names };
}

describe('MemoryTier (service worker)', () => {
  it('a hit is byte-exact and a body of its own; flush forgets it', () => {
    const tier = new MemoryTier(2 * 1024 * 1024);
    const bytes = body(1, 70_000);
    const { record: r, names } = record('https://s.test/a.js', bytes);
    expect(tier.put(r, names)).toBe('stored');
    const hit = tier.lookup(new Request('https://s.test/a.js'));
    expect(hit).not.toBeNull();
    expect(hit!.body).toEqual(bytes);
    expect(hit!.body.byteLength).toBe(hit!.body.buffer.byteLength);
    expect(new Headers(hit!.headers).get('content-type')).toBe('application/octet-stream');
    tier.flush(new Request('https://s.test/a.js'));
    expect(tier.lookup(new Request('https://s.test/a.js'))).toBeNull();
    const s = tier.stats();
    expect(s).toMatchObject({ lookups: 2, hits: 1, misses: 1, puts: 1, budgetBytes: 2 * 1024 * 1024 });
  });

  it('Vary: each flavour its own record', () => {
    const tier = new MemoryTier(1024 * 1024);
    const apple = record('https://s.test/v', body(2, 100), { vary: 'X-Flavour' }, new Headers({ 'x-flavour': 'apple' }));
    const pear = record('https://s.test/v', body(3, 100), { vary: 'X-Flavour' }, new Headers({ 'x-flavour': 'pear' }));
    expect(tier.put(apple.record, apple.names)).toBe('stored');
    expect(tier.put(pear.record, pear.names)).toBe('stored');
    expect(tier.lookup(new Request('https://s.test/v', { headers: { 'X-Flavour': 'apple' } }))!.body).toEqual(body(2, 100));
    expect(tier.lookup(new Request('https://s.test/v', { headers: { 'X-Flavour': 'pear' } }))!.body).toEqual(body(3, 100));
    expect(tier.lookup(new Request('https://s.test/v'))).toBeNull();
  });

  it('a burst past the budget evicts; usage stays within it and no lookup returns wrong bytes', () => {
    const budget = 1024 * 1024;
    const tier = new MemoryTier(budget);
    const n = 60; // 60 × 40 KB ≈ 2.4 MB into 1 MiB
    for (let i = 0; i < n; i++) {
      const { record: r, names } = record(`https://s.test/burst/${i}`, body(i, 40_000));
      expect(['stored', 'rejected']).toContain(tier.put(r, names));
      expect(tier.stats().usedBytes).toBeLessThanOrEqual(budget);
    }
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const hit = tier.lookup(new Request(`https://s.test/burst/${i}`));
      if (hit) {
        hits++;
        expect(hit.body).toEqual(body(i, 40_000));
      }
    }
    const s = tier.stats();
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(n);
    expect(s.evictions).toBeGreaterThan(0);
    expect(s.lookups).toBe(s.hits + s.misses);
    expect(s.hits).toBe(hits);
    expect(s.usedBytes).toBeLessThanOrEqual(s.budgetBytes);
    // Each hit's record is whole: used pages cover at least the bodies served.
    expect(s.pages * 4096).toBeGreaterThanOrEqual(hits * 40_000);
  });

  it('a body over its share of the budget is refused whole', () => {
    const tier = new MemoryTier(1024 * 1024);
    expect(tier.maxBodyBytes).toBeLessThanOrEqual(512 * 1024);
    const { record: r, names } = record('https://s.test/huge', body(9, 700_000));
    expect(tier.put(r, names)).toBe('too-large');
    expect(tier.lookup(new Request('https://s.test/huge'))).toBeNull();
  });

  it('makes its store at the first put: lookups before it miss and are counted', () => {
    const tier = new MemoryTier(1024 * 1024);
    expect(tier.lookup(new Request('https://s.test/a.js'))).toBeNull();
    tier.flush(new Request('https://s.test/a.js'));
    expect(tier.maxBodyBytes).toBe(512 * 1024);
    expect(tier.stats()).toMatchObject({ lookups: 1, hits: 0, misses: 1, puts: 0, budgetBytes: 1024 * 1024, usedBytes: 0, pages: 0 });
    const { record: r, names } = record('https://s.test/a.js', body(4, 9000));
    expect(tier.put(r, names)).toBe('stored');
    expect(tier.lookup(new Request('https://s.test/a.js'))!.body).toEqual(body(4, 9000));
    expect(tier.maxBodyBytes).toBe(512 * 1024);
    expect(tier.stats()).toMatchObject({ lookups: 2, hits: 1, misses: 1, puts: 1, budgetBytes: 1024 * 1024, pages: 3 });
    expect(tier.stats().usedBytes).toBeGreaterThanOrEqual(9000);
  });

  it('refuses a budget the core refuses, with a TmemError', () => {
    expect(() => new MemoryTier(-5)).toThrow(TmemError);
  });

  describe('answers', () => {
    afterEach(() => vi.useRealTimers());

    it.each([['a stream', 9000], ['a Blob', 70_000]])('over %s, carry the current Age in place of the stored one', async (_, size) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
      const at = T0 - 100_000;
      const tier = new MemoryTier(2 * 1024 * 1024);
      const response = { status: 200, statusText: 'OK', headers: new Headers({ date: new Date(at).toUTCString(), age: '3', 'cache-control': 'max-age=600' }) };
      const r = toRecord(resourceKey('https://s.test/a.js', [], new Headers()), response, body(5, size), { requestTime: at, responseTime: at }, 0);
      expect(tier.put(r, [])).toBe('stored');
      vi.setSystemTime(T0); // stored 100 s ago by the clock
      const served = await tier.response(tier.lookup(new Request('https://s.test/a.js'))!);
      expect(served.headers.get('age')).toBe(String(rfcAge({ date: at, age: 3, requestTime: at, responseTime: at, now: T0 })));
      expect(served.headers.get('age')).toBe('103');
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(body(5, size));
    });
  });
});

describe('static routes', () => {
  const origin = 'https://s.test';
  const self = { protocol: 'https', hostname: 's.test', port: '' };
  const toNetwork = { condition: { requestMode: 'navigate' }, source: 'network' };
  const stoppedToNetwork = { condition: { runningStatus: 'not-running', requestMethod: 'GET' }, source: 'network' };
  it('sends cross-origin requests, a leading network-only route and unclaimed navigations to the network', () => {
    const rules = staticRoutes(readConfig('?routes=' + encodeURIComponent('/api/*=network-only; /img/*=cache-first; /late/*=network-only')), origin);
    expect(rules).toEqual([
      [{ condition: { not: { urlPattern: self } }, source: 'network' }],
      // Navigations the cache-first route may claim go to the handler; the others to the network.
      [{ condition: { requestMode: 'navigate', urlPattern: { ...self, pathname: '/img/*' } }, source: 'fetch-event' }, toNetwork],
      // A stopped service worker has no memory: with no offline pattern, every GET skips it.
      [stoppedToNetwork],
      [{ condition: { urlPattern: { ...self, pathname: '/api/*' } }, source: 'network' }],
    ]);
  });
  it('lets the handler take navigations an offline pattern covers', () => {
    const rules = staticRoutes(readConfig('?offline=' + encodeURIComponent('/,/docs/*')), origin);
    expect(rules[1]).toEqual([
      { condition: { requestMode: 'navigate', urlPattern: { ...self, pathname: '/' } }, source: 'fetch-event' },
      { condition: { requestMode: 'navigate', urlPattern: { ...self, pathname: '/docs/*' } }, source: 'fetch-event' },
      toNetwork,
    ]);
    // While it is stopped, what an offline pattern covers still wakes it (the disk tier).
    expect(rules[2]).toEqual([
      { condition: { runningStatus: 'not-running', urlPattern: { ...self, pathname: '/' } }, source: 'fetch-event' },
      { condition: { runningStatus: 'not-running', urlPattern: { ...self, pathname: '/docs/*' } }, source: 'fetch-event' },
      stoppedToNetwork,
    ]);
  });
  it('sends no navigation to the network when a claiming pattern is not a same-origin path', () => {
    for (const routes of ['/api/*=cache-first; https://cdn.test/*=cache-first', '/search?q=*=cache-first']) {
      const rules = staticRoutes(readConfig('?routes=' + encodeURIComponent(routes)), origin);
      expect(rules.flat().some((r) => r.condition.requestMode === 'navigate')).toBe(false);
    }
    const crossOriginOffline = staticRoutes(readConfig('?offline=' + encodeURIComponent('/,https://cdn.test/lib.js')), origin);
    expect(crossOriginOffline.flat().some((r) => r.condition.runningStatus !== undefined)).toBe(false);
  });
  it('keeps cross-origin requests when a route names another origin, and everything same-origin when isolating', () => {
    const rules = staticRoutes(readConfig('?isolate=credentialless&routes=' + encodeURIComponent('/api/*=network-only; https://cdn.test/*=cache-first')), origin);
    expect(rules).toEqual([]);
  });
  it('adds each group with one call and counts the rules of the groups the browser took', async () => {
    const calls: unknown[][] = [];
    const event = { addRoutes: async (rules: { source: string }[]) => { calls.push(rules); if (rules.some((r) => r.source === 'fetch-event')) throw new TypeError('unknown source'); } };
    const groups = staticRoutes(readConfig('?routes=' + encodeURIComponent('/api/*=network-only; /img/*=cache-first')), origin);
    // The navigation group is refused whole: no navigation is sent past the handler.
    expect(await addStaticRoutes(event, groups)).toBe(3);
    expect(calls).toHaveLength(4);
    expect(await addStaticRoutes({}, groups)).toBe(0);
  });
});
