// Frontswap under disk failures (the disk log's fault hook) and across tabs (Web Locks).
import { test, expect, type Page } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

async function open(page: Page): Promise<void> {
  await page.goto(`${ISOLATED}/test/fixtures/frontswap.html`);
  await page.waitForFunction(() => (window as any).ready === true);
}

test.beforeEach(async ({ page }) => open(page));

for (const fault of ['QuotaExceededError', 'AbortError', 'closed'] as const) {
  test(`disk fault ${fault}: pages stay buffered and loadable, the error is reported, writes recover when it clears`, async ({ page }) => {
    const r = await page.evaluate(async (fault) => {
      const { connect, pageOf, same, until, codeOf } = (window as any).t;
      const client = await connect({ capacityBytes: 16 * 4096 });
      await client.setBudget(0); // every store spills
      const area = await client.frontswap(`fault-${fault}`, { retryMinMs: 20, retryMaxMs: 80 });
      const errors: string[] = [];
      let recovered = 0;
      area.addEventListener('error', (e: CustomEvent) => errors.push(e.detail.message));
      area.addEventListener('recovered', () => recovered++);
      await area.injectDiskFault({ count: 2, name: fault });
      const stored = [];
      for (let o = 0; o < 20; o++) stored.push(area.store(o, pageOf(4096, o)));
      let flushError = '';
      try { await area.flush(); } catch (e: any) { flushError = `${e.code} ${e.message}`; }
      const into = new Uint8Array(4096);
      let buffered = 0;
      for (let o = 0; o < 20; o++) if (area.loadSync(o, into) && same(into, pageOf(4096, o))) buffered++;
      const during = area.stats();
      await until(() => recovered > 0);
      await area.flush();
      const before = area.stats().diskLoads;
      let fromDisk = 0;
      for (let o = 0; o < 20; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
      const after = await area.refreshStats();
      const snap = await client.stats();
      const closeCode = await codeOf(() => area.close());
      await client.close();
      return {
        allDisk: stored.every((x) => x === 'disk'), flushError, buffered, during, errors: errors.length, recovered,
        fromDisk, diskLoads: after.diskLoads - before, after, closeCode,
        hvEvents: snap.events.filter((e: any) => e.kind === 'disk-error' || e.kind === 'disk-recovered').map((e: any) => e.kind),
      };
    }, fault);
    expect(r.allDisk).toBe(true);
    expect(r.flushError).toMatch(/^disk-error /);
    expect(r.flushError).toContain(fault === 'closed' ? 'Error' : fault);
    expect(r.buffered).toBe(20);
    expect(r.during.diskErrors).toBeGreaterThanOrEqual(1);
    expect(r.during.lastError).toBeTruthy();
    expect(r.during.inFlightPages).toBe(20);
    expect(r.errors).toBeGreaterThanOrEqual(1);
    expect(r.recovered).toBeGreaterThanOrEqual(1);
    expect(r.fromDisk).toBe(20);
    expect(r.diskLoads).toBe(20);
    expect(r.after).toMatchObject({ inFlightPages: 0, diskPages: 20 });
    expect(r.hvEvents).toContain('disk-error');
    expect(r.closeCode).toBe('none');
  });
}

test('a full buffer refuses at once while the disk fails; nothing accepted is lost', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, pageOf, same, until } = (window as any).t;
    const client = await connect({ capacityBytes: 16 * 4096 });
    await client.setBudget(0);
    const area = await client.frontswap('full', { bufferPages: 8, retryMinMs: 10, retryMaxMs: 40 });
    await area.injectDiskFault({ count: 1000, name: 'QuotaExceededError' });
    const res = [];
    for (let o = 0; o < 12; o++) {
      const t0 = performance.now();
      res.push([area.store(o, pageOf(4096, o)), performance.now() - t0]);
    }
    await area.flush().catch(() => undefined);
    await until(() => area.stats().diskErrors >= 2); // several failed retries
    const into = new Uint8Array(4096);
    let kept = 0;
    for (let o = 0; o < 8; o++) if (area.loadSync(o, into) && same(into, pageOf(4096, o))) kept++;
    const refusedAbsent = [8, 9, 10, 11].every((o) => area.where(o) === 'absent');
    const failing = area.stats();
    await area.injectDiskFault({ count: 0, name: 'QuotaExceededError' });
    await until(async () => { try { await area.flush(); return true; } catch { return false; } });
    let fromDisk = 0;
    for (let o = 0; o < 8; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
    const s = area.stats();
    await client.close();
    return { res: res.map((x) => x[0]), maxMs: Math.max(...res.map((x) => x[1] as number)), kept, refusedAbsent, failing, fromDisk, s };
  });
  expect(r.res).toEqual([...Array(8).fill('disk'), false, false, false, false]);
  expect(r.kept).toBe(8);
  expect(r.refusedAbsent).toBe(true);
  expect(r.failing.diskErrors).toBeGreaterThanOrEqual(2);
  expect(r.failing.failedStores).toBe(4);
  expect(r.fromDisk).toBe(8);
  expect(r.s.inFlightPages).toBe(0);
});

