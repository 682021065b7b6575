// Frontswap under the IndexedDB failures seen most in the field, injected into the store
// worker's real IndexedDB (test/fixtures/disk-faults.ts): a database that cannot be opened, a
// connection closed mid-session, quota running out mid-batch. In each the area keeps working
// in memory, every page reported stored stays loadable, an 'error' event and the stats say why,
// flush() rejects with 'disk-error', nothing reaches page code as an unhandled rejection, and
// writes resume by themselves once the disk is back.
import { test, expect, type Page, type Worker } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';
import { installIdbFaults } from '../fixtures/disk-faults.js';

const pageErrors: string[] = [];

async function open(page: Page): Promise<void> {
  pageErrors.length = 0;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (process.env.DEBUG_FAULTS) page.on('console', (m) => console.log('console:', m.text()));
  await page.goto(`${ISOLATED}/test/fixtures/frontswap.html`);
  await page.waitForFunction(() => (window as any).ready === true);
}

/** Connects a client (window.client) and returns its store worker with the fault injector. */
async function connectWithFaults(page: Page): Promise<Worker> {
  await page.evaluate(async () => {
    const { connect } = (window as any).t;
    const client = await connect({ capacityBytes: 64 * 4096 });
    client.addEventListener('worker-gone', (e: CustomEvent) => console.log(`worker-gone: ${e.detail.reason}`));
    (window as any).client = client;
  });
  const find = () => page.workers().find((w) => w.url().includes('store-worker'));
  await expect.poll(() => find() !== undefined, { timeout: 10_000 }).toBe(true);
  const worker = find()!;
  await worker.evaluate(installIdbFaults);
  return worker;
}

const faults = (worker: Worker, call: string, arg?: number | boolean) =>
  worker.evaluate(([c, a]) => (globalThis as any).__idbFaults[c as string](a), [call, arg] as const);
const faultState = (worker: Worker) => worker.evaluate(() => (globalThis as any).__idbFaults.state);

/** Retries come fast, so a test waits tens of ms for the disk's return, not seconds. */
const FAST_RETRY = { writeback: false, retryMinMs: 10, retryMaxMs: 40 };

/**
 * Opens area `name` as window.area, its 'error' and 'recovered' events recorded in
 * window.events. With `committed`, first sets the budget to 0 (every page then goes to the
 * disk) and stores and flushes pages 0..committed-1.
 */
async function openArea(page: Page, name: string, options: object, committed = 0): Promise<void> {
  await page.evaluate(async ([name, options, committed]) => {
    const { pageOf } = (window as any).t;
    const client = (window as any).client;
    if (committed > 0) await client.setBudget(0);
    const area = await client.frontswap(name, options);
    (window as any).area = area;
    const events: string[] = [];
    area.addEventListener('error', (e: CustomEvent) => events.push(e.detail.message));
    area.addEventListener('recovered', () => events.push('recovered'));
    (window as any).events = events;
    for (let o = 0; o < committed; o++) area.store(o, pageOf(4096, o));
    if (committed > 0) await area.flush();
  }, [name, options, committed] as const);
}

/**
 * Lets the disk back, waits for the area's 'recovered' and a flush, then loads pages
 * from..to-1 and closes the area.
 * @returns how many loaded whole, the area's stats, the hypervisor's event kinds, and where
 *   each of `offsets` was before the close
 */
async function healAndReadBack(page: Page, worker: Worker, from: number, to: number, offsets: number[] = []) {
  await faults(worker, 'heal');
  return page.evaluate(async ([from, to, offsets]) => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client, events } = window as any;
    await until(() => events.includes('recovered'));
    await area.flush();
    const into = new Uint8Array(4096);
    let fromDisk = 0;
    for (let o = from; o < to; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
    const where = offsets.map((o) => area.where(o));
    const stats = await area.refreshStats();
    const hv = (await client.stats()).events.map((e: any) => e.kind);
    await area.close();
    return { fromDisk, stats, hv, where };
  }, [from, to, offsets] as const);
}

/** What every test ends with: no rejection went unhandled in the store worker or on the page;
 *  then the client closes. */
