// connect() refusing bad setups within a bounded time, and the client noticing a dead store
// worker (terminated or crashed) while its memory keeps working.
import { test, expect, type Page } from '@playwright/test';
import { ISOLATED } from '../../playwright.config.js';

type App = typeof import('../../app/index.js');
type Spy = typeof import('../fixtures/worker-spy.js');

test.beforeEach(async ({ page }) => {
  await page.goto(`${ISOLATED}/test/fixtures/connect.html`);
});

/** Runs connect(options) in the page; returns the error code, message and time taken. */
async function connectError(page: Page, options: unknown, setup?: string) {
  return page.evaluate(async ({ options, setup }) => {
    if (setup === 'no-worker') (window as { Worker?: unknown }).Worker = undefined;
    const { connect, TmemError } = (await import('/app/index.ts' as string)) as App;
    const t0 = performance.now();
    try {
      const c = await connect(options as Parameters<App['connect']>[0]);
      return { code: 'connected', mode: c.mode, message: '', ms: performance.now() - t0 };
    } catch (e) {
      return { code: e instanceof TmemError ? e.code : `not a TmemError: ${String(e)}`, mode: '', message: (e as Error).message, ms: performance.now() - t0 };
    }
  }, { options, setup });
}

test('a worker URL that 404s fails with worker-failed from the load error, not the timeout', async ({ page }) => {
  const r = await connectError(page, { workerUrl: '/no/such-worker.js', capacityBytes: 65536, timeoutMs: 600_000 });
  expect(r.code).toBe('worker-failed');
  expect(r.message).toContain('/no/such-worker.js');
  expect(r.message).toContain('failed to start');
});

test('a worker that fails while starting (it reports fatal) fails connect() with its reason at once, not at the timeout', async ({ page }) => {
  const r = await connectError(page, { workerUrl: '/test/fixtures/fatal-worker.ts', capacityBytes: 65536, timeoutMs: 600_000 });
  expect(r.code).toBe('worker-failed');
  expect(r.message).toContain('boom while starting');
});

test('a worker that never answers fails with worker-failed after timeoutMs', async ({ page }) => {
  const r = await connectError(page, { workerUrl: '/test/fixtures/silent-worker.ts', capacityBytes: 65536, timeoutMs: 400 });
  expect(r.code).toBe('worker-failed');
  expect(r.message).toContain('did not answer within 400 ms');
  // Not before the bound (a lower bound holds on any machine; how soon after is the bench's).
  expect(r.ms).toBeGreaterThanOrEqual(390);
});

test('a worker that answers with a buffer of another layout fails with bad-buffer at once, not at the timeout', async ({ page }) => {
  const r = await connectError(page, { workerUrl: '/test/fixtures/foreign-store-worker.ts', capacityBytes: 65536, timeoutMs: 600_000 });
  expect(r.code).toBe('bad-buffer');
  expect(r.message).toContain('not a webtmem store');
});

test('bad options are refused with bad-options, before or inside the worker', async ({ page }) => {
  const url = '/worker/store-worker.ts';
  for (const options of [
    { workerUrl: url, capacityBytes: -1 },
    { workerUrl: url, capacityBytes: 1.5 },
    { workerUrl: url, capacityBytes: 65536, budgetBytes: 65537 },
    { workerUrl: url, capacityBytes: 65536, pageSize: 3000 }, // checked by the core, in the worker
    { workerUrl: url, capacityBytes: 65536, pressure: { fraction: 2 } },
    { workerUrl: url, mode: 'sometimes' },
    { workerUrl: url, timeoutMs: 0 },
    { workerUrl: url, timeoutMs: 2 ** 31 }, // a timer would fire at once
    { workerUrl: url, capacityBytes: 65536, statsIntervalMs: 2 ** 31 },
  ]) {
    const r = await connectError(page, options);
    expect(r.code, JSON.stringify(options)).toBe('bad-options');
  }
  expect((await connectError(page, null)).code).toBe('bad-options');
});

test('without Worker: mode shared is refused with not-supported; auto falls back to local', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  const shared = await connectError(page, { mode: 'shared', capacityBytes: 65536 }, 'no-worker');
  expect(shared.code).toBe('not-supported');
  expect(shared.message).toContain('Worker');
  const auto = await connectError(page, { capacityBytes: 65536 }, 'no-worker');
  expect(auto).toMatchObject({ code: 'connected', mode: 'local' });
  await expect.poll(() => warnings.length).toBe(1);
  expect(warnings[0]).toContain('Worker');
});

