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

test.beforeEach(async ({ page }) => open(page));

test('indexedDB.open fails ("Internal error opening backing store"): the area opens in memory, buffers, refuses when full, and writes everything once the disk opens', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await faults(worker, 'openFails', Infinity);
  const during = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const client = (window as any).client;
    const area = await client.frontswap('field-open', { bufferPages: 8, writeback: false, retryMinMs: 10, retryMaxMs: 40 });
    (window as any).area = area;
    const events: string[] = [];
    area.addEventListener('error', (e: CustomEvent) => events.push(e.detail.message));
    area.addEventListener('recovered', () => events.push('recovered'));
    (window as any).events = events;
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

  await faults(worker, 'heal');
  const after = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client, events } = window as any;
    await until(() => events.includes('recovered'));
    await area.flush();
    const into = new Uint8Array(4096);
    let fromDisk = 0;
    for (let o = 4; o < 12; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
    const stats = await area.refreshStats();
    const snap = await client.stats();
    await area.close();
    return { fromDisk, stats, hv: snap.events.map((e: any) => e.kind) };
  });
  expect(after.fromDisk).toBe(8);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 8, diskLoads: 8 });
  expect(after.hv).toContain('disk-error');
  expect(after.hv).toContain('disk-recovered');
  expect((await faultState(worker)).failedOpens).toBeGreaterThanOrEqual(2);
  expect((await faultState(worker)).unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.evaluate(() => (window as any).client.close());
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
  expect((await faultState(worker)).unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.evaluate(() => (window as any).client.close());
});

test('the connection closes mid-session and the disk stays away for a while: committed pages come back, buffered ones stay loadable, writes resume', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await page.evaluate(async () => {
    const { pageOf } = (window as any).t;
    const client = (window as any).client;
    await client.setBudget(0);
    const area = await client.frontswap('field-close', { writeback: false, retryMinMs: 10, retryMaxMs: 40 });
    (window as any).area = area;
    const events: string[] = [];
    area.addEventListener('error', (e: CustomEvent) => events.push(e.detail.message));
    area.addEventListener('recovered', () => events.push('recovered'));
    (window as any).events = events;
    for (let o = 0; o < 20; o++) area.store(o, pageOf(4096, o));
    await area.flush();
  });
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
    return { res, flushError, buffered, committedLoad, stats: area.stats() };
  });
  expect(during.res.every((x: unknown) => x === 'disk')).toBe(true);
  expect(during.flushError).toMatch(/^disk-error .*Internal error opening backing store/);
  expect(during.buffered).toBe(20);
  expect(during.committedLoad).toBe('disk-error');
  expect(during.stats.lastError).toContain('Internal error opening backing store');
  expect(during.stats.inFlightPages).toBe(20);

  await faults(worker, 'heal');
  const after = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client, events } = window as any;
    await until(() => events.includes('recovered'));
    await area.flush();
    const into = new Uint8Array(4096);
    let fromDisk = 0;
    for (let o = 0; o < 40; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
    const stats = await area.refreshStats();
    await area.close();
    return { fromDisk, stats };
  });
  expect(after.fromDisk).toBe(40);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 40 });
  const st = await faultState(worker);
  expect(st.closed).toBeGreaterThanOrEqual(1);
  expect(st.unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.evaluate(() => (window as any).client.close());
});

test('a connection closed without its event (InvalidStateError on the next transaction) is reopened: reads at once, writes after one retry', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await page.evaluate(async () => {
    const { pageOf } = (window as any).t;
    const client = (window as any).client;
    await client.setBudget(0);
    const area = await client.frontswap('field-silent', { writeback: false, retryMinMs: 10, retryMaxMs: 40 });
    (window as any).area = area;
    for (let o = 0; o < 10; o++) area.store(o, pageOf(4096, o));
    await area.flush();
  });
  await faults(worker, 'closeAll', false);
  const after = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client } = window as any;
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
  expect((await faultState(worker)).unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.evaluate(() => (window as any).client.close());
});

test('quota runs out mid-batch: no part of the batch lands, pages stay buffered and loadable, a full buffer refuses, writes resume when space returns', async ({ page }) => {
  const worker = await connectWithFaults(page);
  await page.evaluate(async () => {
    const { pageOf } = (window as any).t;
    const client = (window as any).client;
    await client.setBudget(0);
    const area = await client.frontswap('field-quota', { bufferPages: 48, writeback: false, retryMinMs: 10, retryMaxMs: 40 });
    (window as any).area = area;
    const events: string[] = [];
    area.addEventListener('error', (e: CustomEvent) => events.push(e.detail.message));
    area.addEventListener('recovered', () => events.push('recovered'));
    (window as any).events = events;
    for (let o = 0; o < 20; o++) area.store(o, pageOf(4096, o));
    await area.flush();
  });
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

  await faults(worker, 'heal');
  const after = await page.evaluate(async () => {
    const { pageOf, same, until } = (window as any).t;
    const { area, client, events } = window as any;
    await until(() => events.includes('recovered'));
    await area.flush();
    const into = new Uint8Array(4096);
    let fromDisk = 0;
    for (let o = 0; o < 68; o++) if ((await area.load(o, into)) && same(into, pageOf(4096, o))) fromDisk++;
    const refused = [68, 79].map((o) => area.where(o));
    const stats = await area.refreshStats();
    await area.close();
    return { fromDisk, refused, stats };
  });
  expect(after.fromDisk).toBe(68);
  expect(after.refused).toEqual(['absent', 'absent']);
  expect(after.stats).toMatchObject({ inFlightPages: 0, diskPages: 68 });
  const st = await faultState(worker);
  expect(st.quotaFaults).toBeGreaterThanOrEqual(1);
  expect(st.unhandled).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.evaluate(() => (window as any).client.close());
});
