// connect() in shared mode: the synchronous data path on the main thread, the control plane
// (budget, caps, stats), close, and a reload giving a fresh store.
import { test, expect } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

const PAGE = `${ISOLATED}/test/fixtures/connect.html`;
/** The page imports the source through the test server; this keeps its types. */
type App = typeof import('../../app/index.js');

test.beforeEach(async ({ page }) => {
  await page.goto(PAGE);
});

test('shared mode: synchronous put/get on the main thread, stats published on a timer without asking', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 1 << 20 });
    const pool = client.newPool({ persistent: true });
    const page = new Uint8Array(client.pageSize);
    for (let i = 0; i < page.length; i++) page[i] = (i * 7 + 3) & 255;
    const stored = client.put(pool, 42n, 7, page);
    page.fill(0); // put copied: the caller's buffer may be reused at once
    const into = new Uint8Array(client.pageSize);
    const hit = client.get(pool, 42n, 7, into);
    let same = true;
    for (let i = 0; i < into.length; i++) if (into[i] !== ((i * 7 + 3) & 255)) same = false;
    const miss = client.get(pool, 42n, 8, into);
    // Four published snapshots arrive without asking (the rate itself is the publisher's
    // interval: 200 ms unless statsIntervalMs says otherwise).
    let snapshots = 0;
    await new Promise<void>((r) => client.addEventListener('stats', () => { if (++snapshots === 4) r(); }));
    const snap = await client.stats();
    const result = {
      mode: client.mode, isSab: client.buffer instanceof SharedArrayBuffer, stored, hit, same, miss, snapshots,
      lastSeq: client.lastStats?.seq ?? 0, snapMode: snap.mode, totalFrames: snap.store.totalFrames,
      poolPages: snap.store.pools.find((p) => p.id === pool)?.pages, sync: client.storeStats().pools.filter((p) => !p.shared).length, // the store worker's own cleancache pool is shared
    };
    await client.close();
    return result;
  });
  expect(r).toMatchObject({ mode: 'shared', isSab: true, stored: true, hit: true, same: true, miss: false, snapMode: 'shared', totalFrames: 256, poolPages: 1, sync: 1 });
  expect(r.snapshots).toBeGreaterThanOrEqual(4);
  expect(r.lastSeq).toBeGreaterThanOrEqual(4);
});

test('budget: shrinking evicts ephemeral pages, persistent pages stay; a budget event fires; regrowing restores', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const persistent = client.newPool({ persistent: true });
    const ephemeral = client.newPool({ persistent: false, shared: true, uuid: '0123456789abcdef0123456789abcdef' });
    const page = new Uint8Array(4096);
    for (let i = 0; i < 10; i++) { page.fill(i + 1); page[0] = 0; client.put(persistent, 1, i, page); }
    for (let i = 0; i < 40; i++) { page.fill(i + 100); page[0] = 0; client.put(ephemeral, 2, i, page); }
    const events: { reason: string; budgetFrames: number }[] = [];
    const waiters: (() => void)[] = [];
    client.addEventListener('budget', (e) => { events.push({ reason: e.detail.reason, budgetFrames: e.detail.budgetFrames }); waiters.shift()?.(); });
    // The budget message and the call's answer travel on different ports: wait for the event.
    const nextEvent = () => new Promise<void>((r) => waiters.push(r));
    let event = nextEvent();
    const shrunk = await client.setBudget(16 * 4096);
    await event;
    const into = new Uint8Array(4096);
    let persistentOk = 0;
    for (let i = 0; i < 10; i++) if (client.get(persistent, 1, i, into) && into[1] === i + 1) persistentOk++;
    const s = client.storeStats();
    const eph = s.pools.find((p) => p.id === ephemeral)!;
    event = nextEvent();
    const grown = await client.setBudget(1 << 30); // clamped to the capacity
    await event;
    const result = { shrunk, persistentOk, ephPages: eph.pages, ephEvictions: eph.evictions, used: s.usedFrames, budgetFrames: s.budgetFrames, grown, events, last: client.lastBudget.budgetFrames };
    await client.close();
    return result;
  });
  expect(r.shrunk).toMatchObject({ reason: 'owner', ownerFrames: 16, budgetFrames: 16, budgetBytes: 65536, persistentFrames: 10, underPressure: false });
  expect(r.persistentOk).toBe(10);
  expect(r.ephPages).toBeLessThanOrEqual(6);
  expect(r.ephEvictions).toBeGreaterThanOrEqual(34);
  expect(r.used).toBeLessThanOrEqual(16);
  expect(r.budgetFrames).toBe(16);
  expect(r.grown).toMatchObject({ ownerFrames: 64, budgetFrames: 64 });
  expect(r.events).toEqual([{ reason: 'owner', budgetFrames: 16 }, { reason: 'owner', budgetFrames: 64 }]);
  expect(r.last).toBe(64);
});

