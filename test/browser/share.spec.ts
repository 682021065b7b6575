// More threads, one store: the page, the store worker, two app workers and an iframe see the
// same pages; close and a dead store worker are seen by every thread.
import { test, expect } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

type App = typeof import('../../app/index.js');
type Spy = typeof import('../fixtures/worker-spy.js');
type Rpc = typeof import('../fixtures/app-worker-rpc.js');

test.beforeEach(async ({ page }) => {
  await page.goto(`${ISOLATED}/test/fixtures/connect.html`);
});

test('page, store worker and two app workers see the same pages', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const { worker: w1, api: a1 } = startAppWorker();
    const { worker: w2, api: a2 } = startAppWorker();
    await client.share(w1);
    await client.share(w2);
    const pool = client.newPool({ persistent: true });
    const fill = (seed: number) => { const p = new Uint8Array(4096); for (let i = 0; i < 4096; i++) p[i] = (seed * 31 + i) & 255; return p; };
    const pagePut = client.put(pool, 9, 0, fill(10));
    const w1Put = await a1.put(pool, 9, 1, 11);
    const w2Put = await a2.put(pool, 9, 2, 12);
    const into = new Uint8Array(4096);
    const pageSees = [1, 2].map((i) => (client.get(pool, 9, i, into) ? into.every((b, j) => b === fill(10 + i)[j]) : false));
    const w1Sees = [await a1.get(pool, 9, 0), await a1.get(pool, 9, 2)];
    const w2Sees = [await a2.get(pool, 9, 0), await a2.get(pool, 9, 1)];
    // A shared ephemeral pool joined by uuid from two threads is one pool.
    const uuid = 'feedfacefeedfacefeedfacefeedface';
    const fromWorker = await a1.newPool({ persistent: false, shared: true, uuid });
    const fromPage = client.newPool({ persistent: false, shared: true, uuid });
    // The store worker's own view: its snapshot counts every thread's puts.
    const snap = await client.stats();
    const inWorker = snap.store.pools.find((p) => p.id === pool)!;
    const w2Stats = (await a2.stats()) as { store: { pools: { id: number; pages: number }[] } };
    await client.close();
    const afterClose = [await a1.get(pool, 9, 0), await a2.put(pool, 9, 3, 13)];
    w1.terminate(); w2.terminate();
    return { pagePut, w1Put, w2Put, pageSees, w1Sees, w2Sees, fromWorker, fromPage, workerPages: inWorker.pages, workerSuccPuts: inWorker.succPuts,
      w2SeesPages: w2Stats.store.pools.find((p) => p.id === pool)?.pages, afterClose };
  });
  expect(r).toMatchObject({ pagePut: true, w1Put: true, w2Put: true, pageSees: [true, true], w1Sees: [10, 12], w2Sees: [10, 11] });
  expect(r.fromWorker).toBe(r.fromPage);
  expect(r).toMatchObject({ workerPages: 3, workerSuccPuts: 3, w2SeesPages: 3 });
  expect(r.afterClose).toMatchObject([{ code: 'closed' }, { code: 'closed' }]);
});

test('app workers keep their pages when the store worker dies; their control calls reject worker-gone; a close() after it still reaches them', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { keepWorkers } = (await import('/test/fixtures/worker-spy.ts' as string)) as Spy;
    const workers = keepWorkers();
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const { worker: w1, api: a1 } = startAppWorker();
    await client.share(w1);
    const pool = client.newPool({ persistent: true });
    await a1.put(pool, 1, 1, 40);
    const before = (await a1.stats()) as { seq?: number; code?: string };
    const gone = new Promise((r) => client.addEventListener('worker-gone', r));
    workers[0].terminate();
    await gone;
    const get = await a1.get(pool, 1, 1);
    const put = await a1.put(pool, 1, 2, 41);
    // The app worker learns of the death from its own Web Lock wait: once it has, every
    // control call there is refused.
    const sawGone = await a1.gone();
    const stats = await a1.stats();
    // The page's close() after the death reaches the app worker too (the lifecycle word): a
    // 'closed' event there, with no store worker left to tell it.
    await a1.countClosed();
    await client.close();
    const closedThere = await a1.closedEvents(5000);
    w1.terminate();
    return { before: typeof before.seq, get, put, sawGone, stats, closedThere };
  });
  expect(r).toMatchObject({ before: 'number', get: 40, put: true, sawGone: true, stats: { code: 'worker-gone' }, closedThere: 1 });
});

