// Offline keeps webtmem itself: the site lists only its own files in data-offline, yet an
// offline reload (and a cold start offline in a new tab) starts the drop-in, because the
// service worker keeps tmem.js, its chunks, the store worker and itself (sw/own-files.ts); and
// after an upgrade it keeps the new release's chunks and drops the old release's.
import { test, expect, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { ISOLATED } from '../../playwright.config.js';
import { dropInReady, freshTabWorkerStopped, RENDERED, rendered, siteNs, swStats } from './sw-helpers.js';

/** Starts webtmem on the page and round-trips a page through its store. */
async function storeWorks(page: Page) {
  return page.evaluate(async () => {
    const w = await (window as any).webtmem.ready;
    if (!w.client) return { error: w.error };
    const pool = w.client.newPool({ persistent: true });
    const page = new Uint8Array(w.client.pageSize).fill(7);
    w.client.put(pool, 1n, 0, page);
    const back = new Uint8Array(w.client.pageSize);
    const got = w.client.get(pool, 1n, 0, back);
    return { error: w.error, mode: w.mode, got, byte: back[100] };
  });
}

const OWN_FILES = ['tmem.js', 'tmem-worker.js', 'tmem-sw.js', ...readdirSync('dist').filter((f) => /^tmem\.[\w-]+\.[\w-]{8,}\.js$/.test(f))];

test('an offline reload starts webtmem, then a new tab with the service worker stopped', async ({ context, page }) => {
  const url = `${ISOLATED}/__t/site/${siteNs()}/index.html`;
  await page.goto(url);
  await dropInReady(page);
  // The service worker's configuration lists the drop-in's files among the offline patterns,
  // though the page's data-offline does not.
  const config = await page.evaluate(() => new Promise<any>((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e) => resolve(e.data.config);
    navigator.serviceWorker.controller!.postMessage({ webtmem: 'sw-stats' }, [port2]);
  }));
  const tag = await page.evaluate(() => document.querySelector('script[src="/dist/tmem.js"]')!.getAttribute('data-offline')!);
  expect(tag).not.toContain('dist');
  for (const f of OWN_FILES) expect(config.offline).toContain(`/dist/${f}`);
  // Kept on install: every own file written to disk before any page asked for it again.
  await expect.poll(async () => (await swStats(page)).offline.writes, { timeout: 15_000 }).toBeGreaterThanOrEqual(OWN_FILES.length);

  // A controlled view, so the site's own offline routes go through the service worker to disk.
  await page.reload();
  await dropInReady(page);
  await expect.poll(async () => (await swStats(page)).keeper.inFlight, { timeout: 15_000 }).toBe(0);

  await context.setOffline(true);
  expect(await page.evaluate(() => fetch('/__t/echo/offline-probe').then(() => 'online', () => 'failed'))).toBe('failed');
  await page.reload();
  expect(await storeWorks(page)).toEqual({ error: null, mode: 'shared', got: true, byte: 7 });

  // A new tab, the old one closed, the service worker stopped: the drop-in's files come from disk.
  const fresh = await freshTabWorkerStopped(context, page);
  await fresh.goto(url);
  expect(await storeWorks(fresh)).toEqual({ error: null, mode: 'shared', got: true, byte: 7 });
  expect((await swStats(fresh)).handler.diskHits).toBeGreaterThanOrEqual(3);
  await context.setOffline(false);
});

test('a first visit alone keeps the page listed offline: an offline reload right after it starts webtmem', async ({ context, page }) => {
  // No controlled view before going offline: the first visit's own request reached no service
  // worker, so the page is on disk only if the install kept it (sw/offline-urls.ts).
  await page.goto(`${ISOLATED}/__t/build/${siteNs()}/index.html`);
  // Active means installed, and the install waits for what it keeps.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await context.setOffline(true);
  await page.reload();
  expect(await page.title()).toBe('release');
  expect(await storeWorks(page)).toEqual({ error: null, mode: 'shared', got: true, byte: 7 });
  await context.setOffline(false);
});

