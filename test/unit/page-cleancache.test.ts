// Page code's webtmem.fetch answers from the page's copy only what a private HTTP cache would
// answer without asking the server (RFC 9111 §4); everything else goes to fetch(), through the
// service worker. The copies here are put as the service worker's tab fill puts them. What it
// answers carries the copy's current Age (RFC 9111 §4), as the service worker's answers do.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { resourceKey, toRecord } from '../../worker/cleancache/record/index.js';
import { PageCleancache } from '../../app/cleancache.js';
import { TmemError } from '../../worker/core/errors.js';
import { rfcAge } from './sw-fakes.js';

const BASE = 'https://site.test/app/';
const DAY = 86_400_000;

function pageWith(url: string, headers: Record<string, string>, ageMs: number): PageCleancache {
  const page = new PageCleancache(attach(createStore({ capacityBytes: 1 << 20, shared: false })), BASE);
  const at = Date.now() - ageMs;
  const response = { status: 200, statusText: 'OK', headers: new Headers(headers) };
  const record = toRecord(resourceKey(url, [], new Headers()), response, new TextEncoder().encode('stored'), { requestTime: at, responseTime: at }, 0);
  expect(page.cleancache.put(record, [])).toBe('stored');
  return page;
}

/** fetch() stubbed: answers 'network' and records what it was asked. */
function network() {
  const calls: unknown[] = [];
  vi.stubGlobal('fetch', async (input: unknown) => { calls.push(input); return new Response('network'); });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('PageCleancache.fetch', () => {
  const URL_A = `${BASE}a.json`;

  it('answers a fresh copy on the page, with no fetch', async () => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=600' }, 1000);
    expect(await (await page.fetch('a.json')).text()).toBe('stored');
    expect(await (await page.fetch(new URL(URL_A))).text()).toBe('stored');
    expect(await (await page.fetch(new Request(URL_A))).text()).toBe('stored');
    expect(calls).toHaveLength(0);
  });

  it('leaves to fetch() a request with integrity or an aborted signal, a lookup the store refuses, and a URL it cannot read', async () => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=600' }, 1000);
    expect(await (await page.fetch(URL_A, { integrity: 'sha256-AAAA' })).text()).toBe('network');
    expect(await (await page.fetch(new Request(URL_A, { integrity: 'sha256-AAAA' }))).text()).toBe('network');
    expect(await (await page.fetch(URL_A, { signal: AbortSignal.abort() })).text()).toBe('network');
    expect(await (await page.fetch('http://[')).text()).toBe('network');
    const lookup = vi.spyOn(page.cleancache, 'lookup').mockImplementationOnce(() => {
      throw new TmemError('store-busy', 'get: a bucket lock is held by a thread that died');
    });
    expect(await (await page.fetch(URL_A)).text()).toBe('network');
    expect(calls).toHaveLength(5);
    lookup.mockRestore();
    // The copy is still there and still answered on the page.
    expect(await (await page.fetch(URL_A, { signal: new AbortController().signal })).text()).toBe('stored');
    expect(calls).toHaveLength(5);
  });

  it('answers the caller\'s own conditional request with a 304 when the fresh copy meets it', async () => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=600', etag: '"7"', 'content-type': 'application/json' }, 1000);
    const met = await page.fetch(URL_A, { headers: { 'If-None-Match': '"7"' } });
    expect([met.status, await met.text(), met.headers.get('etag'), met.headers.get('age'), met.headers.get('content-type')]).toEqual([304, '', '"7"', '1', null]);
    expect(await (await page.fetch(URL_A, { headers: { 'If-None-Match': '"6"' } })).text()).toBe('stored');
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['stale by max-age', { 'cache-control': 'max-age=60' }, DAY],
    ['marked no-cache', { 'cache-control': 'no-cache, max-age=600' }, 0],
    ['with no freshness at all', {}, 0],
    ['past its Expires', { expires: new Date(Date.now() - DAY).toUTCString() }, 0],
  ])('fetches again a copy %s', async (_, headers, age) => {
    const calls = network();
    const page = pageWith(URL_A, headers, age);
    expect(await (await page.fetch(URL_A)).text()).toBe('network');
    expect(calls).toHaveLength(1);
    expect(page.stats().hits).toBe(1); // found, counted, not served
  });

  it.each([
    ['cache mode no-cache', { cache: 'no-cache' }],
    ['cache mode reload', { cache: 'reload' }],
    ['cache mode no-store', { cache: 'no-store' }],
    ['Cache-Control: no-cache', { headers: { 'cache-control': 'no-cache' } }],
    ['Cache-Control: max-age=0', { headers: { 'cache-control': 'max-age=0' } }],
    ['Pragma: no-cache', { headers: { pragma: 'no-cache' } }],
    ['a POST', { method: 'POST', body: 'x' }],
    ['a Range request', { headers: { range: 'bytes=0-1' } }],
    ['Cache-Control: no-store', { headers: { 'cache-control': 'no-store' } }],
    ['Cache-Control: max-age=00 (zero, written long)', { headers: { 'cache-control': 'max-age=00' } }],
    ['an Authorization header (the copy was kept for a request without it)', { headers: { authorization: 'Bearer x' } }],
  ] as [string, RequestInit][])('passes %s to fetch, fresh copy or not', async (_, init) => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=600' }, 0);
    expect(await (await page.fetch(URL_A, init)).text()).toBe('network');
    expect(calls).toHaveLength(1);
  });

  it('reads the same from a Request as from init', async () => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=600' }, 0);
    expect(await (await page.fetch(new Request(URL_A, { headers: { 'cache-control': 'no-cache' } }))).text()).toBe('network');
    expect(calls).toHaveLength(1);
  });

  it('passes to fetch a fresh copy older than the request\'s max-age, or fresh for less than its min-fresh (RFC 9111 §5.2.1)', async () => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=3600' }, 300_000); // 5 min old, 55 min left
    expect(await (await page.fetch(URL_A, { headers: { 'cache-control': 'max-age=10' } })).text()).toBe('network');
    expect(await (await page.fetch(URL_A, { headers: { 'cache-control': 'min-fresh=3600' } })).text()).toBe('network');
    expect(calls).toHaveLength(2);
    expect(await (await page.fetch(URL_A, { headers: { 'cache-control': 'max-age=600' } })).text()).toBe('stored');
    expect(await (await page.fetch(URL_A, { headers: { 'cache-control': 'min-fresh=600' } })).text()).toBe('stored');
    expect(calls).toHaveLength(2);
  });

  it('passes to fetch a request for another origin with credentials, and answers one without', async () => {
    const calls = network();
    const other = 'https://cdn.test/lib.js';
    const page = pageWith(other, { 'cache-control': 'max-age=600' }, 0);
    expect(await (await page.fetch(other, { credentials: 'include' })).text()).toBe('network');
    expect(calls).toHaveLength(1);
    expect(await (await page.fetch(other)).text()).toBe('stored');
    expect(await (await page.fetch(URL_A.replace('a.json', 'b.json'), { credentials: 'include' })).text()).toBe('network'); // a miss
    expect(calls).toHaveLength(2);
  });

  it('answers a copy of any age under force-cache', async () => {
    const calls = network();
    const page = pageWith(URL_A, { 'cache-control': 'max-age=60' }, DAY);
    expect(await (await page.fetch(URL_A, { cache: 'force-cache' })).text()).toBe('stored');
    expect(calls).toHaveLength(0);
  });
});