for (const how of ['terminate', 'crash'] as const) {
  test(`the store worker dying (${how}): an event fires, data calls keep working, control calls reject`, async ({ page }) => {
    const r = await page.evaluate(async (how) => {
      // Keep a handle on the store worker: connect() does not expose it.
      const { keepWorkers } = (await import('/test/fixtures/worker-spy.ts' as string)) as Spy;
      const workers = keepWorkers();
      const { connect } = (await import('/app/index.ts' as string)) as App;
      const client = await connect({ workerUrl: how === 'crash' ? '/test/fixtures/crash-store-worker.ts' : '/worker/store-worker.ts', capacityBytes: 32 * 4096 });
      const pool = client.newPool({ persistent: true });
      client.put(pool, 1, 1, new Uint8Array(4096).fill(5));
      await client.stats();
      const gone = new Promise<{ reason: string }>((resolve) => {
        client.addEventListener('worker-gone', (e) => resolve({ reason: e.detail.reason }));
      });
      if (how === 'terminate') workers[0].terminate();
      else workers[0].postMessage({ test: 'crash' });
      const event = await gone;
      const into = new Uint8Array(4096);
      const hit = client.get(pool, 1, 1, into) && into[100] === 5;
      const put = client.put(pool, 1, 2, new Uint8Array(4096).fill(6));
      const hit2 = client.get(pool, 1, 2, into) && into[100] === 6;
      const codes: string[] = [];
      for (const f of [() => client.stats(), () => client.setBudget(4096), () => client.budget()]) {
        try { await f(); codes.push('ok'); } catch (e) { codes.push((e as { code: string }).code); }
      }
      const result = { event, hit, put, hit2, codes, workerGone: client.workerGone, lastStats: client.lastStats !== null };
      await client.close();
      let afterClose = '';
      try { client.get(pool, 1, 1, into); } catch (e) { afterClose = (e as { code: string }).code; }
      return { ...result, afterClose };
    }, how);
    if (how === 'crash') expect(r.event.reason).toContain('test-induced crash');
    expect(r).toMatchObject({ hit: true, put: true, hit2: true, workerGone: true, lastStats: true, afterClose: 'closed' });
    expect(r.codes).toEqual(['worker-gone', 'worker-gone', 'worker-gone']);
  });
}

test('control calls in flight when the store worker dies reject worker-gone; in flight at close(), closed', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { keepWorkers, hang } = (await import('/test/fixtures/worker-spy.ts' as string)) as Spy;
    const workers = keepWorkers();
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const outcome = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e as { code?: string }).code ?? String(e));
    /** A client whose store worker blocks for good: its control calls stay in flight. */
    const hungClient = async () => {
      const client = await connect({ workerUrl: '/test/fixtures/crash-store-worker.ts', capacityBytes: 16 * 4096 });
      const worker = workers[workers.length - 1];
      await hang(worker);
      return { client, worker };
    };
    const a = await hungClient();
    const inFlight = [outcome(a.client.stats()), outcome(a.client.budget()), outcome(a.client.setBudget(4096))];
    a.worker.terminate();
    const gone = await Promise.all(inFlight);
    await a.client.close();
    const b = await hungClient();
    const atClose = [outcome(b.client.stats()), outcome(b.client.setStatsInterval(100))];
    await b.client.close();
    return { gone, closed: await Promise.all(atClose) };
  });
  expect(r.gone).toEqual(['worker-gone', 'worker-gone', 'worker-gone']);
  expect(r.closed).toEqual(['closed', 'closed']);
});

test('close() after the worker died: calls report closed, not worker-gone', async ({ page }) => {
  const codes = await page.evaluate(async () => {
    const { keepWorkers } = (await import('/test/fixtures/worker-spy.ts' as string)) as Spy;
    const workers = keepWorkers();
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 16 * 4096 });
    const gone = new Promise((r) => client.addEventListener('worker-gone', r));
    workers[0].terminate();
    await gone;
    await client.close();
    const out: string[] = [];
    try { await client.stats(); } catch (e) { out.push((e as { code: string }).code); }
    try { client.newPool({ persistent: true }); } catch (e) { out.push((e as { code: string }).code); }
    return out;
  });
  expect(codes).toEqual(['closed', 'closed']);
});