test('an app worker\'s stats() in flight when the store worker is terminated rejects with worker-gone', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { keepWorkers, hang } = (await import('/test/fixtures/worker-spy.ts' as string)) as Spy;
    const workers = keepWorkers();
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/test/fixtures/crash-store-worker.ts', capacityBytes: 32 * 4096 });
    const store = workers[0];
    const { worker: w1, api: a1 } = startAppWorker();
    await client.share(w1);
    const answered = (await a1.stats()) as { seq?: number };
    // The store worker blocks for good, so the next stats() cannot be answered: it is in flight
    // until the worker dies.
    await hang(store);
    const started = await a1.statsStart();
    store.terminate();
    const inFlight = await a1.statsResult();
    const after = await a1.stats();
    w1.terminate();
    await client.close();
    return { answered: typeof answered.seq, started, inFlight, after };
  });
  expect(r).toMatchObject({ answered: 'number', started: true, inFlight: { code: 'worker-gone' }, after: { code: 'worker-gone' } });
});

test('a same-origin isolated iframe attaches the store', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const frame = document.createElement('iframe');
    // srcdoc: same origin as the page and under its COEP, so the frame is isolated too. Its
    // module script waits for the store the page shares with it.
    frame.srcdoc = `<script type="module">
      import { connectShared } from '/app/share.ts';
      window.tmemReady = connectShared({ scope: window, timeoutMs: 5000 });
      parent.postMessage('frame-listening', '*');
    </script>`;
    // The frame says when its module script runs (after its load event, possibly).
    const listening = new Promise((r) => window.addEventListener('message', (e) => { if (e.data === 'frame-listening') r(null); }));
    document.body.append(frame);
    await listening;
    const win = frame.contentWindow as Window & { tmemReady?: Promise<import('../../app/share.js').SharedTmem> };
    if (!win.tmemReady) return { error: 'the frame did not run its module script' };
    await client.share(win);
    const shared = await win.tmemReady;
    const pool = client.newPool({ persistent: true });
    client.put(pool, 3, 3, new Uint8Array(4096).fill(0).map((_, i) => i & 255));
    // The frame's own buffer: the core checks `instanceof Uint8Array`, which is per realm.
    const into = new (win as unknown as { Uint8Array: Uint8ArrayConstructor }).Uint8Array(4096);
    const hit = shared.get(pool, 3, 3, into);
    const same = into.every((b, i) => b === (i & 255));
    await client.close();
    return { isolated: win.crossOriginIsolated, hit, same };
  });
  expect(r).toEqual({ isolated: true, hit: true, same: true });
});

test('share() refuses what cannot receive the store before it makes anything; the store still shares after', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    // A sandboxed frame without allow-same-origin has an opaque origin: cross-origin.
    const frame = document.createElement('iframe');
    frame.sandbox.add('allow-scripts');
    frame.srcdoc = '<p>foreign</p>';
    const loaded = new Promise((res) => frame.addEventListener('load', res, { once: true }));
    document.body.append(frame);
    await loaded;
    const codeOf = async (target: unknown) => {
      try { await client.share(target as Worker); return 'shared'; } catch (e) { return (e as { code?: string }).code ?? String(e); }
    };
    const codes = {
      crossOrigin: await codeOf(frame.contentWindow),
      nullTarget: await codeOf(null),
      plainObject: await codeOf({}),
      text: await codeOf('worker'),
    };
    const pool = client.newPool({ persistent: true });
    const { worker, api } = startAppWorker();
    await client.share(worker);
    const put = await api.put(pool, 1, 1, 7);
    const into = new Uint8Array(4096);
    const hit = client.get(pool, 1, 1, into) && into.every((b, i) => b === ((7 * 31 + i) & 255));
    worker.terminate();
    await client.close();
    return { codes, put, hit };
  });
  expect(r).toEqual({ codes: { crossOrigin: 'not-supported', nullTarget: 'bad-options', plainObject: 'bad-options', text: 'bad-options' }, put: true, hit: true });
});

test('connectShared gives up with worker-failed when nothing is shared; attachFrom refuses a foreign message', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const { worker: w, api: a } = startAppWorker('?timeout=300');
    const attached = await a.attached();
    const bad = await a.attachBad();
    w.terminate();
    return { attached, bad };
  });
  expect(r.attached).toMatchObject({ code: 'worker-failed' });
  expect((r.attached as { message: string }).message).toContain('within 300 ms');
  expect(r.bad).toMatchObject({ code: 'bad-options' });
});

