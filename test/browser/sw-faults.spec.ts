// Faults around the cleancache: a service-worker restart mid-session, a store worker that
// does not answer, malformed drop-in options, 'local' mode (the page answers the service
// worker itself), and an IndexedDB that cannot be opened, or runs out of quota, under the
// offline tier.
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { ISOLATED, PLAIN } from '../../playwright.config.js';
import { installIdbFaults } from '../fixtures/disk-faults.js';
import { dropInReady, keeperIdle, pageFetch, served, siteNs, swStats, waitCached } from './sw-helpers.js';

test('a service-worker restart mid-session loses its memory, never correctness; the port is re-established', async ({ page, context, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  const url = `/__t/echo/restart-${ns}`;
  const first = await pageFetch(page, url);
  await waitCached(page, url);
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  const count = () => served(request, `/__t/echo/restart-${ns}`);
  for (let round = 1; round <= 2; round++) {
    await cdp.send('ServiceWorker.stopAllWorkers');
    // A stopped service worker's memory tier is empty: the network answers, byte-exact (in
    // Chromium static routing sends the request there without starting the worker).
    const before = await count();
    expect((await pageFetch(page, url)).sha).toBe(first.sha);
    expect(await count()).toBe(before + 1);
    const source = await page.evaluate((u) => (performance.getEntriesByName(new URL(u, location.href).href).at(-1) as PerformanceResourceTiming & { workerMatchedSourceType?: string } | undefined)?.workerMatchedSourceType, url);
    expect(source).toBe('network');
    // Running again (a message starts it), it asked the open page for a port, keeps what the
    // network answers and serves it from memory next.
    await expect.poll(async () => (await swStats(page)).link.portRequests).toBeGreaterThanOrEqual(1);
    expect((await pageFetch(page, url)).sha).toBe(first.sha);
    await keeperIdle(page);
    const kept = await count();
    const hits = (await swStats(page)).handler.memoryHits;
    expect((await pageFetch(page, url)).sha).toBe(first.sha);
    expect(await count()).toBe(kept);
    expect((await swStats(page)).handler.memoryHits).toBeGreaterThan(hits);
  }
  const other = `/__t/echo/after-${ns}`;
  await pageFetch(page, other);
  await waitCached(page, other);
});

test('a store worker that does not answer delays no response; filling it is given up within the bound', async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  const url = `/__t/echo/silent-${ns}`;
  const first = await pageFetch(page, url);
  await waitCached(page, url);
  // Replace this tab's port with one nobody answers.
  await page.evaluate(() => {
    const { port2 } = new MessageChannel();
    navigator.serviceWorker.controller!.postMessage({ webtmem: 'cc-port', port: port2 }, [port2]);
  });
  // Responses never wait on a port: the stored copy comes from the service worker's memory.
  const t0 = Date.now();
  expect((await pageFetch(page, url)).sha).toBe(first.sha);
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(await served(request, `/__t/echo/silent-${ns}`)).toBe(1);
  // A new resource: served from the network at once; its fill waits on the silent port and
  // is given up (a timeout, an 'unreached' fill), with the page's own response long done.
  const other = `/__t/echo/silent2-${ns}`;
  const t1 = Date.now();
  await pageFetch(page, other);
  expect(Date.now() - t1).toBeLessThan(3000);
  await expect.poll(async () => (await swStats(page)).fill.outcomes.unreached ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  expect((await swStats(page)).link.timeouts).toBeGreaterThanOrEqual(1);
});

test('malformed data-* options: one console error each, safe defaults', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/bad.html`);
  const state = await dropInReady(page);
  expect(state.error).toBeNull();
  expect(errors.filter((e) => e.startsWith('webtmem:'))).toEqual([
    expect.stringContaining('data-capacity="lots" is not a size'),
    expect.stringContaining('data-offline has a pattern that is neither a path'),
    expect.stringContaining('data-routes entries not of the form pattern=strategy'),
  ]);
  // Default capacity: 64 MiB of 4 KiB frames.
  expect(await page.evaluate(() => (window as any).webtmem.client.storeStats().totalFrames)).toBe(16384);
  const sw = await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);
  expect(new URL(sw).searchParams.get('routes')).toBe('/x=fastest;/img/*=cache-first');
});

test("'local' mode (page not isolated): the page answers the service worker itself", async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${PLAIN}/__t/site/${ns}/index.html`);
  expect((await dropInReady(page)).mode).toBe('local');
  const url = `/__t/echo/local-${ns}`;
  const first = await pageFetch(page, url);
  await waitCached(page, url);
  expect((await pageFetch(page, url)).sha).toBe(first.sha);
  expect(await served(request, `/__t/echo/local-${ns}`, PLAIN)).toBe(1);
  await expect.poll(() => page.evaluate(() => (window as any).webtmem.lastStats?.cleancache?.hits ?? 0)).toBeGreaterThanOrEqual(1);

  // Page code's hits and the service worker's come from one tier here: a body page code holds
  // (a view into the page's body pool) survives the service worker's lookups, whose answers
  // are copied out, not moved with the pool's buffer.
  const kept = await page.evaluate(async (u) => {
    const w = (window as any).webtmem;
    const hit = w.cleancache.get(u);
    const before = Array.from(hit.body.subarray(0, 64)).join();
    for (let i = 0; i < 5; i++) await (await fetch(u)).arrayBuffer();
    return { before, after: Array.from(hit.body.subarray(0, 64)).join(), length: hit.body.length };
  }, url);
  expect(kept.length).toBe(4096);
  expect(kept.after).toBe(kept.before);
  expect(await served(request, `/__t/echo/local-${ns}`, PLAIN)).toBe(1);
});

