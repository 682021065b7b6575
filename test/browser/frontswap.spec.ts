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

test('model-based: random store/load/invalidate/budget/writeback across tiers agrees with a reference Map', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same } = (window as any).t;
    const client = await connect({ capacityBytes: 16 * 4096 });
    const area = await client.frontswap('model', { bufferPages: 8, batchPages: 4, flushDelayMs: 5 });
    let seed = 12345;
    const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const model = new Map<number, number>();
    const into = new Uint8Array(4096);
    const bad: string[] = [];
    const counts: Record<string, number> = {};
    let version = 0;
    for (let step = 0; step < 700 && bad.length < 5; step++) {
      const o = rnd(64);
      const op = rnd(100);
      const kind = op < 45 ? 'store' : op < 60 ? 'loadSync' : op < 75 ? 'load' : op < 85 ? 'invalidate' : op < 90 ? 'budget' : op < 95 ? 'writeback' : 'flush';
      let outcome = '';
      if (kind === 'store') {
        const v = ++version;
        const res = area.store(o, pageOf(4096, o, v));
        outcome = String(res);
        if (res === false) model.delete(o); else model.set(o, v);
      } else if (kind === 'loadSync') {
        const hit = area.loadSync(o, into);
        outcome = String(hit);
        if (hit && !(model.has(o) && same(into, pageOf(4096, o, model.get(o)!)))) bad.push(`step ${step}: loadSync(${o}) returned a wrong page`);
        if (!hit && model.has(o) && area.where(o) === 'memory') bad.push(`step ${step}: loadSync(${o}) missed a memory page`);
      } else if (kind === 'load') {
        const hit = await area.load(o, into);
        outcome = String(hit);
        if (hit !== model.has(o)) bad.push(`step ${step}: load(${o}) = ${hit}, model has it: ${model.has(o)}`);
        else if (hit && !same(into, pageOf(4096, o, model.get(o)!))) bad.push(`step ${step}: load(${o}) returned stale bytes`);
      } else if (kind === 'invalidate') {
        area.invalidatePage(o);
        model.delete(o);
      } else if (kind === 'budget') {
        await client.setBudget(rnd(17) * 4096);
        await new Promise((res) => setTimeout(res, 2));
      } else if (kind === 'writeback') {
        outcome = String(area.writeback(rnd(8)));
      } else {
        await area.flush();
      }
      counts[`${kind}:${outcome}`] = (counts[`${kind}:${outcome}`] ?? 0) + 1;
      for (let p = 0; p < 64; p++) {
        if ((area.where(p) === 'absent') === model.has(p)) { bad.push(`step ${step} (${kind} ${o}): where(${p}) = ${area.where(p)}, model has it: ${model.has(p)}`); break; }
      }
    }
    await area.flush();
    for (let p = 0; p < 64; p++) {
      const hit = await area.load(p, into);
      if (hit !== model.has(p) || (hit && !same(into, pageOf(4096, p, model.get(p)!)))) bad.push(`final: offset ${p} differs`);
    }
    const s = area.stats();
    await client.close();
    return { bad, counts, s, live: model.size };
  });
  expect(r.bad).toEqual([]);
  // The run went through every tier and every outcome.
  expect(r.counts['store:memory']).toBeGreaterThan(0);
  expect(r.counts['store:disk']).toBeGreaterThan(0);
  expect(r.counts['store:false']).toBeGreaterThan(0);
  expect(r.s.writtenBackPages).toBeGreaterThan(0);
  expect(r.s.diskLoads).toBeGreaterThan(0);
  expect(r.s.stores).toBe(r.s.succStores + r.s.spilledStores + r.s.failedStores);
});

