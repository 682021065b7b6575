// Frontswap in Firefox: an area stores eight times the store's memory budget, the excess
// spilling to IndexedDB, and every page loads back byte-exact, synchronously right after the
// store and from any tier after a flush. As the first test of test/browser/frontswap.spec.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFirefox, until, ISOLATED, TIMEOUT } from './firefox.mjs';

const newPage = useFirefox();

test('stores eight times the memory budget and loads everything back exactly, random order, mixed tiers', { timeout: TIMEOUT }, async (t) => {
  const page = await newPage(t);
  await page.goto(`${ISOLATED}/test/fixtures/frontswap.html`);
  await until(page, () => window.ready === true);
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same } = window.t;
    const FRAMES = 32;
    const N = 8 * FRAMES;
    const client = await connect({ capacityBytes: FRAMES * 4096 });
    const area = await client.frontswap('spill');
    const tiers = { memory: 0, disk: 0, false: 0 };
    for (let o = 0; o < N; o++) tiers[String(area.store(o * 3, pageOf(4096, o * 3)))]++;
    const into = new Uint8Array(4096);
    // Right after the stores every page is in memory or the write-behind buffer.
    let syncOk = 0;
    for (let o = 0; o < N; o++) if (area.loadSync(o * 3, into) && same(into, pageOf(4096, o * 3))) syncOk++;
    await area.flush();
    const order = [...Array(N).keys()].sort(() => Math.random() - 0.5);
    let ok = 0;
    for (const o of order) if ((await area.load(o * 3, into)) && same(into, pageOf(4096, o * 3))) ok++;
    const absent = await area.load(1, into);
    const s = await area.refreshStats();
    await area.close();
    await client.close();
    return { N, FRAMES, tiers, syncOk, ok, absent, s };
  });
  assert.equal(r.tiers.false, 0, 'no store refused');
  assert.ok(r.tiers.memory > 0, 'some pages stayed in memory');
  assert.ok(r.tiers.disk >= r.N - r.FRAMES, `at least ${r.N - r.FRAMES} pages spilled (tiers ${JSON.stringify(r.tiers)})`);
  assert.equal(r.syncOk, r.N);
  assert.equal(r.ok, r.N);
  assert.equal(r.absent, false);
  assert.equal(r.s.stores, r.N);
  assert.equal(r.s.failedStores, 0);
  assert.equal(r.s.succStores + r.s.spilledStores, r.N);
  assert.equal(r.s.diskPages, r.s.spilledStores);
  assert.equal(r.s.diskLoads, r.s.spilledStores);
  assert.equal(r.s.inFlightPages, 0);
});
