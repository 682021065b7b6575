// connect() in Firefox: shared mode (store worker, SharedArrayBuffer, synchronous data path on
// the main thread), local mode on a page that is not cross-origin isolated, and an app worker
// sharing the page's store. The same paths as test/browser/connect*.spec.ts and share.spec.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFirefox, until, ISOLATED, PLAIN, TIMEOUT } from './firefox.mjs';

const newPage = useFirefox();

test('shared mode: synchronous put/get on the main thread over a SharedArrayBuffer, stats published, close', { timeout: TIMEOUT }, async (t) => {
  const page = await newPage(t);
  await page.goto(`${ISOLATED}/test/fixtures/connect.html`);
  await page.evaluate(async () => {
    const { connect } = await import('/app/index.ts');
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 1 << 20, statsIntervalMs: 100 });
    window.client = client;
    window.snapshots = 0;
    client.addEventListener('stats', () => window.snapshots++);
  });
  // The store worker publishes snapshots on its own timer: wait for a few.
  await until(page, () => window.snapshots >= 3);
  const r = await page.evaluate(async () => {
    const client = window.client;
    const pool = client.newPool({ persistent: true });
    const data = new Uint8Array(client.pageSize);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 255;
    const stored = client.put(pool, 42n, 7, data);
    data.fill(0); // put copied: the caller's buffer may be reused at once
    const into = new Uint8Array(client.pageSize);
    const hit = client.get(pool, 42n, 7, into);
    const same = into.every((b, i) => b === ((i * 7 + 3) & 255));
    const miss = client.get(pool, 42n, 8, into);
    const snap = await client.stats();
    const result = {
      isolated: crossOriginIsolated, mode: client.mode, isSab: client.buffer instanceof SharedArrayBuffer, stored, hit, same, miss,
      snapMode: snap.mode, totalFrames: snap.store.totalFrames, poolPages: snap.store.pools.find((p) => p.id === pool)?.pages,
    };
    await client.close();
    let afterClose = '';
    try { client.get(pool, 42n, 7, into); afterClose = 'no error'; } catch (e) { afterClose = e.code; }
    return { ...result, afterClose };
  });
  assert.deepEqual(r, {
    isolated: true, mode: 'shared', isSab: true, stored: true, hit: true, same: true, miss: false,
    snapMode: 'shared', totalFrames: 256, poolPages: 1, afterClose: 'closed',
  });
});

test('not isolated: local mode, one console warning, the same synchronous API, no sharing', { timeout: TIMEOUT }, async (t) => {
  const page = await newPage(t);
  const warnings = [];
  let warned;
  const firstWarning = new Promise((resolve) => { warned = resolve; });
  page.on('console', (m) => {
    if (m.type() !== 'warn' && m.type() !== 'warning') return;
    warnings.push(m.text());
    if (m.text().startsWith('webtmem:')) warned();
  });
  await page.goto(`${PLAIN}/test/fixtures/connect.html`);
  const r = await page.evaluate(async () => {
    const { connect } = await import('/app/index.ts');
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 32 * 4096 });
    const persistent = client.newPool({ persistent: true });
    const ephemeral = client.newPool({ persistent: false });
    const data = new Uint8Array(4096);
    for (let i = 0; i < 4; i++) { data.fill(i + 1); data[0] = 0; client.put(persistent, 1, i, data); }
    for (let i = 0; i < 20; i++) { data.fill(i + 9); data[0] = 0; client.put(ephemeral, 1, i, data); }
    const into = new Uint8Array(4096);
    const hit = client.get(persistent, 1, 2, into) && into[5] === 3;
    const set = await client.setBudget(8 * 4096);
    const s = client.storeStats();
    let shareCode = '';
    try { await client.share(new MessageChannel().port1); shareCode = 'shared'; } catch (e) { shareCode = e.code; }
    const result = {
      isolated: crossOriginIsolated, mode: client.mode, plainBuffer: typeof SharedArrayBuffer === 'undefined' && client.buffer instanceof ArrayBuffer,
      hit, budgetFrames: set.budgetFrames, withinBudget: s.usedFrames <= 8, persistentPages: s.pools.find((p) => p.id === persistent).pages, shareCode,
    };
    await client.close();
    return result;
  });
  assert.deepEqual(r, { isolated: false, mode: 'local', plainBuffer: true, hit: true, budgetFrames: 8, withinBudget: true, persistentPages: 4, shareCode: 'not-supported' });
  // Console entries reach us as events of their own, possibly after evaluate() returned.
  let timer;
  await Promise.race([firstWarning, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no webtmem: warning within 10 s; warnings: ${JSON.stringify(warnings)}`)), 10_000);
  })]).finally(() => clearTimeout(timer));
  const ours = warnings.filter((w) => w.startsWith('webtmem:'));
  assert.equal(ours.length, 1, `webtmem warnings: ${JSON.stringify(warnings)}`);
  assert.match(ours[0], /not crossOriginIsolated/);
  assert.match(ours[0], /Cross-Origin-Embedder-Policy/);
});

test('an app worker shares the page\'s store: each sees the other\'s pages, the store worker counts both', { timeout: TIMEOUT }, async (t) => {
  const page = await newPage(t);
  await page.goto(`${ISOLATED}/test/fixtures/connect.html`);
  const r = await page.evaluate(async () => {
    const { connect } = await import('/app/index.ts');
    const { startAppWorker } = await import('/test/fixtures/app-worker-rpc.ts');
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 64 * 4096 });
    const { worker, api } = startAppWorker();
    await client.share(worker);
    const pool = client.newPool({ persistent: true });
    // The worker fills pages as (seed * 31 + i) & 255 and answers a page's seed.
    const fill = (seed) => { const p = new Uint8Array(4096); for (let i = 0; i < 4096; i++) p[i] = (seed * 31 + i) & 255; return p; };
    const pagePut = client.put(pool, 9, 0, fill(10));
    const workerPut = await api.put(pool, 9, 1, 11);
    const into = new Uint8Array(4096);
    const pageSees = client.get(pool, 9, 1, into) && into.every((b, i) => b === fill(11)[i]);
    const workerSees = await api.get(pool, 9, 0);
    const workerMisses = await api.get(pool, 9, 2);
    const snap = await client.stats();
    const inStore = snap.store.pools.find((p) => p.id === pool);
    await client.close();
    const afterClose = await api.get(pool, 9, 0);
    worker.terminate();
    return { pagePut, workerPut, pageSees, workerSees, workerMisses, storePages: inStore.pages, storePuts: inStore.succPuts, afterClose: afterClose?.code };
  });
  assert.deepEqual(r, { pagePut: true, workerPut: true, pageSees: true, workerSees: 10, workerMisses: null, storePages: 2, storePuts: 2, afterClose: 'closed' });
});
