// The in-page stats panel on a fixture page whose stand-in webtmem (a small tmem model)
// publishes real, changing snapshots. Assertions read values, not only presence.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openFixture } from './fixtures.js';
import { ISOLATED, PLAIN } from '../../playwright.config.js';

const PANEL = '/app/panel/index.ts';

/** Opens a fixture page on `origin`. */
export async function gotoFixture(page: Page, origin: string, name: string) {
  await openFixture(page, name, { origin });
}

/** Loads the fixture and installs the panel the way the drop-in does. */
async function loadPanel(page: Page, origin = ISOLATED, setting: string | null = null) {
  await gotoFixture(page, origin, 'panel.html');
  await page.waitForFunction(() => (window as any).modelReady === true);
  await page.evaluate(
    async ([url, panel]) => {
      const m = await import(url!);
      (window as any).webtmem.panel = m.installPagePanel({ panel });
    },
    [PANEL, setting] as const,
  );
}

/** The raw value (data-value) of a panel cell. */
const cell = (page: Page, selector: string) =>
  page.locator(`webtmem-panel ${selector}`).getAttribute('data-value');

const poolCell = (page: Page, pool: number, field: string) =>
  cell(page, `[data-table="pools"] tr[data-key="${pool}"] td[data-field="${field}"]`);

test('opens with webtmem.panel.open(), shows the pools, and follows puts and gets', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await loadPanel(page);
  const host = page.locator('webtmem-panel');
  await expect(host).not.toHaveAttribute('data-open');
  await page.evaluate(() => {
    const m = (window as any).model;
    m.newPool({ persistent: false });
    m.newPool({ persistent: true, exclusiveGets: true, maxPages: 500 });
    (window as any).webtmem.panel.open();
  });
  await expect(host).toHaveAttribute('data-open', '');
  await expect(page.locator('webtmem-panel [data-table="pools"] tbody tr')).toHaveCount(2);
  await expect(page.locator('webtmem-panel tr[data-key="1"] td[data-field="flags"]')).toHaveText(
    'persistent, exclusive gets, cap 500',
  );
  expect(await poolCell(page, 0, 'puts')).toBe('0');

  // Puts and gets on the page: the numbers follow the model's own counters.
  const want = await page.evaluate(() => {
    const m = (window as any).model;
    for (let i = 0; i < 1200; i++) m.put(0, 7, i);
    for (let i = 0; i < 1000; i++) m.get(0, 7, i < 750 ? i : 5000 + i);
    for (let i = 0; i < 600; i++) m.put(1, 1, i); // 100 over the cap
    return m.snapshot().store;
  });
  await expect.poll(() => poolCell(page, 0, 'succGets')).toBe('750');
  expect(await poolCell(page, 0, 'puts')).toBe('1200');
  expect(await poolCell(page, 0, 'failedGets')).toBe('250');
  expect(await poolCell(page, 0, 'hitRatio')).toBe('0.75');
  await expect(page.locator('webtmem-panel tr[data-key="0"] td[data-field="hitRatio"]')).toHaveText('75%');
  await expect(page.locator('webtmem-panel tr[data-key="0"] td[data-field="puts"]')).toHaveText('1,200');
  expect(await poolCell(page, 1, 'capRejects')).toBe('100');
  expect(await poolCell(page, 1, 'failedPuts')).toBe('100');
  expect(await poolCell(page, 1, 'pages')).toBe('500');
  expect(await cell(page, '[data-section="store"] [data-field="persistentFrames"]')).toBe(String(want.persistentFrames));
  expect(await cell(page, '[data-section="store"] [data-field="ephemeralFrames"]')).toBe(String(want.ephemeralFrames));
  // The bar's segments are sized from the same numbers.
  const eph = await page.locator('webtmem-panel [data-seg="ephemeral"]').evaluate((e) => (e as HTMLElement).style.width);
  expect(parseFloat(eph)).toBeCloseTo((100 * want.ephemeralFrames) / want.totalFrames, 2);

  // A budget cut evicts ephemeral pages and shows up as an event.
  await page.evaluate(() => (window as any).model.setBudget(1000));
  await expect.poll(() => cell(page, '[data-section="store"] [data-field="budgetFrames"]')).toBe('1000');
  await expect(page.locator('webtmem-panel [data-table="events"] td[data-field="message"]').first()).toHaveText(
    'budget set to 1000 frames',
  );
  // 1,200 ephemeral + 500 persistent frames over a 1,000-frame budget: 700 ephemeral evicted.
  await expect.poll(() => poolCell(page, 0, 'evictions')).toBe('700');
  expect(errors).toEqual([]);
});

