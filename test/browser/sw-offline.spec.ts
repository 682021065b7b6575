// Offline routes: kept durably (IndexedDB, written through by the service worker) and served
// when the network fails: a navigation and its assets, also in a new tab with no store worker
// running and a cold service worker (it reads IndexedDB itself).
import { test, expect } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';
import { dropInReady, freshTabWorkerStopped, RENDERED, rendered, siteNs, swStats } from './sw-helpers.js';

test('offline routes work offline: navigation and assets, then a new tab with a cold service worker', async ({ context, page }) => {
  const ns = siteNs();
  const url = `${ISOLATED}/__t/site/${ns}/index.html`;
  await page.goto(url);
  await dropInReady(page);
  // Controlled load: every offline route goes through the service worker and to disk.
  await page.reload();
  await dropInReady(page);
  expect(await rendered(page)).toEqual(RENDERED);
  await expect.poll(async () => (await swStats(page)).keeper.keptOffline, { timeout: 10_000 }).toBeGreaterThanOrEqual(7);

  await context.setOffline(true);
  // Sanity: the network really is gone for the service worker too.
  expect(await page.evaluate(() => fetch('/__t/echo/offline-probe').then(() => 'online', () => 'failed'))).toBe('failed');
  await page.reload();
  expect(await rendered(page)).toEqual(RENDERED);

  // A new tab, the old one closed, the service worker stopped: nothing in memory anywhere.
  const fresh = await freshTabWorkerStopped(context, page);
  await fresh.goto(url);
  expect(await rendered(fresh)).toEqual(RENDERED);
  const stats = await swStats(fresh);
  expect(stats.handler.diskHits).toBeGreaterThanOrEqual(7);
  await context.setOffline(false);
});

test('a route that is not offline fails offline like the network does', async ({ context, page }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  // network-first, not an offline route, never fetched before: nothing to fall back on.
  await context.setOffline(true);
  const r = await page.evaluate(() => fetch('/__t/ver/nf-nowhere').then((x) => x.status, (e) => (e as Error).name));
  expect(r).toBe('TypeError');
  await context.setOffline(false);
});