async function expectCleanEnd(page: Page, worker: Worker): Promise<void> {
  expect((await faultState(worker)).unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.evaluate(() => (window as any).client.close());
}

test.beforeEach(async ({ page }) => open(page));

test('indexedDB.open fails ("Internal error opening backing store"): the area opens in memory, buffers, refuses when full, and writes everything once the disk opens', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await faults(worker, 'openFails', Infinity);
  await openArea(page, 'field-open', { bufferPages: 8, ...FAST_RETRY });
  const during = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client, events } = window as any;
    const res: unknown[] = [];
    for (let o = 0; o < 4; o++) res.push(area.store(o, pageOf(4096, o))); // memory has room
    await client.setBudget(0);
    for (let o = 4; o < 16; o++) res.push(area.store(o, pageOf(4096, o))); // buffer: 8 pages
    let flushError = '';
    try { await area.flush(); } catch (e: any) { flushError = `${e.code} ${e.message}`; }
    await until(() => events.length >= 2);
    const into = new Uint8Array(4096);
    const loadable = [];
    for (let o = 0; o < 16; o++) loadable.push(area.loadSync(o, into) && same(into, pageOf(4096, o)));
    return { res, flushError, loadable, events: [...events], stats: area.stats(), where: [12, 13, 14, 15].map((o) => area.where(o)) };
  });
  expect(during.res).toEqual([...Array(4).fill('memory'), ...Array(8).fill('disk'), false, false, false, false]);
  expect(during.loadable).toEqual([...Array(12).fill(true), false, false, false, false]);
  expect(during.where).toEqual(['absent', 'absent', 'absent', 'absent']); // refused: the caller kept them
  expect(during.flushError).toMatch(/^disk-error .*UnknownError: .*Internal error opening backing store/);
  expect(during.events[0]).toContain('the disk could not be opened');
  expect(during.events.join('\n')).toContain('Internal error opening backing store');
  expect(during.stats.lastError).toContain('Internal error opening backing store');
  expect(during.stats.diskErrors).toBeGreaterThanOrEqual(1);
  expect(during.stats).toMatchObject({ inFlightPages: 8, failedStores: 4, diskPages: 0 });

  const after = await healAndReadBack(page, worker, 4, 12);
  expect(after.fromDisk).toBe(8);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 8, diskLoads: 8 });
  expect(after.hv).toContain('disk-error');
  expect(after.hv).toContain('disk-recovered');
  expect((await faultState(worker)).failedOpens).toBeGreaterThanOrEqual(2);
  await expectCleanEnd(page, worker);
});

test("the disk cannot be opened when the area opens but opens at its first write: 'recovered' follows the 'error' (no write failed in between)", async ({ page }) => {
  const worker = await connectWithFaults(page);
  await faults(worker, 'openFails', 1);
  await openArea(page, 'field-open-later', FAST_RETRY);
  const r = await page.evaluate(async () => {
    const { pageOf, until } = (window as any).t;
    const { area, client, events } = window as any;
    await until(() => events.length >= 1);
    await client.setBudget(0);
    for (let o = 0; o < 4; o++) area.store(o, pageOf(4096, o));
    await area.flush();
    await until(() => events.length >= 2);
    const stats = await area.refreshStats();
    await area.close();
    return { events: [...events], stats };
  });
  expect(r.events).toHaveLength(2);
  expect(r.events[0]).toMatch(/the disk could not be opened .*Internal error opening backing store/);
  expect(r.events[1]).toBe('recovered');
  expect(r.stats).toMatchObject({ diskPages: 4, inFlightPages: 0 });
  expect((await faultState(worker)).failedOpens).toBe(1);
  await expectCleanEnd(page, worker);
});

test('a durable area whose disk cannot be opened is refused with disk-error (it cannot know its pages), and opens once the disk does', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await faults(worker, 'openFails', 1);
  const r = await page.evaluate(async () => {
    const { codeOf } = (window as any).t;
    const client = (window as any).client;
    const first = await codeOf(() => client.frontswap('field-durable', { durable: true }));
    const area = await client.frontswap('field-durable', { durable: true });
    const stored = area.store(1, new Uint8Array(4096).fill(3));
    await area.close();
    return { first, stored };
  });
  expect(r).toEqual({ first: 'disk-error', stored: 'memory' });
  await expectCleanEnd(page, worker);
});

test('the connection closes mid-session and the disk stays away for a while: committed pages come back, buffered ones stay loadable, writes resume', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await openArea(page, 'field-close', FAST_RETRY, 20);
  await faults(worker, 'openFails', Infinity);
  await faults(worker, 'closeAll', true); // the browser's 'close' event
  const during = await page.evaluate(async () => {
    const { pageOf, same, until, codeOf } = (window as any).t;
    const { area, events } = window as any;
    const res = [];
    for (let o = 20; o < 40; o++) res.push(area.store(o, pageOf(4096, o)));
    let flushError = '';
    try { await area.flush(); } catch (e: any) { flushError = `${e.code} ${e.message}`; }
    await until(() => events.length >= 1);
    const into = new Uint8Array(4096);
    let buffered = 0;
    for (let o = 20; o < 40; o++) if (area.loadSync(o, into) && same(into, pageOf(4096, o))) buffered++;
    const committedLoad = await codeOf(() => area.load(3, into)); // the disk is away
    return { res, flushError, buffered, committedLoad, stats: area.stats(), events: [...events] };
  });
  expect(during.res.every((x: unknown) => x === 'disk')).toBe(true);
  expect(during.flushError).toMatch(/^disk-error .*Internal error opening backing store/);
  expect(during.buffered).toBe(20);
  expect(during.committedLoad).toBe('disk-error');
  // The failed load is reported as a failed write is: an 'error' event, lastError.
  expect(during.events.at(-1)).toMatch(/a load from disk failed: .*Internal error opening backing store/);
  expect(during.stats.lastError).toContain('Internal error opening backing store');
  expect(during.stats.inFlightPages).toBe(20);

  const after = await healAndReadBack(page, worker, 0, 40);
  expect(after.fromDisk).toBe(40);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 40 });
  expect((await faultState(worker)).closed).toBeGreaterThanOrEqual(1);
  await expectCleanEnd(page, worker);
});