test('refreshes at least 4 times a second while open, and charts the history', async ({ page }) => {
  await loadPanel(page);
  await page.evaluate(() => (window as any).model.newPool({ persistent: false }));
  await page.evaluate(() => (window as any).webtmem.panel.open());
  const count = () => page.evaluate(() => (window as any).webtmem.panel.history.length as number);
  await expect.poll(count).toBeGreaterThan(0);
  const [n0, t0] = [await count(), Date.now()];
  await page.evaluate(async () => {
    const m = (window as any).model;
    const history = (window as any).webtmem.panel.history;
    // A steady load over a dozen of the panel's own samples (each step waits for the next one),
    // so the ops chart has a non-zero rate to draw.
    for (let t = 0; t < 12; t++) {
      m.workload(0, 200, 0.8, t * 200);
      const seen = history.length;
      while (history.length === seen) await new Promise((r) => setTimeout(r, 10));
    }
  });
  // At least 4 refreshes a second: the panel's own schedule, read from the gaps between the
  // snapshots it took (the median, so that a 2-core machine busy with other tests, which can
  // stall one timer, does not make a wall-clock count fail).
  const gaps = await page.evaluate((from) => {
    const t = (window as any).webtmem.panel.history.samples().slice(from).map((x: any) => x.time as number);
    return t.slice(1).map((v: number, i: number) => v - t[i]).sort((a: number, b: number) => a - b);
  }, n0);
  expect(gaps.length).toBeGreaterThanOrEqual(((Date.now() - t0) / 1000) * 2);
  expect(gaps[gaps.length >> 1]).toBeLessThanOrEqual(250);
  const rates = await page.evaluate(() =>
    (window as any).webtmem.panel.history.samples().map((s: any) => s.putsPerSec).filter((r: number | null) => r),
  );
  expect(Math.max(...rates)).toBeGreaterThan(100);
  // uPlot drew into its canvases: four charts, each with non-blank pixels.
  await expect(page.locator('webtmem-panel .chart canvas')).toHaveCount(4);
  const inked = await page.locator('webtmem-panel [data-chart="ops"] canvas').evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    const px = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i]) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(500);
});

test('data-panel opens it at load; the shortcut toggles it; it docks and floats', async ({ page }) => {
  await loadPanel(page, ISOLATED, 'floating');
  const host = page.locator('webtmem-panel');
  const box = page.locator('webtmem-panel .panel');
  await expect(host).toHaveAttribute('data-open', '');
  await expect(box).toHaveAttribute('data-layout', 'floating');
  const floating = (await box.boundingBox())!;
  expect(floating.width).toBe(760);
  await page.keyboard.press('Alt+Shift+KeyT');
  await expect(host).not.toHaveAttribute('data-open');
  await expect(box).toBeHidden();
  await page.keyboard.press('Alt+Shift+KeyT');
  await expect(box).toBeVisible();
  await page.locator('webtmem-panel button[data-action="layout"]').click();
  await expect(box).toHaveAttribute('data-layout', 'docked');
  const docked = (await box.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(docked.width).toBe(viewport.width);
  expect(Math.round(docked.y + docked.height)).toBe(viewport.height);
  await page.locator('webtmem-panel button[data-action="close"]').click();
  await expect(host).not.toHaveAttribute('data-open');
});

test('works in local mode (a page that is not crossOriginIsolated)', async ({ page }) => {
  await loadPanel(page, PLAIN, 'open');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(page.locator('webtmem-panel [data-field="mode"]')).toHaveText('local');
  await expect(page.locator('webtmem-panel [data-role="status"]')).toContainText('local mode');
});

test('exports the history as JSON and CSV', async ({ page }) => {
  await loadPanel(page, ISOLATED, 'open');
  await page.evaluate(() => {
    const m = (window as any).model;
    m.newPool({ persistent: false });
    m.workload(0, 300, 1);
  });
  await expect.poll(() => poolCell(page, 0, 'puts')).toBe('300');
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('webtmem-panel button[data-action="export-json"]').click(),
  ]);
  expect(json.suggestedFilename()).toMatch(/^webtmem-stats-.*\.json$/);
  const doc = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(doc.format).toBe('webtmem-stats-history/1');
  expect(doc.samples.length).toBeGreaterThan(1);
  expect(doc.samples.at(-1).puts).toBe(300);
  expect(doc.latest.store.pools[0].succGets).toBe(300);

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('webtmem-panel button[data-action="export-csv"]').click(),
  ]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
  const header = lines[0]!.split(',');
  expect(header).toContain('hitRatio');
  expect(lines.length).toBeGreaterThan(2);
  const last = lines.at(-1)!.split(',');
  expect(last).toHaveLength(header.length);
  expect(last[header.indexOf('puts')]).toBe('300');
});

