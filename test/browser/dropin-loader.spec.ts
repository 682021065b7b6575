// The light drop-in: a small classic loader (dist/tmem.js) that works as an async or defer
// script, answers page code before its runtime chunk has loaded as an empty cleancache, and
// loads content-hashed chunks served for good.
import { test, expect, type Page, type Route } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ISOLATED } from '../../playwright.config.js';
import { dropInReady, siteNs, waitCached } from './sw-helpers.js';

const HASHED_CHUNK = /\/dist\/tmem\.[\w-]+\.[\w-]{8,}\.js$/;

test('the loader is small: at most 20 KiB gzipped, and no chunk is needed to parse it', () => {
  const loader = readFileSync('dist/tmem.js');
  expect(gzipSync(loader).length).toBeLessThanOrEqual(20 * 1024);
  // Minified: no multi-line source, no dev-only NODE_ENV checks left.
  expect(loader.toString().split('\n').length).toBeLessThan(10);
  expect(loader.toString()).not.toContain('process.env');
  const chunks = readdirSync('dist').filter((f) => /^tmem\.[\w-]+\.[\w-]{8,}\.js$/.test(f));
  expect(chunks.some((f) => f.startsWith('tmem.runtime.'))).toBe(true);
  expect(chunks.some((f) => f.startsWith('tmem.panel.'))).toBe(true);
  expect(chunks.some((f) => f.startsWith('tmem.frontswap.'))).toBe(true);
  // Browsers load the chunks as they are: minified, whitespace too (no tab-indented code; the
  // panel's CSS is a template literal of its own lines).
  for (const f of chunks) expect(readFileSync(`dist/${f}`, 'utf8')).not.toMatch(/\n\t/);
});

for (const mode of ['async', 'defer'] as const) {
  test(`works as a ${mode} script: page code waits for window.webtmem, the store starts, a repeat is a cleancache hit`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = `${ISOLATED}/__t/site/${siteNs()}/${mode}.html`;
    await page.goto(url);
    await page.waitForFunction(() => (window as any).pageSaw !== undefined);
    expect(await page.evaluate(() => (window as any).pageSaw)).toEqual({ mode: 'shared', error: null, client: true });
    // The tag is what the test says it is (the loader read its attributes).
    expect(await page.evaluate((m) => (document.querySelector('script[src="/dist/tmem.js"]') as HTMLScriptElement)[m], mode)).toBe(true);
    await dropInReady(page);
    await page.reload();
    await dropInReady(page);
    await page.waitForFunction(() => (window as any).pageSaw !== undefined);
    const echo = `/__t/echo/${mode}-${siteNs()}`;
    await page.evaluate((u) => fetch(u).then((r) => r.arrayBuffer()), echo);
    await waitCached(page, echo);
    expect(errors).toEqual([]);
  });
}

/** Holds every request for the runtime chunk until release() is called; `requested` resolves
 *  once the loader has asked for it. */
function holdRuntime(page: Page): Promise<{ requested: Promise<void>; release(): Promise<void> }> {
  const held: Route[] = [];
  let released = false;
  let onRequest!: () => void;
  const requested = new Promise<void>((resolve) => { onRequest = resolve; });
  return page.route(/\/dist\/tmem\.runtime\.[\w-]+\.js$/, (route) => {
    if (released) return route.continue();
    held.push(route);
    onRequest();
  }).then(() => ({
    requested,
    async release() {
      released = true;
      await Promise.all(held.map((r) => r.continue()));
    },
  }));
}