test('data-panel installs the stats panel', async ({ page }) => {
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/panel.html`);
  await dropInReady(page);
  expect(await page.evaluate(() => typeof (window as any).webtmem.panel?.toggle)).toBe('function');
});

/** Opens a fresh site page with the drop-in, and returns its service worker with the IndexedDB
 *  fault injector installed, and the page's uncaught errors as they come. */
async function siteWithSwFaults(page: Page, context: BrowserContext) {
  const ns = siteNs();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${ISOLATED}/__t/site/${ns}/index.html`);
  await dropInReady(page);
  const sw = context.serviceWorkers().find((w) => w.url().includes('tmem-sw'))!;
  await sw.evaluate(installIdbFaults);
  return { ns, sw, pageErrors };
}

test("the offline tier's IndexedDB cannot be opened (connection lost, reopen failing): offline routes go to the network, nothing throws, the tier reopens by itself", async ({ page, context, request }) => {
  const { ns, sw, pageErrors } = await siteWithSwFaults(page, context);
  await sw.evaluate(() => {
    const f = (globalThis as any).__idbFaults;
    f.openFails(Infinity);
    f.closeAll(true); // whatever the tier had open is gone, and cannot be reopened
  });
  // The tier may have opened its database before the faults were installed (it keeps the
  // drop-in's own files at install): deleting the databases makes that connection let go
  // (versionchange), so the tier's next use must reopen, and the reopen fails.
  await sw.evaluate(async () => {
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase(name);
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      });
    }
  });
  const before = (await swStats(page)).offline;
  // Offline, cache-first routes never fetched in these variants: memory misses, the disk fails.
  const url = (i: number) => `/__t/site/${ns}/img/tile-1.svg?fault=${i}`;
  const expected = await (await request.get(`${ISOLATED}/__t/site/${ns}/img/tile-1.svg`)).text();
  for (let i = 0; i < 3; i++) {
    const r = await pageFetch(page, url(i));
    expect(r.status).toBe(200);
    expect(r.text).toBe(expected);
  }
  const during = (await swStats(page)).offline;
  expect(during.errors).toBeGreaterThan(before.errors);
  expect(during.lastError).toContain('Internal error opening backing store');
  expect(during.writes).toBe(before.writes);

  await sw.evaluate(() => (globalThis as any).__idbFaults.heal());
  // Reopened at the first use after the backoff (at most 5 s): writes land again.
  let i = 3;
  await expect.poll(async () => {
    await pageFetch(page, url(i++));
    return (await swStats(page)).offline.writes;
  }, { timeout: 20_000, intervals: [250] }).toBeGreaterThan(during.writes);
  const st = await sw.evaluate(() => (globalThis as any).__idbFaults.state);
  expect(st.failedOpens).toBeGreaterThanOrEqual(1);
  expect(st.unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  // Served by the network, once per variant (the counts are per path, not per query).
  expect(await served(request, `/__t/site/${ns}/img/tile-1.svg`)).toBeGreaterThanOrEqual(4);
});

test("quota runs out under the offline tier: offline routes are answered from the network, the failed writes are counted, nothing throws, writes resume when space returns", async ({ page, context, request }) => {
  const { ns, sw, pageErrors } = await siteWithSwFaults(page, context);
  const url = (i: number) => `/__t/site/${ns}/img/tile-2.svg?quota=${i}`;
  const expected = await (await request.get(`${ISOLATED}/__t/site/${ns}/img/tile-2.svg`)).text();
  // One offline copy written before the fault: the tier is open and writing.
  expect((await pageFetch(page, url(0))).text).toBe(expected);
  await expect.poll(async () => (await swStats(page)).offline.writes).toBeGreaterThanOrEqual(1);
  await keeperIdle(page);
  const before = (await swStats(page)).offline;
  await sw.evaluate(() => (globalThis as any).__idbFaults.quota(Infinity));
  for (let i = 1; i <= 3; i++) {
    const r = await pageFetch(page, url(i));
    expect(r.status).toBe(200);
    expect(r.text).toBe(expected);
  }
  await keeperIdle(page);
  const during = (await swStats(page)).offline;
  expect(during.writes).toBe(before.writes);
  expect(during.errors).toBeGreaterThanOrEqual(before.errors + 3);
  expect(during.lastError).toMatch(/^QuotaExceededError/);

  await sw.evaluate(() => (globalThis as any).__idbFaults.heal());
  // Quota starts no backoff: the next offline response is written at once.
  expect((await pageFetch(page, url(4))).text).toBe(expected);
  await keeperIdle(page);
  expect((await swStats(page)).offline.writes).toBe(before.writes + 1);
  const st = await sw.evaluate(() => (globalThis as any).__idbFaults.state);
  expect(st.quotaFaults).toBeGreaterThanOrEqual(3);
  expect(st.unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
});
