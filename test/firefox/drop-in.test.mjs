// The drop-in on the plain fixture site (test/fixtures/site) in Firefox, through the real
// service worker (dist/tmem-sw.js; needs `npm run build`): repeat views answered from the
// cleancache, and an offline reload served from the offline routes. As
// test/browser/sw-cleancache.spec.ts and sw-offline.spec.ts.
//
// Offline is ./network.mjs: Firefox reaches the server through a proxy in this process that
// drops its connections while offline (BiDi's offline emulation leaves the service worker's
// requests alone). The test checks that the network really is gone for the service worker: a
// probe it would fetch fails, and no request reaches the server during the offline reload.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { useFirefox, until, ISOLATED, TIMEOUT } from './firefox.mjs';
import { startNetwork } from './network.mjs';

const network = await startNetwork();
after(() => network.close());
const newPage = useFirefox({ prefs: network.prefs });

let n = 0;
/** A namespace of the fixture site no other test uses (/__t/site/<ns>/…), so request counts are the test's own. */
const siteNs = () => `ff${process.pid}-${Date.now().toString(36)}-${n++}`;

/** How many requests for `path` reached the test server. */
async function served(path) {
  const r = await fetch(`${ISOLATED}/__t/count?path=${encodeURIComponent(path)}`);
  return (await r.json()).count;
}

/** Waits until the drop-in started and the service worker controls the page with a port. */
async function dropInReady(page) {
  const state = await page.evaluate(async () => {
    const r = await window.webtmem.ready;
    return { mode: r.mode, error: r.error };
  });
  await until(page, () => navigator.serviceWorker.controller !== null && (window.webtmem.link?.portsSent ?? 0) > 0);
  return state;
}

/** The service worker's counters, asked over a MessageChannel. */
function swStats(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e) => resolve(e.data.stats);
    navigator.serviceWorker.controller.postMessage({ webtmem: 'sw-stats' }, [port2]);
  }));
}

/** Fetches `url` from the page: status and text. */
function pageFetch(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, text: await r.text() };
  }, url);
}

/** What the site shows once its images have loaded: its script ran, four 64 px tiles, its stylesheet applied. */
async function rendered(page) {
  await until(page, () => [...document.images].every((i) => i.complete));
  return page.evaluate(() => ({
    script: window.siteLoaded === true,
    images: [...document.images].map((i) => i.naturalWidth),
    color: getComputedStyle(document.getElementById('status')).color,
  }));
}
const RENDERED = { script: true, images: [64, 64, 64, 64], color: 'rgb(0, 90, 0)' };

test('first visit, controlled reload, repeat views answered from the cleancache', { timeout: TIMEOUT }, async (t) => {
  const page = await newPage(t);
  const site = `/__t/site/${siteNs()}/`;
  const tile = `${site}img/tile-1.svg`;
  await page.goto(`${ISOLATED}${site}index.html`);
  assert.deepEqual(await dropInReady(page), { mode: 'shared', error: null });
  // First visit: nothing was controlled yet, everything came from the network once.
  assert.equal(await served(tile), 1);

  // Controlled now: the first visit's images were kept as the service worker installed, so a
  // fetch is answered from memory; one the first visit did not load misses, goes to the
  // network, and is kept.
  const first = await pageFetch(page, tile);
  assert.equal(first.status, 200);
  assert.match(first.text, /<svg/);
  assert.equal(await served(tile), 1);
  const other = `${tile}?other`;
  assert.equal((await pageFetch(page, other)).text, first.text);
  assert.equal(await served(tile), 2);
  await until(page, (u) => window.webtmem.cleancache.has(u), tile);
  await until(page, (u) => window.webtmem.cleancache.has(u), other);
  // Repeat views: cache-first, answered from memory; the server sees nothing more.
  for (let i = 0; i < 3; i++) for (const url of [tile, other]) assert.equal((await pageFetch(page, url)).text, first.text);
  assert.equal(await served(tile), 2);
  const sync = await page.evaluate((u) => {
    const hit = window.webtmem.cleancache.get(u);
    return hit && { status: hit.status, type: hit.headers.get('content-type'), text: new TextDecoder().decode(hit.body) };
  }, tile);
  assert.deepEqual(sync, { status: 200, type: 'image/svg+xml', text: first.text });
  assert.ok((await swStats(page)).handler.memoryHits >= 3);

  // Controlled reload: the document is network-first; the tile comes from the store.
  await page.reload();
  await dropInReady(page);
  assert.equal(await served(`${site}index.html`), 2);
  assert.deepEqual(await rendered(page), RENDERED);
  assert.equal(await served(tile), 2);
});

test('offline reload: the page and its assets come from the offline routes, the network is never reached', { timeout: TIMEOUT }, async (t) => {
  const page = await newPage(t);
  const site = `/__t/site/${siteNs()}/`;
  await page.goto(`${ISOLATED}${site}index.html`);
  await dropInReady(page);
  // Controlled load: every offline route goes through the service worker and to disk
  // (index.html, app.css, app.js and four tiles).
  await page.reload();
  await dropInReady(page);
  assert.deepEqual(await rendered(page), RENDERED);
  await until(page, () => new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e) => resolve(e.data.stats.keeper.keptOffline >= 7);
    navigator.serviceWorker.controller.postMessage({ webtmem: 'sw-stats' }, [port2]);
  }));

  const paths = ['index.html', 'app.css', 'app.js', 'img/tile-1.svg'].map((f) => site + f);
  const before = await Promise.all(paths.map(served));
  const errorsBefore = (await swStats(page)).handler.networkErrors;
  network.setOffline(true);
  try {
    // The network really is gone for the service worker too: a route it would fetch fails.
    assert.equal(await page.evaluate(() => fetch('/__t/echo/offline-probe').then(() => 'online', () => 'failed')), 'failed');
    await page.reload();
    assert.deepEqual(await rendered(page), RENDERED);
    assert.equal(await page.evaluate(() => document.getElementById('status').textContent), 'site script ran');
    // The navigation tried the network (network-first), failed, and fell back to the stored copy.
    assert.ok((await swStats(page)).handler.networkErrors > errorsBefore);
  } finally {
    network.setOffline(false);
  }
  assert.deepEqual(await Promise.all(paths.map(served)), before);
  assert.equal(await served('/__t/echo/offline-probe'), 0);
});