test('a page without webtmem gets a clear message, no exception', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await gotoFixture(page, ISOLATED, 'blank.html');
  await page.evaluate(async (url) => {
    // Each poll looks window.webtmem up: counting the look-ups counts the polls.
    let lookups = 0;
    Object.defineProperty(window, 'webtmem', { configurable: true, get: () => { lookups++; return undefined; } });
    Object.defineProperty(window, 'webtmemLookups', { get: () => lookups });
    const m = await import(url);
    m.installPagePanel({ panel: 'open' });
  }, PANEL);
  await expect(page.locator('webtmem-panel [data-role="message"]')).toHaveText(
    'This page has no webtmem (window.webtmem is not defined).',
  );
  const lookups = () => page.evaluate(() => (window as any).webtmemLookups as number);
  const after = await lookups();
  await expect.poll(lookups).toBeGreaterThanOrEqual(after + 5); // several more polls
  await expect(page.locator('webtmem-panel [data-role="message"]')).toHaveText(
    'This page has no webtmem (window.webtmem is not defined).',
  );
  expect(errors).toEqual([]);
});

test('a bad shortcut is refused before any panel exists; the panel, its buttons and charts have accessible names', async ({ page }) => {
  await gotoFixture(page, ISOLATED, 'blank.html');
  const r = await page.evaluate(async (url) => {
    const m = await import(url);
    const refused = (() => { try { m.installPagePanel({ panel: 'open', shortcut: 'Hyper+T' }); return 'installed'; } catch (e) { return (e as Error).message; } })();
    const left = document.querySelectorAll('webtmem-panel').length;
    m.installPagePanel({ panel: 'open', shortcut: 'none' });
    const root = document.querySelector('webtmem-panel')!.shadowRoot!;
    return {
      refused, left,
      region: root.querySelector('.panel')?.getAttribute('role') + ' ' + root.querySelector('.panel')?.getAttribute('aria-label'),
      close: root.querySelector('button[data-action="close"]')?.getAttribute('aria-label'),
      unnamed: [...root.querySelectorAll('button')].filter((b) => !b.getAttribute('aria-label')).length,
      charts: [...root.querySelectorAll('.chart')].map((c) => `${c.getAttribute('role')}:${c.getAttribute('aria-label') ? 'named' : 'unnamed'}`),
    };
  }, PANEL);
  expect(r.refused).toMatch(/unknown modifier "Hyper"/);
  expect(r.left).toBe(0);
  expect(r.region).toBe('region webtmem stats');
  expect(r.close).toMatch(/^Close the webtmem panel/);
  expect(r.unnamed).toBe(0);
  expect(r.charts.length).toBeGreaterThan(0);
  expect(new Set(r.charts)).toEqual(new Set(['img:named']));
});