describe('the page\'s answers carry the current Age', () => {
  const URL_A = `${BASE}a.json`;
  const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
  afterEach(() => vi.useRealTimers());

  /** A page holding a copy dated and received 100 s before T0 with `headers`, the clock at T0. */
  function storedEarlier(headers: Record<string, string>, status = 200): PageCleancache {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 - 100_000);
    const page = pageWith(URL_A, { date: new Date(T0 - 100_000).toUTCString(), ...headers }, 0);
    vi.setSystemTime(T0);
    return page;
  }
  const at = T0 - 100_000;

  it('webtmem.fetch\'s hit, stored 100 s ago by the clock', async () => {
    network();
    const page = storedEarlier({ 'cache-control': 'max-age=600' });
    const hit = await page.fetch(URL_A);
    expect(hit.headers.get('age')).toBe(String(rfcAge({ date: at, requestTime: at, responseTime: at, now: T0 })));
    expect(hit.headers.get('age')).toBe('100');
    expect(hit.headers.get('cache-control')).toBe('max-age=600');
    expect(await hit.text()).toBe('stored');
  });

  it('replaces a stored Age: 5 (one Age field), in clones too, whenever the headers are read', async () => {
    network();
    const page = storedEarlier({ 'cache-control': 'max-age=600', age: '5' });
    const hit = await page.fetch(URL_A);
    const clone = hit.clone();
    vi.setSystemTime(T0 + 60_000); // read later: the age is the hit's, when it was served
    const expected = String(rfcAge({ date: at, age: 5, requestTime: at, responseTime: at, now: T0 }));
    expect(expected).toBe('105');
    expect([hit.headers.get('age'), clone.headers.get('age')]).toEqual([expected, expected]);
    expect(await clone.text()).toBe('stored');
  });

  it('cleancache.get(url).response(), made now; the hit\'s own headers stay as stored', () => {
    const page = storedEarlier({ 'cache-control': 'max-age=60', age: '5' });
    const found = page.get(URL_A)!;
    vi.setSystemTime(T0 + 20_000);
    expect(found.response().headers.get('age')).toBe(String(rfcAge({ date: at, age: 5, requestTime: at, responseTime: at, now: T0 + 20_000 })));
    expect(found.headers.get('age')).toBe('5');
  });

  it('a hit without a body (204)', async () => {
    network();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const page = new PageCleancache(attach(createStore({ capacityBytes: 1 << 20, shared: false })), BASE);
    const response = { status: 204, statusText: 'No Content', headers: new Headers({ date: new Date(at).toUTCString(), 'cache-control': 'max-age=600' }) };
    page.cleancache.put(toRecord(resourceKey(URL_A, [], new Headers()), response, new Uint8Array(0), { requestTime: at, responseTime: at }, 0), []);
    const hit = await page.fetch(URL_A);
    expect([hit.status, hit.headers.get('age')]).toEqual([204, '100']);
  });
});