test('the browser closes the connection under a read (its transaction aborts): the load is made again on a new connection, with no error', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await openArea(page, 'field-read-close', FAST_RETRY, 10);
  await faults(worker, 'abortReads', 1);
  const r = await page.evaluate(async () => {
    const { pageOf, same } = (window as any).t;
    const { area, events } = window as any;
    const into = new Uint8Array(4096);
    let read = 0;
    for (let o = 0; o < 10; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) read++;
    const stats = await area.refreshStats();
    await area.close();
    return { read, events: [...events], stats };
  });
  expect(r.read).toBe(10);
  expect(r.events).toEqual([]);
  expect(r.stats).toMatchObject({ diskLoads: 10, diskErrors: 0, lastError: null });
  expect((await faultState(worker)).abortedReads).toBe(1);
  await expectCleanEnd(page, worker);
});

test("the database's creation aborts at its first put: nothing reaches the store worker as an unhandled rejection; the area opens in memory and makes its database at the next try", async ({ page }) => {
  const worker = await connectWithFaults(page);
  await faults(worker, 'creationAborts', 1);
  await openArea(page, 'field-create', { bufferPages: 8, ...FAST_RETRY });
  const r = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client, events } = window as any;
    await until(() => events.length >= 1);
    await client.setBudget(0);
    const res = [];
    for (let o = 0; o < 8; o++) res.push(area.store(o, pageOf(4096, o)));
    await until(async () => { try { await area.flush(); return true; } catch { return false; } });
    const into = new Uint8Array(4096);
    let fromDisk = 0;
    for (let o = 0; o < 8; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
    const stats = await area.refreshStats();
    await area.close();
    return { res, fromDisk, stats, events: [...events], workerGone: client.workerGone };
  });
  expect(r.events[0]).toMatch(/the disk could not be opened .*AbortError/);
  expect(r.res).toEqual(Array(8).fill('disk'));
  expect(r.fromDisk).toBe(8);
  expect(r.stats).toMatchObject({ diskPages: 8, diskLoads: 8, inFlightPages: 0 });
  expect(r.workerGone).toBe(false);
  expect((await faultState(worker)).abortedCreations).toBe(1);
  await expectCleanEnd(page, worker);
});

test('a connection closed without its event (InvalidStateError on the next transaction) is reopened: reads at once, writes after one retry', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await openArea(page, 'field-silent', FAST_RETRY, 10);
  await faults(worker, 'closeAll', false);
  const after = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area } = window as any;
    const into = new Uint8Array(4096);
    let read = 0;
    for (let o = 0; o < 10; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) read++;
    for (let o = 10; o < 20; o++) area.store(o, pageOf(4096, o));
    await until(async () => { try { await area.flush(); return true; } catch { return false; } });
    let all = 0;
    for (let o = 0; o < 20; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) all++;
    const stats = await area.refreshStats();
    await area.close();
    return { read, all, stats };
  });
  expect(after.read).toBe(10);
  expect(after.all).toBe(20);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 20 });
  await expectCleanEnd(page, worker);
});

test('quota runs out mid-batch: no part of the batch lands, pages stay buffered and loadable, a full buffer refuses, writes resume when space returns', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await openArea(page, 'field-quota', { bufferPages: 48, ...FAST_RETRY }, 20);
  await faults(worker, 'quota', Infinity);
  const during = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, events } = window as any;
    const res = [];
    for (let o = 20; o < 80; o++) res.push(area.store(o, pageOf(4096, o)));
    let flushError = '';
    try { await area.flush(); } catch (e: any) { flushError = `${e.code} ${e.message}`; }
    await until(() => events.length >= 1);
    const into = new Uint8Array(4096);
    let loadable = 0;
    for (let o = 0; o < 68; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) loadable++;
    const stats = await area.refreshStats();
    return { res, flushError, loadable, stats, events: [...events] };
  });
  expect(during.res).toEqual([...Array(48).fill('disk'), ...Array(12).fill(false)]);
  expect(during.flushError).toMatch(/^disk-error .*QuotaExceededError/);
  expect(during.loadable).toBe(68); // 20 committed (reads still work) + 48 buffered
  expect(during.stats.lastError).toContain('QuotaExceededError');
  expect(during.stats).toMatchObject({ diskPages: 20, inFlightPages: 48, failedStores: 12 });
  expect(during.events[0]).toContain('QuotaExceededError');

  const after = await healAndReadBack(page, worker, 0, 68, [68, 79]);
  expect(after.fromDisk).toBe(68);
  expect(after.where).toEqual(['absent', 'absent']);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 68 });
  expect((await faultState(worker)).quotaFaults).toBeGreaterThanOrEqual(1);
  await expectCleanEnd(page, worker);
});