test('an app worker opens a frontswap area: spills past the budget, loads every page back, holds the area lock', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const { worker, api } = startAppWorker();
    await client.share(worker);
    const opened = await api.fsOpen('worker-spill', { bufferPages: 512 });
    const tiers = await api.fsStore('worker-spill', 0, 256);
    // The page cannot take the area while the worker holds its Web Lock.
    const fromPage = await client.frontswap('worker-spill').then(() => 'opened', (e) => (e as { code: string }).code);
    const check = await api.fsCheck('worker-spill', 0, 256);
    const snap = await client.stats();
    const closed = await api.fsClose('worker-spill');
    // Closed: the lock is free, and a non-durable area comes back empty.
    const again = await client.frontswap('worker-spill');
    const afterClose = again.where(3);
    await again.close();
    worker.terminate();
    await client.close();
    return { opened, tiers, fromPage, check, inSnapshot: snap.frontswap.map((f) => f.name), closed, afterClose };
  });
  expect(r.opened).toBe(4096);
  const tiers = r.tiers as Record<string, number>;
  expect(tiers.false).toBe(0);
  expect(tiers.memory).toBeGreaterThan(0);
  expect(tiers.disk).toBeGreaterThanOrEqual(256 - 64);
  expect(r.fromPage).toBe('area-locked');
  const check = r.check as { where: Record<string, number>; syncOk: number; syncBad: number; syncDiskOnly: number; ok: number; stats: object };
  expect(check.where.memory).toBe(tiers.memory);
  // Synchronously: every memory page, and every spilled page the buffer still holds; the rest
  // (already committed) only from disk. Never wrong bytes.
  expect(check.syncBad).toBe(0);
  expect(check.syncOk).toBeGreaterThanOrEqual(tiers.memory);
  expect(check.syncOk + check.syncDiskOnly).toBe(256);
  expect(check.ok).toBe(256);
  expect(check.stats).toMatchObject({ name: 'worker-spill', stores: 256, failedStores: 0, inFlightPages: 0, diskLoads: tiers.disk, diskPages: tiers.disk });
  expect(r.inSnapshot).toContain('worker-spill');
  expect(r.closed).toBe(true);
  expect(r.afterClose).toBe('absent');
});

test('an app worker terminated with a frontswap area open: its pool is destroyed, so its frames come back', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096, statsIntervalMs: 0 });
    const { worker, api } = startAppWorker();
    await client.share(worker);
    await api.fsOpen('worker-ended', { durable: false });
    const tiers = await api.fsStore('worker-ended', 0, 40);
    const used = async () => (await client.stats()).store.usedFrames;
    const before = await used();
    worker.terminate();
    // The browser releases the worker's holder lock; the store worker then destroys the pool.
    let after = before;
    for (let i = 0; i < 200 && after > 0; i++) {
      await new Promise((res) => setTimeout(res, 25));
      after = await used();
    }
    const events = (await client.stats()).events.map((e) => e.message).filter((m) => m.includes('worker-ended'));
    // The page takes the area (its lock went with the worker) and has the frames for its pages.
    const area = await client.frontswap('worker-ended', { durable: false });
    const fill = (o: number) => { const p = new Uint8Array(4096); for (let i = 0; i < 4096; i++) p[i] = (o * 31 + i) & 255; return p; };
    const pageTiers: Record<string, number> = { memory: 0, disk: 0, false: 0 };
    for (let o = 0; o < 60; o++) pageTiers[String(area.store(o, fill(o)))]++;
    await area.close();
    await client.close();
    return { tiers, before, after, events, pageTiers };
  });
  expect(r.tiers).toEqual({ memory: 40, disk: 0, false: 0 });
  expect(r.before).toBe(40);
  expect(r.after).toBe(0);
  expect(r.events.some((m) => m.includes('was destroyed, freeing its frames'))).toBe(true);
  expect(r.pageTiers).toEqual({ memory: 60, disk: 0, false: 0 });
});

test('an app worker\'s frontswap area writes back when the page lowers the budget', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const { startAppWorker } = (await import('/test/fixtures/app-worker-rpc.ts' as string)) as Rpc;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const { worker, api } = startAppWorker();
    await client.share(worker);
    await api.fsOpen('worker-shrink', {});
    const tiers = await api.fsStore('worker-shrink', 0, 32);
    await client.setBudget(8 * 4096);
    // The worker learns of the lower budget from the store's budget word (notified) and writes
    // back without any further store.
    const stats = (await api.fsWrittenBack('worker-shrink', 24)) as { writtenBackPages: number; memoryPages: number };
    const check = await api.fsCheck('worker-shrink', 0, 32);
    const used = client.storeStats().usedFrames;
    await api.fsClose('worker-shrink');
    worker.terminate();
    await client.close();
    return { tiers, stats, check, used };
  });
  expect(r.tiers).toMatchObject({ memory: 32, disk: 0, false: 0 });
  expect(r.stats.writtenBackPages).toBeGreaterThanOrEqual(24);
  expect(r.stats.memoryPages).toBeLessThanOrEqual(8);
  // Written-back pages load synchronously while buffered, from disk once committed; never wrong.
  expect(r.check).toMatchObject({ syncBad: 0, ok: 32 });
  const check = r.check as { syncOk: number; syncDiskOnly: number };
  expect(check.syncOk + check.syncDiskOnly).toBe(32);
  expect(r.used).toBeLessThanOrEqual(8);
});
