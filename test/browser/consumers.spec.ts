// webtmem as an npm user gets it: `npm pack`, the tarball installed into a fresh Vite app and a
// fresh webpack app (test/consumers/), each built by its own untouched build script, served with
// COOP/COEP, and run in Chromium: connect() in shared mode with no workerUrl (the bundler must
// have emitted the store worker), a put/get round trip, a frontswap area storing four times
// the store's capacity and loading every page back, a bad input refused with TmemError, and the
// service worker copied from 'webtmem/tmem-sw.js' answering repeats from its own memory. The
// Vite dev server (dependency pre-bundling on) runs the same page. A strict TypeScript app
// type-checks against the shipped declarations. Packing, installing and building happen once.
import { test, expect, type Page } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sirv from 'sirv';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { freePort } from '../chromium.mjs';
import { prepareAll, typecheck } from '../consumers/prepare.mjs';

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

test.describe.configure({ mode: 'serial' });

let apps: Awaited<ReturnType<typeof prepareAll>>;
const servers: http.Server[] = [];
let viteDev: ViteDevServer | null = null;

/** A static server of `dir` with the cross-origin isolation headers and a production site's
 *  caching headers (ETag, max-age; sirv's dev mode alone would send no-store, which no cache may
 *  keep); returns its origin. Dev mode reads the folder on each request (the escape-hatch test
 *  adds a file). */
async function serveStatic(dir: string): Promise<string> {
  const files = sirv(dir, {
    dev: true,
    etag: true,
    setHeaders: (res) => {
      for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
      res.setHeader('Cache-Control', 'max-age=60');
    },
  });
  const server = http.createServer((req, res) => files(req, res, () => { res.statusCode = 404; res.end('not found'); }));
  servers.push(server);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return `http://localhost:${port}`;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  apps = await prepareAll();
});

test.afterAll(async () => {
  await viteDev?.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  apps?.cleanup();
});

/** Opens the app and checks everything the page script did (test/consumers/app.js). */
async function checkApp(page: Page, origin: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const notFound: string[] = [];
  page.on('response', (r) => { if (r.status() === 404) notFound.push(r.url()); });
  await page.goto(`${origin}/`);
  const result = await page.evaluate(() => (window as any).consumer);
  expect(result).toEqual({
    mode: 'shared',
    stored: true,
    hit: true,
    tiers: { memory: expect.any(Number), disk: expect.any(Number), false: 0 },
    loaded: 128,
    refused: 'bad-pool',
  });
  // 32 pages of capacity: at least 96 of the 128 pages went to IndexedDB and came back.
  expect(result.tiers.disk).toBeGreaterThanOrEqual(96);
  expect(result.tiers.memory + result.tiers.disk).toBe(128);

  // The service worker (the app's copy of webtmem/tmem-sw.js) takes control and answers the
  // repeats of a cache-first file from its own memory: its hits show in its stats.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect.poll(async () => page.evaluate(async () => {
    await fetch('/data.txt').then((r) => r.text());
    return ((await (window as any).swLink.serviceStats())?.memory?.hits ?? 0) as number;
  }), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await page.evaluate(() => fetch('/data.txt').then((r) => r.text()))).toContain('cleancache');
  // The panel from 'webtmem/panel', loaded on demand, opens and draws the store's figures.
  expect(await page.evaluate(() => (window as any).openPanel())).toBe(true);
  await expect(page.locator('webtmem-panel')).toBeAttached();
  expect(notFound).toEqual([]);
  expect(errors).toEqual([]);
}

test('a Vite build of an app importing webtmem: store worker emitted, shared mode, frontswap, service worker', async ({ page }) => {
  await checkApp(page, await serveStatic(join(apps.vite, 'dist')));
});

test('the escape hatch: the shipped tmem-worker.js, copied by hand and passed as workerUrl, runs on its own', async ({ page }) => {
  const dist = join(apps.vite, 'dist');
  copyFileSync(createRequire(join(apps.vite, 'package.json')).resolve('webtmem/tmem-worker.js'), join(dist, 'own-worker.js'));
  await page.goto(`${await serveStatic(dist)}/`);
  await page.evaluate(() => (window as any).consumer);
  const r = await page.evaluate(async () => {
    const tmem = await (window as any).connect({ mode: 'shared', workerUrl: '/own-worker.js', capacityBytes: 16 * 4096 });
    const pool = tmem.newPool({ persistent: true });
    const page = new Uint8Array(4096).fill(9);
    const into = new Uint8Array(4096);
    const result = { mode: tmem.mode, put: tmem.put(pool, 5n, 1, page), get: tmem.get(pool, 5n, 1, into), same: into.every((v) => v === 9) };
    await tmem.close();
    return result;
  });
  expect(r).toEqual({ mode: 'shared', put: true, get: true, same: true });
});

test('a webpack 5 build of an app importing webtmem: store worker emitted, shared mode, frontswap, service worker', async ({ page }) => {
  await checkApp(page, await serveStatic(join(apps.webpack, 'public')));
});

test('the Vite dev server, with webtmem pre-bundled as a dependency', async ({ page }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  // What `vite` does in the app's folder: its own vite.config.js (the isolation headers only).
  viteDev = await createViteServer({ root: apps.vite, logLevel: 'warn', server: { port, strictPort: true, host: 'localhost' } });
  await viteDev.listen();
  await checkApp(page, `http://localhost:${port}`);
  // webtmem went through dependency pre-bundling (the case where a worker URL in a dependency
  // breaks if the package gets it wrong).
  const optimized = Object.keys(viteDev.environments.client.depsOptimizer?.metadata.optimized ?? {});
  expect(optimized).toContain('webtmem');
});

test('a strict TypeScript app type-checks against the shipped declarations (moduleResolution bundler and node16)', async () => {
  test.setTimeout(120_000);
  await Promise.all(['tsconfig.bundler.json', 'tsconfig.node16.json'].map((tsconfig) => typecheck(apps.ts, tsconfig)));
});

test('the package ships the bundles, declarations and the service worker, and no source maps', async () => {
  const files = apps.packed.files;
  for (const f of ['dist/index.js', 'dist/core.js', 'dist/tmem-worker.js', 'dist/tmem-sw.js', 'dist/tmem.js', 'dist/types/app/index.d.ts', 'dist/types/worker/core/index.d.ts']) {
    expect(files).toContain(f);
  }
  expect(files.filter((f) => f.endsWith('.map') || f.startsWith('dist/extension/'))).toEqual([]);
  console.log(`consumers: npm pack ${(apps.packed.size / 1000).toFixed(1)} kB, ${files.length} files, unpacked ${(apps.packed.unpackedSize / 1000).toFixed(1)} kB`);
});
