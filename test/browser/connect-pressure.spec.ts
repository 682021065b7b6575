// The pressure policy: a hidden, frozen or unloading page gives up part of its ephemeral share
// (persistent pages stay), and takes it back when visible again; events and effects counted.
import { test, expect } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

type App = typeof import('../../app/index.js');

test.beforeEach(async ({ page }) => {
  await page.goto(`${ISOLATED}/test/fixtures/connect.html`);
  // Playwright cannot hide a headless page: tests override visibilityState and fire the event.
  await page.evaluate(() => {
    let state: DocumentVisibilityState = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    (window as { setVisibility?: (s: DocumentVisibilityState) => void }).setVisibility = (s) => {
      state = s;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
});

// The delay itself (nothing before delayMs, the cut at delayMs, a quick show cancelling it) is
// tested on an injected clock in test/unit/hypervisor-pressure.test.ts; here the browser's
// events reach the store worker's policy and its effects come back as budget events.
test('hidden: after the delay the ephemeral share shrinks by the fraction; visible: it grows back', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const setVisibility = (window as unknown as { setVisibility: (s: DocumentVisibilityState) => void }).setVisibility;
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096, pressure: { fraction: 0.5, delayMs: 150 } });
    const persistent = client.newPool({ persistent: true });
    const ephemeral = client.newPool({ persistent: false });
    const page = new Uint8Array(4096);
    for (let i = 0; i < 10; i++) { page.fill(i + 1); page[0] = 0; client.put(persistent, 1, i, page); }
    for (let i = 0; i < 50; i++) { page.fill(i + 50); page[0] = 0; client.put(ephemeral, 2, i, page); }
    const reasons: string[] = [];
    const waiters: (() => void)[] = [];
    client.addEventListener('budget', (e) => { reasons.push(`${e.detail.reason}:${e.detail.budgetFrames}`); waiters.shift()?.(); });
    const nextBudget = () => new Promise<void>((r) => waiters.push(r));
    const pagesOf = (id: number) => client.storeStats().pools.find((p) => p.id === id)!.pages;
    let budgetEvent = nextBudget();
    setVisibility('hidden');
    await budgetEvent;
    const hidden = { budget: client.budgetFrames, ephemeral: pagesOf(ephemeral), snap: (await client.stats()).pressure };
    const into = new Uint8Array(4096);
    let persistentOk = 0;
    for (let i = 0; i < 10; i++) if (client.get(persistent, 1, i, into) && into[1] === i + 1) persistentOk++;
    budgetEvent = nextBudget();
    setVisibility('visible');
    await budgetEvent;
    const visible = { budget: client.budgetFrames, snap: (await client.stats()).pressure };
    const result = { hidden, persistentOk, visible, reasons, events: (await client.stats()).events.filter((e) => e.kind === 'pressure').length };
    await client.close();
    return result;
  });
  // ephemeral share = 64 − 10 persistent = 54; half of it (27) is given up: 64 − 27 = 37.
  expect(r.hidden.budget).toBe(37);
  expect(r.hidden.ephemeral).toBeLessThanOrEqual(27);
  expect(r.hidden.snap).toMatchObject({ hidden: true, events: 1, hiddenEvents: 1, shrinks: 1, regrows: 0, shrunk: true, shrunkFrames: 27, fraction: 0.5 });
  expect(r.persistentOk).toBe(10);
  expect(r.visible.budget).toBe(64);
  expect(r.visible.snap).toMatchObject({ hidden: false, shrinks: 1, regrows: 1, shrunk: false });
  expect(r.reasons).toEqual(['pressure:37', 'regrow:64']);
  expect(r.events).toBe(2);
});

test('a hide and show inside the delay costs nothing; pressure: false only counts', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const setVisibility = (window as unknown as { setVisibility: (s: DocumentVisibilityState) => void }).setVisibility;
    const { connect } = (await import('/app/index.ts' as string)) as App;
    // A delay no test outlives: the show always comes inside it.
    const quick = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 32 * 4096, pressure: { fraction: 0.5, delayMs: 600_000 } });
    const off = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 32 * 4096, pressure: false });
    const budgetEvents: string[] = [];
    quick.addEventListener('budget', (e) => budgetEvents.push(e.detail.reason));
    setVisibility('hidden');
    // The page forwards each signal on the control port; a stats() sent after it on the same
    // port is answered after the signal was applied.
    const quickHidden = (await quick.stats()).pressure;
    setVisibility('visible');
    const quickP = (await quick.stats()).pressure;
    setVisibility('hidden');
    const offP = (await off.stats()).pressure;
    const offBudget = off.budgetFrames;
    setVisibility('visible');
    const quickBudget = quick.budgetFrames;
    await quick.close();
    await off.close();
    return { quickHidden, quickP, quickBudget, budgetEvents, offP, offBudget };
  });
  expect(r.quickHidden).toMatchObject({ hidden: true, events: 1, shrinks: 0, shrunk: false });
  expect(r.quickP).toMatchObject({ hidden: false, events: 1, shrinks: 0, regrows: 0, shrunk: false });
  expect(r.quickBudget).toBe(32);
  expect(r.budgetEvents).toEqual([]);
  expect(r.offP).toMatchObject({ enabled: false, events: 2, shrinks: 0 });
  expect(r.offBudget).toBe(32);
});

test('pagehide shrinks at once and pageshow restores', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 40 * 4096, pressure: { fraction: 0.25, delayMs: 60_000 } });
    const shrunk = new Promise<number>((r) => client.addEventListener('budget', (e) => r(e.detail.budgetFrames), { once: true }));
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    const during = await shrunk;
    const regrown = new Promise<number>((r) => client.addEventListener('budget', (e) => r(e.detail.budgetFrames), { once: true }));
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await regrown;
    const p = (await client.stats()).pressure;
    const after = client.budgetFrames;
    await client.close();
    return { during, after, p };
  });
  expect(r.during).toBe(30); // 40 − floor(40 × 0.25)
  expect(r.after).toBe(40);
  expect(r.p).toMatchObject({ pagehideEvents: 1, shrinks: 1, regrows: 1, unloading: false });
});

// Page.setWebLifecycleState {state: 'frozen'} over CDP fired no freeze/resume events in this
// headless Chromium (checked, also with the page hidden behind another tab), so the test fires
// the events the client listens to, as the browser would.
test('freeze shrinks at once (no timer: the workers of a frozen page stop too); resume restores', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 40 * 4096, pressure: { fraction: 0.5, delayMs: 60_000 } });
    const reasons: string[] = [];
    const waiters: (() => void)[] = [];
    client.addEventListener('budget', (e) => { reasons.push(`${e.detail.reason}:${e.detail.budgetFrames}`); waiters.shift()?.(); });
    const nextBudget = () => new Promise<void>((r) => waiters.push(r));
    let budgetEvent = nextBudget();
    document.dispatchEvent(new Event('freeze'));
    await budgetEvent;
    const frozen = { budget: client.budgetFrames, p: (await client.stats()).pressure };
    budgetEvent = nextBudget();
    document.dispatchEvent(new Event('resume'));
    await budgetEvent;
    const p = (await client.stats()).pressure;
    const budget = client.budgetFrames;
    await client.close();
    return { frozen, p, budget, reasons };
  });
  expect(r.frozen.budget).toBe(20);
  expect(r.frozen.p).toMatchObject({ frozen: true, freezeEvents: 1, events: 1, shrinks: 1 });
  expect(r.p).toMatchObject({ frozen: false, shrinks: 1, regrows: 1 });
  expect(r.reasons).toEqual(['pressure:20', 'regrow:40']);
  expect(r.budget).toBe(40);
});
