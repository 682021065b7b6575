// Frontswap areas in real Chromium: spilling past memory and loading back from every tier, a
// model-based random test against a reference Map, in-flight coherency, writeback when the
// budget drops, stats, bad input, a foreign database, local mode. Each test has a fresh context
// (IndexedDB in memory); reload and restart survival are in frontswap-durable.spec.ts, disk
// faults and locks in frontswap-faults.spec.ts.
import { test, expect, type Page } from '@playwright/test';
import { ISOLATED, PLAIN } from '../../playwright.config.js';

async function open(page: Page, origin = ISOLATED): Promise<void> {
  await page.goto(`${origin}/test/fixtures/frontswap.html`);
  await page.waitForFunction(() => (window as any).ready === true);
}

test.beforeEach(async ({ page }) => open(page));

test('stores four times the memory budget and loads everything back exactly, random order, mixed tiers', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same } = (window as any).t;
    const client = await connect({ capacityBytes: 64 * 4096 });
    const area = await client.frontswap('spill', { bufferPages: 512 });
    const N = 256;
    const tiers: Record<string, number> = { memory: 0, disk: 0, false: 0 };
    for (let o = 0; o < N; o++) tiers[String(area.store(o * 3, pageOf(4096, o * 3)))]++;
    const where: Record<string, number> = {};
    for (let o = 0; o < N; o++) { const w = area.where(o * 3); where[w] = (where[w] ?? 0) + 1; }
    const into = new Uint8Array(4096);
    // Immediately after store: memory or buffer, all synchronous.
    let syncOk = 0;
    for (let o = 0; o < N; o++) if (area.loadSync(o * 3, into) && same(into, pageOf(4096, o * 3))) syncOk++;
    await area.flush();
    const order = [...Array(N).keys()].sort(() => Math.random() - 0.5);
    let ok = 0;
    for (const o of order) if ((await area.load(o * 3, into)) && same(into, pageOf(4096, o * 3))) ok++;
    const absent = await area.load(1, into);
    const s = await area.refreshStats();
    const snap = await client.stats();
    await area.close();
    await client.close();
    return { tiers, where, syncOk, ok, absent, s, inSnapshot: snap.frontswap.map((f: any) => f.name) };
  });
  expect(r.tiers.false).toBe(0);
  expect(r.tiers.memory).toBeGreaterThan(0);
  expect(r.tiers.disk).toBeGreaterThanOrEqual(256 - 64);
  expect(r.where.memory).toBe(r.tiers.memory);
  expect(r.syncOk).toBe(256);
  expect(r.ok).toBe(256);
  expect(r.absent).toBe(false);
  expect(r.s).toMatchObject({ name: 'spill', durable: false, stores: 256, failedStores: 0, inFlightPages: 0 });
  expect(r.s.succStores + r.s.spilledStores).toBe(256);
  expect(r.s.diskLoads).toBe(r.s.spilledStores);
  expect(r.s.diskPages).toBe(r.s.spilledStores);
  expect(r.inSnapshot).toContain('spill');
});