test("a hostile site stylesheet does not alter the panel, and the panel leaves the site alone", async ({ page }) => {
  await loadPanel(page);
  await page.evaluate(() => (window as any).model.newPool({ persistent: false }));
  const site = () =>
    page.evaluate(() => {
      const cs = getComputedStyle(document.getElementById('site-title')!);
      return { font: cs.font, color: cs.color, margin: cs.margin, sheets: document.styleSheets.length, head: document.head.innerHTML };
    });
  const siteBefore = await site();
  await page.evaluate(() => (window as any).webtmem.panel.open());
  await expect(page.locator('webtmem-panel [data-table="pools"] tbody tr')).toHaveCount(1);
  expect(await site()).toEqual(siteBefore);

  // Layout and computed styles of the host and of parts inside the shadow root.
  const look = () =>
    page.evaluate(() => {
      const host = document.querySelector('webtmem-panel') as HTMLElement;
      const root = host.shadowRoot!;
      const pick = (el: Element) => {
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return [r.x, r.y, r.width, r.height, cs.display, cs.visibility, cs.opacity, cs.transform, cs.filter,
          cs.zoom, cs.fontSize, cs.fontFamily, cs.color, cs.backgroundColor, cs.borderTopStyle, cs.padding,
          cs.margin, cs.textTransform, cs.letterSpacing, cs.lineHeight, cs.position, cs.zIndex].join('|');
      };
      const parts = ['.panel', 'header h1', 'header button', '.bar', '[data-section="store"] b', 'table th', 'table td', '.chart canvas', '.u-title'];
      return [pick(host), ...parts.map((q) => pick(root.querySelector(q)!))];
    });
  const before = await look();
  const shotBefore = await page.locator('webtmem-panel .panel').screenshot({ path: test.info().outputPath('before-hostile.png') });
  await page.addStyleTag({ url: '/test/fixtures/hostile.css' });
  // The stylesheet really applies to the site…
  await expect(page.locator('#site-title')).toHaveCSS('font-size', '31px');
  // …and changes nothing in the panel.
  expect(await look()).toEqual(before);
  await expect(page.locator('webtmem-panel .panel')).toBeVisible();
  const shotAfter = await page.locator('webtmem-panel .panel').screenshot({ path: test.info().outputPath('after-hostile.png') });
  expect(shotAfter.length).toBeGreaterThan(0);
  expect(Math.abs(shotAfter.length - shotBefore.length) / shotBefore.length).toBeLessThan(0.2);
});

test('screenshot of the panel with realistic numbers (kept as a CI artifact)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 1300 });
  await loadPanel(page, ISOLATED);
  await page.evaluate(async () => {
    const m = (window as any).model;
    const heap = m.newPool({ persistent: false });
    m.newPool({ persistent: false, shared: true, uuid: '0123456789abcdef0123456789abcdef', maxPages: 2048 });
    const swap = m.newArea('editor-undo', true);
    const panel = (window as any).webtmem.panel;
    panel.open();
    panel.dock('bottom');
    // One step per sample the panel takes, so each shows as its own point on the charts.
    for (let t = 0; t < 30; t++) {
      m.workload(heap, 300 + 20 * t, 0.6 + 0.01 * t, t * 400);
      m.workload(1, 50, 0.9, t * 60);
      for (let i = 0; i < 150; i++) m.swapStore(swap, t * 150 + i);
      for (let i = 0; i < 40; i++) m.swapLoad(swap, t * 150 - i * 7);
      for (let i = 0; i < 12; i++) m.fetchResource(`/assets/chunk-${(t * 12 + i) % 23}.js`, 20000 + 1000 * (i % 7));
      if (t === 12) m.setBudget(12000);
      if (t === 20) { m.pressure.events++; m.pressure.shrinks++; m.pressure.fraction = 0.25; m.event('pressure', 'page hidden: ephemeral share shrunk by 25%'); }
      if (t === 24) m.diskError(swap, 'QuotaExceededError: write-behind batch kept in memory');
      const seen = panel.history.length;
      while (panel.history.length === seen) await new Promise((r) => setTimeout(r, 10));
    }
  });
  // The panel has taken a snapshot of the final state and drawn it (the table and the charts
  // are drawn together).
  const lastSeq = await page.evaluate(() => (window as any).model.seq as number);
  await page.waitForFunction((seq) => (window as any).webtmem.panel.history.latest.seq > seq, lastSeq);
  const finalGets = await page.evaluate(() => String((window as any).webtmem.panel.history.latest.store.pools[0].succGets));
  await expect.poll(() => poolCell(page, 0, 'succGets')).toBe(finalGets);
  await page.waitForFunction(() => document.readyState === 'complete');
  const shot = page.locator('webtmem-panel .panel');
  await page.locator('webtmem-panel .panel').evaluate((b) => ((b as HTMLElement).style.height = '1260px'));
  // Under test-results/ (Playwright's outputDir), which CI keeps as an artifact.
  const path = test.info().outputPath('panel-screenshot.png');
  await shot.screenshot({ path });
  await test.info().attach('panel', { path, contentType: 'image/png' });
  // The README's picture is refreshed on demand: UPDATE_SCREENSHOT=1 npx playwright test …
  if (process.env.UPDATE_SCREENSHOT) await shot.screenshot({ path: 'public/panel-screenshot.png' });
  expect(Number(await poolCell(page, 0, 'succGets'))).toBeGreaterThan(1000);
});
