// The drop-in on the plain fixture site, through the real service worker: first visit,
// controlled reload, repeat views from the cleancache, stale-while-revalidate, Vary, a
// multi-megabyte body, the page's synchronous lookups, two tabs. Needs `npm run build`.
import { test, expect } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';
import { dropInReady, keeperIdle, pageFetch, served, siteNs, swStats, waitCached, waitStoredInServiceWorker } from './sw-helpers.js';

test('first visit, controlled reload, repeat views answered from the cleancache', async ({ page, request }) => {
  const ns = siteNs();
  const site = `/__t/site/${ns}/`;
  await page.goto(`${ISOLATED}${site}index.html`);
  const state = await dropInReady(page);
  expect(state).toEqual({ mode: 'shared', error: null, isolation: 'off' });
  // First visit: nothing was controlled yet, everything came from the network once.
  expect(await served(request, `${site}img/tile-1.svg`)).toBe(1);

  // Controlled now: the first visit's images were kept as the service worker installed, so
  // a fetch is answered from memory; one the first visit did not load misses, goes to the
  // network, and is kept.
  const tile = `${site}img/tile-1.svg`;
  const first = await pageFetch(page, tile);
  expect(first.status).toBe(200);
  expect(first.text).toContain('<svg');
  expect(await served(request, tile)).toBe(1);
  const other = `${site}img/tile-1.svg?other`;
  expect((await pageFetch(page, other)).sha).toBe(first.sha);
  expect(await served(request, tile)).toBe(2);
  await waitCached(page, tile);
  await waitCached(page, other);
  // Repeat views: cache-first, answered from memory, the server sees nothing more.
  for (let i = 0; i < 3; i++) for (const url of [tile, other]) expect((await pageFetch(page, url)).sha).toBe(first.sha);
  expect(await served(request, tile)).toBe(2);
  const sync = await page.evaluate((u) => {
    const hit = (window as any).webtmem.cleancache.get(u);
    return hit && { status: hit.status, type: hit.headers.get('content-type'), text: new TextDecoder().decode(hit.body) };
  }, tile);
  expect(sync).toEqual({ status: 200, type: 'image/svg+xml', text: first.text });
  const stats = await swStats(page);
  expect(stats.handler.memoryHits).toBeGreaterThanOrEqual(3);
  // Every put the keeper started has ended, and each ending is counted by its outcome.
  await keeperIdle(page);
  const after = (await swStats(page)).keeper;
  expect(after.outcomes.stored).toBe(after.kept);
  expect(after.kept).toBeGreaterThanOrEqual(1);

  // Controlled reload: the document is network-first; the page's images (offline routes) come
  // from the disk copy while the new tab's store starts, then from memory.
  await page.reload();
  await dropInReady(page);
  expect(await served(request, `${site}index.html`)).toBe(2);
  for (let i = 1; i <= 4; i++) expect(await served(request, `${site}img/tile-${i}.svg`)).toBeLessThanOrEqual(2);
  expect(await page.evaluate(() => (window as any).siteLoaded)).toBe(true);
  await pageFetch(page, tile);
  expect(await served(request, tile)).toBe(2);

  // The published stats carry the tier's counters (service worker's and page's lookups).
  await expect.poll(() => page.evaluate(() => (window as any).webtmem.lastStats?.cleancache?.puts ?? 0)).toBeGreaterThan(0);
  const cc = await page.evaluate(() => (window as any).webtmem.lastStats.cleancache);
  expect(cc.lookups).toBe(cc.hits + cc.misses);
});

test('stale-while-revalidate serves a stale copy within its window and refreshes it behind, revalidates one without; ETag revalidation', async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  // Stale at once (max-age=0), and servable stale for 600 s while refreshed (RFC 5861).
  const url = `/__t/ver/swr-${ns}?etag=1&cc=${encodeURIComponent('max-age=0, stale-while-revalidate=600')}`;
  const path = `/__t/ver/swr-${ns}`;
  expect(JSON.parse((await pageFetch(page, url)).text).version).toBe(1);
  await waitCached(page, url);
  await request.get(`${ISOLATED}/__t/bump?name=swr-${ns}`);
  // Within its window: the old copy is served, the network refreshes behind.
  expect(JSON.parse((await pageFetch(page, url)).text).version).toBe(1);
  await expect.poll(() => page.evaluate((u) => {
    const hit = (window as any).webtmem.cleancache.get(u);
    return hit ? JSON.parse(new TextDecoder().decode(hit.body)).version : 0;
  }, url)).toBe(2);
  expect(JSON.parse((await pageFetch(page, url)).text).version).toBe(2);
  expect(await served(request, path)).toBeGreaterThanOrEqual(2);

  // Stale with no leave to be served stale (no freshness, no stale-while-revalidate): never
  // served without asking the server (RFC 9111 §4.2.4), so a new version comes at once.
  const strict = `/__t/ver/swr-s-${ns}?etag=1`;
  expect(JSON.parse((await pageFetch(page, strict)).text).version).toBe(1);
  await waitCached(page, strict);
  await request.get(`${ISOLATED}/__t/bump?name=swr-s-${ns}`);
  expect(JSON.parse((await pageFetch(page, strict)).text).version).toBe(2);

  // Fresh (max-age) copies are served without the network at all.
  const fresh = `/__t/ver/swr-f-${ns}?cc=max-age%3D600`;
  await pageFetch(page, fresh);
  await waitCached(page, fresh);
  const before = await served(request, `/__t/ver/swr-f-${ns}`);
  await pageFetch(page, fresh);
  await pageFetch(page, fresh);
  expect(await served(request, `/__t/ver/swr-f-${ns}`)).toBe(before);

  // Network-first with a stored ETag: the server answers 304 and the stored body is served.
  const nf = `/__t/ver/nf-${ns}?etag=1`;
  await pageFetch(page, nf);
  await waitCached(page, nf);
  const again = await pageFetch(page, nf);
  expect(again.status).toBe(200);
  expect(JSON.parse(again.text).version).toBe(1);
  expect((await swStats(page)).handler.notModified).toBeGreaterThanOrEqual(1);
});

