// 'local' mode: a page that is not crossOriginIsolated still gets the synchronous store, on its
// own thread over a plain ArrayBuffer, with one console warning saying why and how to fix it.
import { test, expect } from '@playwright/test';
import { PLAIN } from '../../playwright.config.js';

type App = typeof import('../../app/index.js');

test('not isolated: local mode, one warning, same synchronous API, policies work, no sharing', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(`${PLAIN}/test/fixtures/connect.html`);
  const r = await page.evaluate(async () => {
    const { connect } = (await import('/app/index.ts' as string)) as App;
    const client = await connect({ workerUrl: '/worker/store-worker.ts', capacityBytes: 32 * 4096 });
    const again = await connect({ capacityBytes: 16 * 4096 });
    const isolated = crossOriginIsolated;
    const persistent = client.newPool({ persistent: true });
    const ephemeral = client.newPool({ persistent: false });
    const page = new Uint8Array(4096);
    for (let i = 0; i < 4; i++) { page.fill(i + 1); page[0] = 0; client.put(persistent, 1, i, page); }
    for (let i = 0; i < 20; i++) { page.fill(i + 9); page[0] = 0; client.put(ephemeral, 1, i, page); }
    const into = new Uint8Array(4096);
    const hit = client.get(persistent, 1, 2, into) && into[5] === 3;
    const budgetEvent = new Promise<number>((r) => client.addEventListener('budget', (e) => r(e.detail.budgetFrames), { once: true }));
    const set = await client.setBudget(8 * 4096);
    const eventFrames = await budgetEvent;
    const s = client.storeStats();
    const snap = await client.stats();
    // Two published snapshots (the timer's, not the ones asked for).
    await new Promise<void>((r) => {
      if ((client.lastStats?.seq ?? 0) >= 2) r();
      else client.addEventListener('stats', (e) => { if (e.detail.seq >= 2) r(); });
    });
    const codes: string[] = [];
    try { await client.share(new MessageChannel().port1); codes.push('shared'); } catch (e) { codes.push((e as { code: string }).code); }
    try { await connect({ mode: 'shared', workerUrl: '/worker/store-worker.ts' }); codes.push('connected'); } catch (e) { codes.push((e as { code: string }).code); }
    let badBudget = '';
    try { await client.setBudget(-3); } catch (e) { badBudget = (e as { code: string }).code; }
    const result = {
      isolated, mode: client.mode, modeAgain: again.mode, plainBuffer: typeof SharedArrayBuffer === 'undefined' && client.buffer instanceof ArrayBuffer,
      hit, budgetFrames: set.budgetFrames, eventFrames, used: s.usedFrames, persistentPages: s.pools.find((p) => p.id === persistent)!.pages,
      snapMode: snap.mode, published: (client.lastStats?.seq ?? 0) >= 2, codes, badBudget, budgetAfterBad: client.budgetFrames,
    };
    await client.close();
    await again.close();
    let afterClose = '';
    try { client.put(persistent, 1, 9, page); } catch (e) { afterClose = (e as { code: string }).code; }
    return { ...result, afterClose };
  });
  expect(r).toMatchObject({
    isolated: false, mode: 'local', modeAgain: 'local', plainBuffer: true, hit: true, budgetFrames: 8, eventFrames: 8,
    persistentPages: 4, snapMode: 'local', published: true, codes: ['not-supported', 'not-supported'], badBudget: 'bad-options', budgetAfterBad: 8, afterClose: 'closed',
  });
  expect(r.used).toBeLessThanOrEqual(8);
  const ours = warnings.filter((w) => w.startsWith('webtmem:'));
  expect(ours).toHaveLength(1);
  expect(ours[0]).toContain('not crossOriginIsolated');
  expect(ours[0]).toContain('Cross-Origin-Embedder-Policy');
  expect(ours[0]).toContain('isolation option');
});
