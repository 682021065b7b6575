// Shared steps of the service-worker tests: a fresh namespace of the fixture site per test (so
// request counts are the test's own), the server's counts, and waits on the drop-in.
import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

let n = 0;
/** A namespace no other test uses: /__t/site/<ns>/… */
export function siteNs(): string {
  return `t${process.pid}-${Date.now().toString(36)}-${n++}`;
}

/** How many requests for `path` reached the server. */
export async function served(request: APIRequestContext, path: string, origin = ISOLATED): Promise<number> {
  const r = await request.get(`${origin}/__t/count?path=${encodeURIComponent(path)}`);
  return ((await r.json()) as { count: number }).count;
}

/** Waits until the drop-in started and the service worker controls the page with a port. */
export async function dropInReady(page: Page): Promise<{ mode: string | null; error: string | null; isolation: string | null }> {
  const state = await page.evaluate(async () => {
    const w = (window as unknown as { webtmem: { ready: Promise<{ mode: string | null; error: string | null; isolation: string | null }> } }).webtmem;
    const r = await w.ready;
    return { mode: r.mode, error: r.error, isolation: r.isolation };
  });
  await page.waitForFunction(() => {
    const w = (window as unknown as { webtmem: { link: { portsSent: number } | null } }).webtmem;
    return navigator.serviceWorker.controller !== null && (w.link?.portsSent ?? 0) > 0;
  }, undefined, { timeout: 15_000 });
  return state;
}

/** Fetches `url` from the page; returns status, a few headers and the body's bytes (hex of a
 *  SHA-256 and the length, to compare big bodies cheaply). */
export async function pageFetch(page: Page, url: string, init: RequestInit = {}): Promise<{ status: number; text: string; length: number; sha: string; headers: Record<string, string> }> {
  return page.evaluate(async ([u, i]) => {
    const r = await fetch(u, i);
    const buf = await r.arrayBuffer();
    const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => { headers[k] = v; });
    return { status: r.status, text: buf.byteLength < 2048 ? new TextDecoder().decode(buf) : '', length: buf.byteLength, sha, headers };
  }, [url, init] as const);
}

/** Waits until the page's synchronous cleancache lookup finds `url` (a put is asynchronous).
 *  On timeout the error carries the service worker's counters: how its puts ended says
 *  whether the put was refused, lost on the way, or never made. */
export async function waitCached(page: Page, url: string, headers?: Record<string, string>): Promise<void> {
  const has = () => page.evaluate(([u, h]) =>
    (window as unknown as { webtmem: { cleancache: { has(u: string, i?: object): boolean } } }).webtmem.cleancache.has(u, h ? { headers: h } : {}),
  [url, headers] as const);
  try {
    await expect.poll(has, { timeout: 10_000 }).toBe(true);
  } catch {
    const stats = await swStats(page).catch((e) => `(no stats: ${(e as Error).message})`);
    throw new Error(`waitCached: ${url} was not in the cleancache after 10 s; service worker: ${JSON.stringify(stats)}`);
  }
}

/** Waits until the service worker has no cleancache write in flight: every put or flush
 *  started so far has landed or been given up (its outcome is counted). */
export async function keeperIdle(page: Page): Promise<void> {
  await expect.poll(async () => (await swStats(page)).keeper.inFlight, { timeout: 15_000 }).toBe(0);
}

/** Waits until the service worker has counted at least `atLeast` puts of its memory tier as
 *  stored (its own copy: what serves the next fetch, unlike the tab's copy sent after it). */
export async function waitStoredInServiceWorker(page: Page, atLeast: number): Promise<void> {
  await expect.poll(async () => (await swStats(page)).keeper.outcomes.stored ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(atLeast);
}

/** The service worker's counters (answered on a MessageChannel). */
export async function swStats(page: Page): Promise<{
  handler: Record<string, number>;
  keeper: { kept: number; keptOffline: number; refused: Record<string, number>; inFlight: number; outcomes: Record<string, number> };
  deferred: { left: number; listed: number; unlisted: number; waiting: number };
  install: { lists: number; taken: number; timedOut: number };
  memory: { lookups: number; hits: number; misses: number; puts: number; evictions: number; resources: number; budgetBytes: number; usedBytes: number; pages: number; blobs: { entries: number; bytes: number; budgetBytes: number; served: number }; copies: { entries: number; bytes: number; kept: number; reused: number; served: number; errors: number } | null };
  fill: { inFlight: number; outcomes: Record<string, number>; skipped: number };
  link: Record<string, number>;
  offline: Record<string, number>;
  staticRoutes: number;
  navigationPreload: boolean;
}> {
  return page.evaluate(() => new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e) => resolve(e.data.stats);
    navigator.serviceWorker.controller!.postMessage({ webtmem: 'sw-stats' }, [port2]);
  }));
}

/** A new tab of the page's context, the page closed, the service worker stopped (CDP): a cold
 *  start, nothing in memory anywhere. */
export async function freshTabWorkerStopped(context: BrowserContext, page: Page): Promise<Page> {
  const fresh = await context.newPage();
  await page.close();
  const cdp = await context.newCDPSession(fresh);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  return fresh;
}

/** What the fixture site (test/fixtures/site/index.html) shows once loaded: whether its
 *  script ran, its images' widths, its stylesheet's colour (after every image settled). */
export async function rendered(page: Page): Promise<{ script: boolean; images: number[]; color: string }> {
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 10_000 });
  return page.evaluate(() => ({
    script: (window as unknown as { siteLoaded?: boolean }).siteLoaded === true,
    images: [...document.images].map((i) => i.naturalWidth),
    color: getComputedStyle(document.getElementById('status')!).color,
  }));
}

/** The fixture site fully rendered. */
export const RENDERED = { script: true, images: [64, 64, 64, 64], color: 'rgb(0, 90, 0)' };