test('Vary is respected: each flavour is its own resource', async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  const url = `/__t/vary/${ns}`;
  const a = await pageFetch(page, url, { headers: { 'X-Flavour': 'apple' } });
  expect(a.text).toBe('flavour=apple n=1');
  await waitCached(page, url, { 'X-Flavour': 'apple' });
  const b = await pageFetch(page, url, { headers: { 'X-Flavour': 'banana' } });
  expect(b.text).toBe('flavour=banana n=2');
  await waitCached(page, url, { 'X-Flavour': 'banana' });
  expect((await pageFetch(page, url, { headers: { 'X-Flavour': 'apple' } })).text).toBe('flavour=apple n=1');
  expect((await pageFetch(page, url, { headers: { 'X-Flavour': 'banana' } })).text).toBe('flavour=banana n=2');
  expect((await pageFetch(page, url)).text).toBe('flavour=(none) n=3');
  expect(await served(request, url)).toBe(3);
});

test('a multi-megabyte resource comes back byte-exact; one larger than the cleancache passes through', async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  await keeperIdle(page);
  const before = (await swStats(page)).keeper.outcomes.stored ?? 0;
  const big = `/__t/echo/big-${ns}?size=${3 * 1024 * 1024 + 123}`;
  const first = await pageFetch(page, big);
  expect(first.length).toBe(3 * 1024 * 1024 + 123);
  // Not the tab's copy: 3 MB over a port, which may be dropped.
  await waitStoredInServiceWorker(page, before + 1);
  const second = await pageFetch(page, big);
  expect(second.sha).toBe(first.sha);
  expect(await served(request, `/__t/echo/big-${ns}`)).toBe(1);
  // 16 MB capacity: a 12 MiB body is more than the service worker reads for a put.
  const huge = `/__t/echo/huge-${ns}?size=${12 * 1024 * 1024}`;
  const h1 = await pageFetch(page, huge);
  const h2 = await pageFetch(page, huge);
  expect(h2.sha).toBe(h1.sha);
  expect(await served(request, `/__t/echo/huge-${ns}`)).toBe(2);
  expect((await swStats(page)).keeper.refused['too-large']).toBeGreaterThanOrEqual(1);
  // The same without Content-Length: the service worker stops reading its copy at the limit.
  const streamed = `/__t/stream/huge-${ns}?size=${12 * 1024 * 1024}`;
  const s1 = await pageFetch(page, streamed);
  expect(s1.length).toBe(12 * 1024 * 1024);
  await pageFetch(page, streamed);
  expect(await served(request, `/__t/stream/huge-${ns}`)).toBe(2);
  // The put's reading runs after the response, under waitUntil: poll for its verdict.
  await expect.poll(async () => (await swStats(page)).keeper.refused['too-large']).toBeGreaterThanOrEqual(2);
});

test('two tabs: the second is served from the service worker\'s memory; closing one leaves the other served', async ({ context, request }) => {
  const ns = siteNs();
  const a = await context.newPage();
  await a.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(a);
  const url = `/__t/echo/two-${ns}`;
  const first = await pageFetch(a, url);
  await waitCached(a, url);
  const b = await context.newPage();
  await b.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(b);
  // The service worker's memory tier is the origin's: b is served from it, not the network,
  // and its own store is filled with the copy it was served.
  expect((await pageFetch(b, url)).sha).toBe(first.sha);
  expect(await served(request, `/__t/echo/two-${ns}`)).toBe(1);
  await waitCached(b, url);
  expect((await pageFetch(a, url)).sha).toBe(first.sha);
  await a.close();
  // With a gone, b keeps being served, promptly.
  const t0 = Date.now();
  expect((await pageFetch(b, url)).sha).toBe(first.sha);
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(await served(request, `/__t/echo/two-${ns}`)).toBe(1);
});

test('a large response with a validator is kept from the HTTP cache\'s copy (no tee): byte-exact, the server asked once', async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  await keeperIdle(page);
  const before = (await swStats(page)).keeper.outcomes;
  // A cache-first route, 300 KB with an ETag and no-cache: the browser's HTTP cache keeps it,
  // so the service worker reads the body back from there (sw/keeper.ts) instead of teeing it.
  const big = `/__t/echo/rb-${ns}?size=${300 * 1024 + 7}&etag=1&cc=no-cache`;
  const first = await pageFetch(page, big);
  expect([first.status, first.length]).toEqual([200, 300 * 1024 + 7]);
  await waitStoredInServiceWorker(page, (before.stored ?? 0) + 1);
  await keeperIdle(page);
  const after = (await swStats(page)).keeper.outcomes;
  expect((after.stored ?? 0) - (before.stored ?? 0)).toBe(1);
  expect([after.uncached ?? 0, after.changed ?? 0]).toEqual([before.uncached ?? 0, before.changed ?? 0]);
  for (let i = 0; i < 2; i++) expect((await pageFetch(page, big)).sha).toBe(first.sha);
  expect(await served(request, `/__t/echo/rb-${ns}`)).toBe(1);
});