test('a first visit alone puts what wildcard offline patterns cover on disk: with the worker stopped and the network gone, the page loads whole', async ({ context, page }) => {
  // The fixture site's offline patterns are all wildcards (/__t/site/*/index.html, img/*, …),
  // which no install-time fetch covers: the page and its assets reach the disk because the
  // page handed the installing worker its URL and what it loaded (sw/install-fill.ts).
  const url = `${ISOLATED}/__t/site/${siteNs()}/index.html`;
  await page.goto(url);
  await dropInReady(page);
  expect((await swStats(page)).install).toMatchObject({ lists: 1, timedOut: 0 });
  // The network gone; a new tab, the old one closed, the worker stopped (its memory gone:
  // only the disk can answer).
  await context.setOffline(true);
  const fresh = await freshTabWorkerStopped(context, page);
  await fresh.goto(url);
  expect(await rendered(fresh)).toEqual(RENDERED);
  expect(await storeWorks(fresh)).toEqual({ error: null, mode: 'shared', got: true, byte: 7 });
  expect((await swStats(fresh)).handler.diskHits).toBeGreaterThanOrEqual(7); // the page, its CSS, script, 4 images
  await context.setOffline(false);
});

test('without offline routes the service worker keeps none of its files', async ({ page }) => {
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/no-shortcut.html`);
  await dropInReady(page);
  const stats = await swStats(page);
  expect(stats.offline.writes).toBe(0);
});

test('an upgrade drops the old release\'s chunks from the offline tier, keeps the rest, and an offline reload starts the new one', async ({ context, page }) => {
  const ns = siteNs();
  const base = `/__t/build/${ns}`;
  const chunks = readdirSync('dist').filter((f) => /^tmem\.[\w-]+\.[\w-]{8,}\.js$/.test(f));
  const renamed = chunks.filter((f) => /^tmem\.(runtime|panel)\./.test(f));
  const unchanged = chunks.filter((f) => !renamed.includes(f));
  expect(renamed).toHaveLength(2);
  expect(unchanged.length).toBeGreaterThan(0);
  /** The own files' names in the offline tier's log, read from the page. */
  const keptNames = () => page.evaluate(async ([name, dir]) => {
    const { openDiskLog } = await import('/worker/disk/index.ts' as string);
    const log = await openDiskLog(name);
    try {
      return (log.keys() as string[]).filter((k) => k.startsWith(dir)).map((k) => k.slice(dir.length).split('?')[0]).sort();
    } finally {
      await log.close();
    }
  }, [`webtmem-offline:${ISOLATED}/`, `${ISOLATED}${base}/`] as const); // sw/service.ts offlineLogName(scope '/')
  const release1 = ['index.html', 'tmem-sw.js', 'tmem-worker.js', 'tmem.js', ...chunks].sort();
  const release2 = ['index.html', 'tmem-sw.js', 'tmem-worker.js', 'tmem.js', ...unchanged, ...renamed.map((f) => f.replace(/\.js$/, '-v2.js'))].sort();

  await page.goto(`${ISOLATED}${base}/index.html`);
  await dropInReady(page);
  await page.reload(); // a controlled view: the page itself goes to the offline tier too
  await dropInReady(page);
  await expect.poll(keptNames, { timeout: 15_000 }).toEqual(release1);

  // The second release: the browser's update check installs its service worker, which keeps
  // the new files, activates, and removes the old chunks.
  await page.request.get(`${ISOLATED}${base}/version?v=2`);
  await page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.getRegistration())!;
    const changed = new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    await registration.update();
    await changed;
  });
  await expect.poll(keptNames, { timeout: 15_000 }).toEqual(release2);
  await page.reload();
  await dropInReady(page);
  expect(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/tmem.runtime.')))).toEqual([
    `${ISOLATED}${base}/${renamed.find((f) => f.startsWith('tmem.runtime.'))!.replace(/\.js$/, '-v2.js')}`,
  ]);

  // Offline, with the service worker stopped (its memory gone): the new release from disk.
  await context.setOffline(true);
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await page.reload();
  expect(await storeWorks(page)).toEqual({ error: null, mode: 'shared', got: true, byte: 7 });
  expect((await swStats(page)).handler.diskHits).toBeGreaterThanOrEqual(3);
  await context.setOffline(false);
  expect(await keptNames()).toEqual(release2);
});
