// Cross-origin isolation opt-in (data-isolate) on a server that sends no COOP/COEP: the
// service worker adds them, the page reloads once, and never loops, also after a hard reload
// (which the drop-in then gets claimed by the service worker).
import { test, expect, type Page } from '@playwright/test';
import { PLAIN } from '../../playwright.config.js';
import { served, siteNs } from './sw-helpers.js';

type State = { mode: string | null; isolation: string | null; error: string | null; coi: boolean; controlled: boolean };
// crossOriginIsolated is known before the drop-in script has run: wait for window.webtmem.
// The drop-in decides whether to reload before webtmem.ready resolves (isolation 'reloading'
// never resolves it), so once it has resolved with 'isolated' or 'not-isolated' this document
// starts no reload, and the server's count of page loads is final.
const state = async (page: Page): Promise<State> => {
  await page.waitForFunction(() => (window as any).webtmem !== undefined);
  return page.evaluate(() => (window as any).webtmem.ready.then((w: any) => ({
    mode: w.mode, isolation: w.isolation, error: w.error, coi: crossOriginIsolated, controlled: navigator.serviceWorker.controller !== null,
  })));
};

test('data-isolate reaches crossOriginIsolated with one reload; a hard reload runs local without looping', async ({ page, request }) => {
  const ns = siteNs();
  const path = `/__t/site/${ns}/isolate.html`;
  await page.goto(`${PLAIN}${path}`);
  // The first load registers the service worker, is claimed, and reloads once.
  // (Polled with evaluate: the reload destroys the context a waitForFunction would run in.)
  await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 15_000 }).toBe(true);
  const s = await state(page);
  expect(s).toEqual({ mode: 'shared', isolation: 'isolated', error: null, coi: true, controlled: true });
  expect(await served(request, path, PLAIN)).toBe(2);
  expect(await page.evaluate(() => sessionStorage.getItem('webtmem-isolation-reload'))).toBeNull();

  // A normal reload stays isolated, without another reload of its own, and registers the
  // service worker again (the registration picks up a changed configuration).
  await page.reload();
  expect(await state(page)).toMatchObject({ coi: true, isolation: 'isolated' });
  expect(await served(request, path, PLAIN)).toBe(3);
  await page.waitForFunction(() => (window as any).webtmem.registration?.active?.scriptURL.includes('tmem-sw.js'));

  // A hard reload bypasses the service worker: not isolated, local mode, no reload.
  const cdp = await page.context().newCDPSession(page);
  const loaded = page.waitForEvent('load');
  await cdp.send('Page.reload', { ignoreCache: true });
  await loaded;
  const { controlled: _, ...hard } = await state(page);
  expect(hard).toEqual({ mode: 'local', isolation: 'not-isolated', error: null, coi: false });
  // The drop-in then gets the page claimed by the service worker (its later fetches are
  // served), still without a reload: the document stays not isolated. Its ready has resolved,
  // so it starts no reload (see state()), and the server's count is final.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect(await served(request, path, PLAIN)).toBe(4);
  // The store still works on the page's own thread.
  expect(await page.evaluate(() => (window as any).webtmem.client.pageSize)).toBe(4096);
});