test('bad input to the control plane arrives as TmemError with its code and disturbs nothing', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, TmemError } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 32 * 4096 });
    const pool = client.newPool({ persistent: true });
    const page = new Uint8Array(4096).fill(9);
    client.put(pool, 5, 5, page);
    const before = await client.budget();
    const errors: unknown[] = [];
    for (const bad of [-1, Number.NaN, Infinity, 'lots' as unknown as number]) {
      try { await client.setBudget(bad); errors.push('resolved'); } catch (e) {
        errors.push(e instanceof TmemError ? (e as InstanceType<App['TmemError']>).code : String(e));
      }
    }
    let statsErr = '';
    try { await client.setStatsInterval(-5); } catch (e) { statsErr = (e as InstanceType<App['TmemError']>).code; }
    let portErr = '';
    try { await client.connectPort({} as MessagePort); } catch (e) { portErr = (e as Error).name; }
    const after = await client.budget();
    const into = new Uint8Array(4096);
    const hit = client.get(pool, 5, 5, into) && into.every((b) => b === 9);
    await client.close();
    return { errors, statsErr, portErr, same: before.budgetFrames === after.budgetFrames && after.budgetFrames === 32, hit };
  });
  expect(r.errors).toEqual(['bad-options', 'bad-options', 'bad-options', 'bad-options']);
  expect(r.statsErr).toBe('bad-options');
  expect(r.portErr).toMatch(/Error/);
  expect(r.same).toBe(true);
  expect(r.hit).toBe(true);
});

test('per-pool caps: puts over maxPages are rejected and counted; setPoolCap lifts the cap', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const pool = client.newPool({ persistent: true, maxPages: 3 });
    const page = new Uint8Array(4096);
    const puts: boolean[] = [];
    for (let i = 0; i < 5; i++) { page.fill(i + 1); page[0] = 0; puts.push(client.put(pool, 1, i, page)); }
    const capped = client.storeStats().pools.find((p) => p.id === pool)!;
    client.setPoolCap(pool, 5);
    page.fill(77); page[0] = 0;
    const afterLift = client.put(pool, 1, 4, page);
    const snap = await client.stats();
    await client.close();
    return { puts, capRejects: capped.capRejects, maxPages: capped.maxPages, pages: capped.pages, afterLift, snapCap: snap.store.pools.find((p) => p.id === pool)!.maxPages };
  });
  expect(r.puts).toEqual([true, true, true, false, false]);
  expect(r).toMatchObject({ capRejects: 2, maxPages: 3, pages: 3, afterLift: true, snapCap: 5 });
});

test('after close(): data calls throw closed, control calls reject closed, close is idempotent', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 16 * 4096 });
    const pool = client.newPool({ persistent: false });
    await client.close();
    await client.close();
    const codes: string[] = [];
    const page = new Uint8Array(4096);
    for (const f of [() => client.put(pool, 1, 1, page), () => client.get(pool, 1, 1, page), () => client.newPool({ persistent: true }), () => client.storeStats()]) {
      try { f(); codes.push('ok'); } catch (e) { codes.push((e as { code: string }).code); }
    }
    for (const f of [() => client.stats(), () => client.setBudget(4096), () => client.share(new MessageChannel().port1)]) {
      try { await f(); codes.push('ok'); } catch (e) { codes.push((e as { code: string }).code); }
    }
    return { codes, closed: client.closed };
  });
  expect(r.codes).toEqual(['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed']);
  expect(r.closed).toBe(true);
});

test('a reload gives a fresh store', async ({ page }) => {
  const first = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 16 * 4096 });
    const pool = client.newPool({ persistent: true });
    client.put(pool, 1, 1, new Uint8Array(4096).fill(3));
    // The store worker makes its cleancache pool (shared) at start; count the page's own.
    return { pool, pages: client.storeStats().pools.filter((p) => !p.shared).length };
  });
  expect(first.pages).toBe(1);
  await page.reload();
  const second = await page.evaluate(async (pool) => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 16 * 4096 });
    const stats = client.storeStats();
    let getCode = '';
    try { client.get(pool, 1, 1, new Uint8Array(4096)); getCode = 'no error'; } catch (e) { getCode = (e as { code: string }).code; }
    const fresh = client.newPool({ persistent: true });
    const hit = client.get(fresh, 1, 1, new Uint8Array(4096));
    await client.close();
    return { pools: stats.pools.filter((p) => !p.shared).length, used: stats.usedFrames, getCode, hit };
  }, first.pool);
  expect(second).toEqual({ pools: 0, used: 0, getCode: 'bad-pool', hit: false });
});

test('connectPort hands the service-worker port to the store worker\'s cleancache service; capacity defaults from deviceMemory', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { connect, defaultCapacityBytes } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts' });
    const { port1, port2 } = new MessageChannel();
    // Sent before the port is handed over: it waits in the port's queue until the service
    // serves the port, and is answered then (a miss: nothing was stored).
    const answer = new Promise<unknown>((r) => { port1.onmessage = (e) => r(e.data); });
    port1.postMessage({ webtmem: 'cc-lookup', id: 7, url: 'https://example.test/nothing-here', headers: [] });
    const held = await client.connectPort(port2);
    const reply = await answer;
    const events = (await client.stats()).events.map((e) => e.message);
    const deviceMemory = (navigator as { deviceMemory?: number }).deviceMemory;
    const result = { held, reply, logged: events.some((m) => m.includes('service-worker port connected')),
      capacity: client.totalFrames * client.pageSize, expected: defaultCapacityBytes(deviceMemory), deviceMemory };
    port1.close();
    await client.close();
    return result;
  });
  expect(r).toMatchObject({ held: 1, reply: { webtmem: 'cc-found', id: 7, record: null }, logged: true });
  expect(r.capacity).toBe(r.expected);
  expect(r.capacity).toBeGreaterThanOrEqual(16 << 20);
});
