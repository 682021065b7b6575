// The panel on demand: on every page with the drop-in, webtmem.panel.open(), .toggle() and the
// keyboard shortcut work; the panel's chunk (its views and uPlot) is requested only when the
// panel is first wanted; data-panel only decides whether it opens at start.
import { test, expect, type Page } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';
import { dropInReady, siteNs } from './sw-helpers.js';

const CHUNK = /\/dist\/tmem\.([\w-]+)\.[\w-]{8,}\.js$/;

/** Records which drop-in chunks the page requested (runtime, panel, …), in order. */
function chunkRequests(page: Page): string[] {
  const names: string[] = [];
  page.on('request', (r) => {
    const m = CHUNK.exec(new URL(r.url()).pathname);
    if (m) names.push(m[1]!);
  });
  return names;
}

const host = (page: Page) => page.locator('webtmem-panel');

test('without data-panel: nothing of the panel loads until panel.open(), which shows it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const chunks = chunkRequests(page);
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  expect(await page.evaluate(() => { const p = (window as any).webtmem.panel; return { isOpen: p.isOpen, instance: p.instance, error: p.error }; }))
    .toEqual({ isOpen: false, instance: null, error: null });
  expect(chunks).toEqual(['runtime', 'shared']); // the runtime and the code it shares with frontswap's chunk
  await expect(host(page)).toHaveCount(0);

  await page.evaluate(() => (window as any).webtmem.panel.open());
  await expect(host(page)).toHaveAttribute('data-open', '');
  await expect(page.locator('webtmem-panel .panel')).toBeVisible();
  // It reads the real store: the mode and uPlot's charts.
  await expect(page.locator('webtmem-panel [data-field="mode"]')).toHaveText('shared');
  await expect(page.locator('webtmem-panel .chart canvas')).toHaveCount(4);
  expect(chunks).toEqual(['runtime', 'shared', 'panel']);

  expect(await page.evaluate(() => (window as any).webtmem.panel.toggle())).toBe(false);
  await expect(host(page)).not.toHaveAttribute('data-open');
  expect(await page.evaluate(() => (window as any).webtmem.panel.toggle())).toBe(true);
  await expect(host(page)).toHaveAttribute('data-open', '');
  expect(chunks).toEqual(['runtime', 'shared', 'panel']); // loaded once
  expect(errors).toEqual([]);
});

test('the shortcut opens and closes the panel on a page without data-panel', async ({ page }) => {
  const chunks = chunkRequests(page);
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  expect(chunks).not.toContain('panel');
  await page.keyboard.press('Alt+Shift+KeyT');
  await expect(host(page)).toHaveAttribute('data-open', '');
  await expect(page.locator('webtmem-panel .panel')).toBeVisible();
  await page.keyboard.press('Alt+Shift+KeyT');
  await expect(host(page)).not.toHaveAttribute('data-open');
  expect(chunks.filter((c) => c === 'panel')).toHaveLength(1);
});

test('data-panel-shortcut="none": the keys do nothing, panel.open() still works', async ({ page }) => {
  const chunks = chunkRequests(page);
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/no-shortcut.html`);
  await page.evaluate(() => (window as any).webtmem.ready);
  await page.keyboard.press('Alt+Shift+KeyT');
  // The key event has been dispatched and handled (or not) by the time this evaluate runs.
  expect(await page.evaluate(() => (window as any).webtmem.panel.isOpen)).toBe(false);
  expect(chunks).not.toContain('panel');
  await page.evaluate(() => (window as any).webtmem.panel.open());
  await expect(host(page)).toHaveAttribute('data-open', '');
});

test('calls made while the chunk loads are applied: float() then open(); open() then close()', async ({ page }) => {
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  const state = await page.evaluate(async () => {
    const p = (window as any).webtmem.panel;
    p.float();
    p.open();
    const before = { isOpen: p.isOpen, layout: p.layout, loaded: p.instance !== null };
    const panel = await p.load();
    return { before, after: { isOpen: panel.isOpen, layout: panel.layout } };
  });
  expect(state).toEqual({ before: { isOpen: true, layout: 'floating', loaded: false }, after: { isOpen: true, layout: 'floating' } });
  await expect(page.locator('webtmem-panel .panel')).toHaveAttribute('data-layout', 'floating');

  await page.reload();
  await dropInReady(page);
  const closed = await page.evaluate(async () => {
    const p = (window as any).webtmem.panel;
    p.open();
    p.close();
    const panel = await p.load();
    return { handle: p.isOpen, panel: panel.isOpen };
  });
  expect(closed).toEqual({ handle: false, panel: false });
  await expect(host(page)).not.toHaveAttribute('data-open');
});

test('data-panel="closed" loads the panel at start, closed and recording', async ({ page }) => {
  const chunks = chunkRequests(page);
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/panel.html`);
  await dropInReady(page);
  await page.waitForFunction(() => (window as any).webtmem.panel.instance !== null);
  expect(chunks).toContain('panel');
  await expect(host(page)).not.toHaveAttribute('data-open');
  await expect.poll(() => page.evaluate(() => (window as any).webtmem.panel.instance.history.length)).toBeGreaterThan(1);
});

test('a panel chunk that cannot load: a console error, panel.error, no exception; a later open() retries', async ({ page }) => {
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.route(/\/dist\/tmem\.panel\.[\w-]+\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await dropInReady(page);
  await page.evaluate(() => (window as any).webtmem.panel.open());
  await page.waitForFunction(() => (window as any).webtmem.panel.error !== null);
  expect(await page.evaluate(() => { const p = (window as any).webtmem.panel; return { isOpen: p.isOpen, error: p.error }; }))
    .toEqual({ isOpen: false, error: expect.stringMatching(/^the panel's code could not be loaded: .*tmem\.panel\./) });
  expect(consoleErrors.some((t) => t.startsWith("webtmem: the panel's code could not be loaded"))).toBe(true);
  await expect(host(page)).toHaveCount(0);

  await page.unroute(/\/dist\/tmem\.panel\.[\w-]+\.js$/);
  await page.evaluate(() => (window as any).webtmem.panel.open());
  await expect(host(page)).toHaveAttribute('data-open', '');
  expect(await page.evaluate(() => (window as any).webtmem.panel.error)).toBeNull();
  expect(errors).toEqual([]);
});
