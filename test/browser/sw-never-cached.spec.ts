// What the cleancache never keeps, each on a cache-first route, so a response wrongly kept
// would be served again without reaching the server and the count would show it.
import { test, expect, type Page } from '@playwright/test';
import { ISOLATED, PLAIN } from '../../playwright.config.js';
import { dropInReady, keeperIdle, pageFetch, served, siteNs, swStats, waitCached } from './sw-helpers.js';

let ns: string;

test.beforeEach(async ({ page }) => {
  ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
});

/** Fetches `url` twice with `init`, letting a put (if any) land in between: the service
 *  worker counts its cleancache writes in flight, and the second fetch waits for none. */
async function twice(page: Page, url: string, init: RequestInit = {}) {
  const a = await pageFetch(page, url, init);
  await keeperIdle(page);
  const b = await pageFetch(page, url, init);
  return [a, b];
}

test('Cache-Control: no-store is not kept', async ({ page, request }) => {
  await twice(page, `/__t/nostore/${ns}`);
  expect(await served(request, `/__t/nostore/${ns}`)).toBe(2);
  expect((await swStats(page)).keeper.refused['no-store']).toBeGreaterThanOrEqual(1);
});

test('POST passes through, and invalidates the stored GET of its URL', async ({ page }) => {
  const url = `/__t/any/${ns}`;
  const [p1, p2] = await twice(page, url, { method: 'POST', body: 'x' });
  expect([p1.text, p2.text]).toEqual(['POST n=1', 'POST n=2']);
  expect((await pageFetch(page, url)).text).toBe('GET n=3');
  await waitCached(page, url);
  expect((await pageFetch(page, url)).text).toBe('GET n=3');
  await pageFetch(page, url, { method: 'PUT', body: 'y' });
  await expect.poll(() => page.evaluate((u) => (window as any).webtmem.cleancache.has(u), url)).toBe(false);
  expect((await pageFetch(page, url)).text).toBe('GET n=5');
});

test('Range requests pass through and a partial response is never kept', async ({ page, request }) => {
  const url = `/__t/range/${ns}`;
  const [a, b] = await twice(page, url, { headers: { Range: 'bytes=0-99' } });
  expect([a.status, a.length, b.status, b.length]).toEqual([206, 100, 206, 100]);
  expect(await served(request, url)).toBe(2);
  // The whole resource is still a miss, then kept.
  expect((await pageFetch(page, url)).length).toBe(4096);
  expect(await served(request, url)).toBe(3);
});

test('error statuses are not kept (unless asked)', async ({ page, request }) => {
  const [a] = await twice(page, `/__t/status/503/${ns}`);
  expect(a.status).toBe(503);
  expect(await served(request, `/__t/status/503/${ns}`)).toBe(2);
  expect((await swStats(page)).keeper.refused.status).toBeGreaterThanOrEqual(1);
});

test('opaque responses are not kept; a CORS response of the same route is', async ({ page, request }) => {
  const opaque = `${PLAIN}/__t/xo/opaque-${ns}`;
  const [a] = await twice(page, opaque, { mode: 'no-cors' });
  expect(a.status).toBe(0);
  expect(await served(request, `/__t/xo/opaque-${ns}`)).toBe(2);
  expect((await swStats(page)).keeper.refused.opaque).toBeGreaterThanOrEqual(1);
  // Control: the route does cache cross-origin CORS responses, so the count above means something.
  const cors = `${PLAIN}/__t/xo/cors-${ns}?cors=1`;
  await pageFetch(page, cors);
  await waitCached(page, cors);
  await pageFetch(page, cors);
  expect(await served(request, `/__t/xo/cors-${ns}`)).toBe(1);
});

test('requests with credentials: Authorization, or cookies to another origin, are not kept', async ({ page, request }) => {
  await twice(page, `/__t/echo/auth-${ns}`, { headers: { Authorization: 'Bearer secret' } });
  expect(await served(request, `/__t/echo/auth-${ns}`)).toBe(2);
  await twice(page, `${PLAIN}/__t/xo/cred-${ns}?cors=1`, { credentials: 'include' });
  expect(await served(request, `/__t/xo/cred-${ns}`)).toBe(2);
});
