// The main job: the demo site that `npm start` serves (scripts/serve.mjs), driven as a newcomer
// would: tiles fill the cleancache and come back from it, the stats panel shows the pools and
// its numbers move, squeezing the budget spills decoded rasters to disk and every one loads
// back exactly, and the app shell reloads offline.
import { test, expect } from '@playwright/test';
import type { AddressInfo } from 'node:net';
import { server } from '../../scripts/serve.mjs';

let origin = '';
test.beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('the demo runs the drop-in: cleancache hits, the panel, frontswap spill and reload', async ({ page }, info) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const chunkHeaders: string[] = [];
  page.on('response', (r) => { if (/\/tmem\.[\w-]+\.[\w-]{8,}\.js$/.test(r.url())) chunkHeaders.push(r.headers()['cache-control'] ?? ''); });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as any).webtmem?.client && (window as any).webtmem?.link);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => (window as any).webtmem.mode)).toBe('shared');
  // The drop-in (an async tag) loaded its runtime and, for data-panel, its panel: hashed chunks
  // the demo server marks immutable.
  expect(await page.evaluate(() => (document.querySelector('script[src="/tmem.js"]') as HTMLScriptElement).async)).toBe(true);
  expect(chunkHeaders.length).toBeGreaterThanOrEqual(2);
  for (const cc of chunkHeaders) expect(cc).toBe('public, max-age=31536000, immutable');
  // The first visit is not controlled yet; the reload is, and its tiles go through the SW.
  await page.reload();
  await page.waitForFunction(() => (window as any).webtmem?.link && navigator.serviceWorker.controller);
  await page.waitForFunction(() => document.querySelectorAll('#viewport figcaption.tier-memory').length === 24, null, { timeout: 20_000 });

  const lookups = async () => page.evaluate(() => (window as any).webtmem.lastStats?.cleancache ?? null);
  // Pan away and back: the tiles of the first view come back from the cleancache.
  await page.click('[data-pan="1,0"]');
  // The new view is drawn (every tile decoded and badged); then a fresh snapshot, so the
  // hits of this pan are all counted before the pan back.
  await page.waitForFunction(() => document.querySelector('#where')?.textContent !== '0,0'
    && document.querySelectorAll('#viewport figcaption[class^="tier-"]').length === 24, null, { timeout: 20_000 });
  const before = await page.evaluate(() => (window as any).webtmem.stats().then((s: any) => s.cleancache.hits as number));
  await page.click('[data-pan="-1,0"]');
  await expect.poll(async () => (await lookups())!.hits, { timeout: 10_000 }).toBeGreaterThan(before);

  // The panel is docked and shows the pools, with numbers that move.
  const panel = page.locator('webtmem-panel');
  await expect(panel).toBeVisible();
  const rows = panel.locator('[data-table="pools"] tbody tr');
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);

  // Squeeze the budget: rasters are written back to disk, and all load back exactly.
  await page.click('#squeeze');
  await expect.poll(() => page.evaluate(() => {
    const fs = (window as any).webtmem.lastStats?.frontswap?.find((a: any) => a.name === 'demo-decoded');
    return fs ? fs.diskPages + fs.inFlightPages : 0;
  }), { timeout: 15_000 }).toBeGreaterThan(0);
  await page.click('#verify');
  await expect(page.locator('#swapinfo')).toContainText(/0 wrong/, { timeout: 15_000 });
  await expect(page.locator("#swapinfo")).toContainText(/[1-9]\d* from the write-behind buffer or disk/);
  await page.click('#restore');
  await page.screenshot({ path: info.outputPath('demo.png') });

  // The app shell is an offline route: with the network cut, a reload still shows the page,
  // styled, and the drop-in starts again.
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForFunction(() => (window as any).webtmem?.client);
  expect(await page.title()).toMatch(/webtmem demo/);
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundColor)).toBe('rgb(29, 35, 48)');
  await page.context().setOffline(false);
  expect(errors).toEqual([]);
});