test('before the runtime has loaded: lookups miss, fetch goes to the network, stats() and ready wait', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const gate = await holdRuntime(page);
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  // The loader has asked for its runtime, which is held: nothing of the runtime can run.
  await gate.requested;
  const before = await page.evaluate(async () => {
    const w = (window as any).webtmem;
    let readySettled = false;
    let statsSettled = false;
    w.ready.then(() => { readySettled = true; });
    const stats = w.stats().then((s: any) => s, (e: Error) => e.message).finally(() => { statsSettled = true; });
    (window as any).pendingStats = stats;
    const fetched = await w.fetch('/__t/echo/early?size=16').then((r: Response) => r.arrayBuffer()).then((b: ArrayBuffer) => b.byteLength);
    return {
      get: w.cleancache.get('/__t/echo/early?size=16'),
      has: w.cleancache.has('/app.css'),
      ccStats: w.cleancache.stats(),
      lastStats: w.lastStats,
      client: w.client,
      mode: w.mode,
      fetched,
      readySettled,
      statsSettled,
      panel: typeof w.panel.open,
    };
  });
  expect(before).toEqual({
    get: null, has: false, ccStats: null, lastStats: null, client: null, mode: null, fetched: 16, readySettled: false, statsSettled: false, panel: 'function',
  });
  await gate.release();
  await dropInReady(page);
  const after = await page.evaluate(async () => {
    const s = await (window as any).pendingStats;
    return { stats: typeof s === 'object' && s !== null && 'store' in s, mode: (window as any).webtmem.mode };
  });
  expect(after).toEqual({ stats: true, mode: 'shared' });
  expect(errors).toEqual([]);
});

test('frontswap is a chunk of its own: the runtime starts without it, the first area opened loads it', async ({ page }) => {
  const frontswapChunk = /\/dist\/tmem\.frontswap\.[\w-]+\.js$/;
  const requested: string[] = [];
  page.on('request', (r) => { if (HASHED_CHUNK.test(new URL(r.url()).pathname)) requested.push(new URL(r.url()).pathname); });
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  expect(requested.some((p) => p.includes('/tmem.runtime.'))).toBe(true);
  expect(requested.filter((p) => frontswapChunk.test(p))).toEqual([]);
  const round = await page.evaluate(async () => {
    const area = await (window as any).webtmem.client.frontswap(`chunk-${Math.random()}`);
    const out = new Uint8Array(area.pageSize).fill(9);
    area.store(3, out);
    const back = new Uint8Array(out.length);
    const found = area.loadSync(3, back);
    await area.close();
    return { found, byte: back[17] };
  });
  expect(round).toEqual({ found: true, byte: 9 });
  expect(requested.filter((p) => frontswapChunk.test(p))).toHaveLength(1);
});

test('a frontswap chunk that cannot load: frontswap() rejects, the store keeps working', async ({ page }) => {
  await page.route(/\/dist\/tmem\.frontswap\.[\w-]+\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  const state = await page.evaluate(async () => {
    const client = (window as any).webtmem.client;
    const opened = await client.frontswap('never').then(() => 'opened', (e: Error) => e.message);
    const pool = client.newPool({ persistent: true });
    const page = new Uint8Array(client.pageSize).fill(5);
    client.put(pool, 1n, 0, page);
    const back = new Uint8Array(client.pageSize);
    return { opened, got: client.get(pool, 1n, 0, back), byte: back[9] };
  });
  expect(state.opened).toMatch(/tmem\.frontswap\./);
  expect(state).toMatchObject({ got: true, byte: 5 });
});

test('a runtime chunk that cannot load: ready resolves with the error, lookups keep missing', async ({ page }) => {
  await page.route(/\/dist\/tmem\.runtime\.[\w-]+\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  const state = await page.evaluate(async () => {
    const w = (window as any).webtmem;
    const r = await w.ready;
    return {
      error: r.error, client: r.client, get: w.cleancache.get('/app.css'),
      stats: await w.stats().then(() => 'resolved', (e: Error) => e.message),
    };
  });
  expect(state.error).toMatch(/tmem\.runtime\./);
  expect(state.client).toBeNull();
  expect(state.get).toBeNull();
  expect(state.stats).toMatch(/^webtmem: not started: /);
  expect(consoleErrors.some((t) => t.includes('webtmem: could not start'))).toBe(true);
});

test('the content-hashed chunks are served immutable; tmem.js itself revalidates', async ({ page }) => {
  const headers = new Map<string, string | undefined>();
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/dist/tmem')) headers.set(path, r.headers()['cache-control']);
  });
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  const chunks = [...headers].filter(([path]) => HASHED_CHUNK.test(path));
  expect(chunks.length).toBeGreaterThan(0);
  for (const [, cc] of chunks) expect(cc).toBe('public, max-age=31536000, immutable');
  expect(headers.get('/dist/tmem.js')).toBe('no-cache');
});