test('in flight: store → immediate load; a newer store wins over a write in flight; an invalidate during the write is a miss', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same } = (window as any).t;
    const client = await connect({ capacityBytes: 16 * 4096 });
    await client.setBudget(0); // every store spills
    const area = await client.frontswap('inflight', { flushDelayMs: 1000 });
    const into = new Uint8Array(4096);
    const out: Record<string, unknown> = {};
    out.storeA = area.store(5, pageOf(4096, 5, 1));
    out.immediate = area.loadSync(5, into) && same(into, pageOf(4096, 5, 1));
    const writingA = area.flush(); // A's batch is now being written
    out.inFlight = area.stats().inFlightPages;
    out.storeB = area.store(5, pageOf(4096, 5, 2));
    out.duringWrite = area.loadSync(5, into) && same(into, pageOf(4096, 5, 2));
    await writingA;
    out.afterA = (await area.load(5, into)) && same(into, pageOf(4096, 5, 2));
    await area.flush();
    const before = area.stats().diskLoads;
    out.fromDisk = (await area.load(5, into)) && same(into, pageOf(4096, 5, 2));
    out.diskLoad = area.stats().diskLoads - before;

    out.storeC = area.store(6, pageOf(4096, 6, 1));
    const writingC = area.flush();
    area.invalidatePage(6);
    out.missSync = area.loadSync(6, into);
    out.missAsync = await area.load(6, into);
    await writingC;
    await area.flush();
    out.missAfter = await area.load(6, into);
    out.where6 = area.where(6);
    const s = await area.refreshStats();
    out.diskPages = s.diskPages;
    await client.close();
    return out;
  });
  expect(r).toEqual({
    storeA: 'disk', immediate: true, inFlight: 1, storeB: 'disk', duringWrite: true, afterA: true,
    fromDisk: true, diskLoad: 1, storeC: 'disk', missSync: false, missAsync: false, missAfter: false,
    where6: 'absent', diskPages: 1,
  });
});

test('writeback: lowering the budget moves the least recently used pages to disk; every page stays loadable', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same, until } = (window as any).t;
    const client = await connect({ capacityBytes: 64 * 4096 });
    const area = await client.frontswap('shrink');
    let events = 0;
    area.addEventListener('writeback', (e: CustomEvent) => { events += e.detail.pages; });
    const stored = [];
    for (let o = 0; o < 48; o++) stored.push(area.store(o, pageOf(4096, o)));
    const into = new Uint8Array(4096);
    for (let o = 0; o < 8; o++) area.loadSync(o, into); // 0..7 become the most recently used
    await client.setBudget(16 * 4096);
    await until(() => area.stats().memoryPages <= 16);
    const where = [...Array(48).keys()].map((o) => area.where(o));
    let ok = 0;
    for (let o = 0; o < 48; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) ok++;
    const st = client.storeStats();
    const s = area.stats();
    await client.close();
    return { allMemory: stored.every((x) => x === 'memory'), where, ok, events, s, used: st.usedFrames, budget: st.budgetFrames };
  });
  expect(r.allMemory).toBe(true);
  expect(r.ok).toBe(48);
  expect(r.s.writtenBackPages).toBe(32);
  expect(r.events).toBe(32);
  expect(r.s.memoryPages).toBe(16);
  expect(r.used).toBeLessThanOrEqual(r.budget);
  // Recency kept: the pages used last stayed in memory, the oldest went to disk.
  expect(r.where.slice(0, 8)).toEqual(Array(8).fill('memory'));
  expect(r.where.slice(8, 40)).toEqual(Array(32).fill('disk'));
});

