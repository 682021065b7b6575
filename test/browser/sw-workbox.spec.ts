// Workbox users: a site's own service worker imports tmem-sw.js with standalone: false and
// routes through webtmem's TmemStrategy and tmemPlugin; the page's drop-in (data-sw="none")
// links its store to that service worker.
import { test, expect } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';
import { dropInReady, pageFetch, served, siteNs, waitCached } from './sw-helpers.js';

test('TmemStrategy and tmemPlugin answer from the cleancache inside the site\'s own service worker', async ({ page, request }) => {
  const ns = siteNs();
  await page.goto(`${ISOLATED}/__t/site/${ns}/workbox.html`);
  await dropInReady(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).toMatch(/workbox-sw\.js$/);
  for (const kind of ['wb-strategy', 'wb-plugin']) {
    const url = `/__t/echo/${kind}-${ns}`;
    const first = await pageFetch(page, url);
    await waitCached(page, url);
    expect((await pageFetch(page, url)).sha).toBe(first.sha);
    expect((await pageFetch(page, url)).sha).toBe(first.sha);
    expect(await served(request, url)).toBe(1);
  }
  // Routes the site's service worker does not handle go to the network untouched.
  const other = `/__t/echo/other-${ns}`;
  await pageFetch(page, other);
  await pageFetch(page, other);
  expect(await served(request, other)).toBe(2);
});