test('two tabs: the second gets area-locked, or waits with { wait: true } until the first closes', async ({ page, context }) => {
  await page.evaluate(async () => {
    const { connect } = (window as any).t;
    const client = await connect();
    (window as any).area = await client.frontswap('tabbed');
  });
  const other = await context.newPage();
  await open(other);
  const first = await other.evaluate(async () => {
    const { connect, codeOf, until } = (window as any).t;
    const client = await connect();
    (window as any).client = client;
    const code = await codeOf(() => client.frontswap('tabbed'));
    const elsewhere = await client.frontswap('tabbed-other'); // other names are free
    await elsewhere.close();
    let settled = false;
    (window as any).waiting = client.frontswap('tabbed', { wait: true }).then((a: any) => { settled = true; return a; });
    // The wait is queued behind the other tab's lock (the Web Locks manager says so); it has
    // not settled while that lock is held.
    await until(async () => (await navigator.locks.query()).pending?.some((l: any) => l.name === 'webtmem-area:tabbed'));
    return { code, settledEarly: settled };
  });
  expect(first).toEqual({ code: 'area-locked', settledEarly: false });
  await page.evaluate(() => (window as any).area.close());
  const second = await other.evaluate(async () => {
    const area = await (window as any).waiting;
    return area.store(1, new Uint8Array(4096).fill(9));
  });
  expect(second).toBe('memory');
  // A closed tab releases its lock too.
  await other.close();
  const third = await page.evaluate(async () => {
    const { connect } = (window as any).t;
    const client = await connect();
    const area = await client.frontswap('tabbed');
    return area.where(1);
  });
  expect(third).toBe('absent');
});

test('the store worker terminated under a durable area: its pages stay loadable from memory, stores are refused, nothing throws; a reload reopens every committed page', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { keepWorkers } = await import('/test/fixtures/worker-spy.ts' as string);
    const workers: Worker[] = keepWorkers();
    const { connect, pageOf, same, codeOf } = (window as any).t;
    const client = await connect({ capacityBytes: 16 * 4096 });
    const area = await client.frontswap('worker-killed', { durable: true });
    for (let o = 0; o < 8; o++) area.store(o, pageOf(4096, o));
    await area.flush(); // 0..7 committed
    const errors: string[] = [];
    area.addEventListener('error', (e: CustomEvent) => errors.push(e.detail.message));
    const gone = new Promise((res) => client.addEventListener('worker-gone', res));
    workers[0].terminate();
    await gone;
    const into = new Uint8Array(4096);
    let loadable = 0;
    for (let o = 0; o < 8; o++) if (area.loadSync(o, into) && same(into, pageOf(4096, o))) loadable++;
    const refused = area.store(20, pageOf(4096, 20));
    const where = area.where(20);
    const flush = await codeOf(() => area.flush());
    const invalidate = await codeOf(() => area.invalidateArea());
    return { errors, loadable, refused, where, flush, invalidate };
  });
  expect(r.errors).toEqual([expect.stringContaining('store worker is gone')]);
  // Durable pages in memory stay loadable while memory holds them (the store's memory outlives
  // its worker); the store worker's death freed none of them.
  expect(r.loadable).toBe(8);
  expect(r).toMatchObject({ refused: false, where: 'absent', flush: 'none' }); // nothing was left to write
  // invalidateArea could not clear the disk (the disk service is gone), but the area ended
  // and let its lock go: the reload below reopens it.
  expect(r.invalidate).toBe('worker-gone');
  await open(page);
  const reopened = await page.evaluate(async () => {
    const { connect, pageOf, same } = (window as any).t;
    const client = await connect();
    const area = await client.frontswap('worker-killed', { durable: true });
    const into = new Uint8Array(4096);
    let ok = 0;
    for (let o = 0; o < 8; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) ok++;
    const twenty = area.where(20);
    await area.invalidateArea();
    await client.close();
    return { ok, twenty };
  });
  expect(reopened).toEqual({ ok: 8, twenty: 'absent' });
});