test('bad input is refused with a code and disturbs nothing; closed and invalidated areas refuse every call', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same, codeOf } = (window as any).t;
    const client = await connect({ capacityBytes: 8 * 4096 });
    const area = await client.frontswap('bad');
    for (let o = 0; o < 16; o++) area.store(o, pageOf(4096, o)); // 8 in memory, 8 spilled
    // The spill is written behind: wait for it, so that the stats below change only if a
    // refused call disturbed the area (inFlightPages used to drop mid-test on a slow disk).
    await area.flush();
    const before = await area.refreshStats();
    const p = pageOf(4096, 99);
    const codes: Record<string, string> = {
      negative: await codeOf(() => area.store(-1, p)),
      tooBig: await codeOf(() => area.store(2 ** 32, p)),
      fraction: await codeOf(() => area.store(1.5, p)),
      nan: await codeOf(() => area.store(NaN, p)),
      string: await codeOf(() => area.store('3', p)),
      shortPage: await codeOf(() => area.store(3, new Uint8Array(4095))),
      notBytes: await codeOf(() => area.store(3, new Array(4096).fill(0))),
      nullPage: await codeOf(() => area.store(3, null)),
      shortInto: await codeOf(() => area.loadSync(3, new Uint8Array(100))),
      loadOffset: await codeOf(() => area.load(-5, new Uint8Array(4096))),
      loadInto: await codeOf(() => area.load(12, new Uint8Array(8192))),
      whereOffset: await codeOf(() => area.where(2 ** 40)),
      invalidateOffset: await codeOf(() => area.invalidatePage(-1)),
      writebackCount: await codeOf(() => area.writeback(-2)),
      emptyName: await codeOf(() => client.frontswap('')),
      longName: await codeOf(() => client.frontswap('x'.repeat(129))),
      numberName: await codeOf(() => client.frontswap(7)),
      badDurable: await codeOf(() => client.frontswap('ok', { durable: 'yes' })),
      badBuffer: await codeOf(() => client.frontswap('ok', { bufferPages: 0 })),
      unknownOption: await codeOf(() => client.frontswap('ok', { durability: true })),
    };
    const after = await area.refreshStats();
    const into = new Uint8Array(4096);
    let ok = 0;
    for (let o = 0; o < 16; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) ok++;
    const other = await client.frontswap('bad-2');
    other.store(1, p);
    await other.invalidateArea();
    codes.afterInvalidate = await codeOf(() => other.store(1, p));
    codes.loadAfterInvalidate = await codeOf(() => other.load(1, into));
    await area.close();
    codes.afterClose = await codeOf(() => area.store(1, p));
    codes.whereAfterClose = await codeOf(() => area.where(1));
    codes.flushAfterClose = await codeOf(() => area.flush());
    const reopened = await client.frontswap('bad'); // the lock was released; non-durable: empty
    const emptyAgain = reopened.where(3);
    await client.close();
    return { codes, before, after, ok, emptyAgain };
  });
  expect(r.codes).toEqual({
    negative: 'bad-offset', tooBig: 'bad-offset', fraction: 'bad-offset', nan: 'bad-offset', string: 'bad-offset',
    shortPage: 'bad-page-size', notBytes: 'bad-page-size', nullPage: 'bad-page-size', shortInto: 'bad-page-size',
    loadOffset: 'bad-offset', loadInto: 'bad-page-size', whereOffset: 'bad-offset', invalidateOffset: 'bad-offset',
    writebackCount: 'bad-options', emptyName: 'bad-name', longName: 'bad-name', numberName: 'bad-name',
    badDurable: 'bad-options', badBuffer: 'bad-options', unknownOption: 'bad-options',
    afterInvalidate: 'area-closed', loadAfterInvalidate: 'area-closed', afterClose: 'area-closed',
    whereAfterClose: 'area-closed', flushAfterClose: 'area-closed',
  });
  expect(r.after).toEqual(r.before);
  expect(r.before).toMatchObject({ memoryPages: 8, diskPages: 8, inFlightPages: 0 });
  expect(r.ok).toBe(16);
  expect(r.emptyAgain).toBe('absent');
});

test('a foreign IndexedDB database under the area name is reported (bad-database), not misread or changed', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, codeOf } = (window as any).t;
    const name = 'webtmem-log:frontswap:foreign';
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('stuff').put('precious', 'k');
      req.onsuccess = () => { req.result.close(); resolve(); };
      req.onerror = () => reject(req.error);
    });
    const client = await connect();
    const durable = await codeOf(() => client.frontswap('foreign', { durable: true }));
    const plain = await codeOf(() => client.frontswap('foreign'));
    const value = await new Promise((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => {
        const get = req.result.transaction('stuff').objectStore('stuff').get('k');
        get.onsuccess = () => { req.result.close(); resolve(get.result); };
      };
      req.onerror = () => reject(req.error);
    });
    const fine = await client.frontswap('not-foreign');
    const ok = fine.store(1, new Uint8Array(4096).fill(3));
    await client.close();
    return { durable, plain, value, ok };
  });
  expect(r).toEqual({ durable: 'bad-database', plain: 'bad-database', value: 'precious', ok: 'memory' });
});

test("'local' mode (page not isolated): the area spills and loads back the same way", async ({ page }) => {
  await open(page, PLAIN);
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same } = (window as any).t;
    const client = await connect({ capacityBytes: 8 * 4096, mode: 'local' });
    const area = await client.frontswap('local');
    const res = [];
    for (let o = 0; o < 32; o++) res.push(area.store(o, pageOf(4096, o)));
    await area.flush();
    const into = new Uint8Array(4096);
    let ok = 0;
    for (let o = 31; o >= 0; o--) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) ok++;
    const snap = await client.stats();
    await client.close();
    return { mode: client.mode, memory: res.filter((x) => x === 'memory').length, disk: res.filter((x) => x === 'disk').length, ok, snap: snap.frontswap.length };
  });
  expect(r).toEqual({ mode: 'local', memory: 8, disk: 24, ok: 32, snap: 1 });
});
