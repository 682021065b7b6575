// A page with the drop-in ends up controlled by the service worker: also a reload made at once
// after the first visit (which used to load while the worker was activating, after its one
// clients.claim(), and stay uncontrolled for good), and a hard reload that bypassed the worker.
// When the worker does not take the page, webtmem.uncontrolled says why.
import { test, expect, type Page } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';
import { siteNs } from './sw-helpers.js';

/** Waits until the page is controlled or the drop-in has said why it is not. */
async function controlOutcome(page: Page): Promise<{ controlled: boolean; uncontrolled: string | null }> {
  await page.waitForFunction(() => {
    const w = (window as any).webtmem;
    return w && (navigator.serviceWorker.controller !== null || w.uncontrolled !== null);
  }, undefined, { timeout: 30_000 });
  return page.evaluate(() => ({ controlled: navigator.serviceWorker.controller !== null, uncontrolled: (window as any).webtmem.uncontrolled }));
}

test('a reload at once after the first visit is controlled (20 fresh visitors)', async ({ browser }) => {
  test.setTimeout(600_000);
  const outcomes: string[] = [];
  for (let i = 0; i < 20; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
    await page.reload();
    const { controlled, uncontrolled } = await controlOutcome(page);
    // Controlled for good: still so once the drop-in has settled.
    await page.evaluate(() => (window as any).webtmem.ready);
    const still = await page.evaluate(() => navigator.serviceWorker.controller !== null);
    outcomes.push(controlled && still ? 'controlled' : `run ${i}: not controlled (${uncontrolled})`);
    await context.close();
  }
  expect(outcomes.filter((o) => o !== 'controlled')).toEqual([]);
});

test('a hard reload, which bypasses the service worker, is claimed by it', async ({ page }) => {
  await page.addInitScript(() => { (window as any).controlledAtStart = navigator.serviceWorker.controller !== null; });
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/index.html`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  const cdp = await page.context().newCDPSession(page);
  const loaded = page.waitForEvent('load');
  await cdp.send('Page.reload', { ignoreCache: true });
  await loaded;
  // The hard reload really left the page without a controller at first.
  expect(await page.evaluate(() => (window as any).controlledAtStart)).toBe(false);
  expect(await controlOutcome(page)).toEqual({ controlled: true, uncontrolled: null });
});

test('a service worker that never claims the page: webtmem.uncontrolled says so, the store still runs', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(`${ISOLATED}/__t/site/${siteNs()}/no-claim.html`);
  const { controlled, uncontrolled } = await controlOutcome(page);
  expect(controlled).toBe(false);
  expect(uncontrolled).toMatch(/did not take control of this page within \d+ ms of being asked to claim it/);
  expect(uncontrolled).toContain('/test/fixtures/no-claim-sw.js');
  expect(await page.evaluate(() => (window as any).webtmem.ready.then((w: any) => ({ mode: w.mode, error: w.error })))).toEqual({ mode: 'shared', error: null });
  expect(warnings.some((w) => w.startsWith('webtmem: no service worker controls this page'))).toBe(true);
});
