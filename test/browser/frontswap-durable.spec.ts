// Durable frontswap areas on a real disk (persistent contexts): a durable area reopens with all
// committed pages after a reload and after a browser restart; a non-durable one is empty on open.
import { test, expect, chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath, ISOLATED } from '../../playwright.config.js';

const URL = `${ISOLATED}/test/fixtures/frontswap.html`;

async function launch(dir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(URL);
  await page.waitForFunction(() => (window as any).ready === true);
  return { context, page };
}

/** Opens both areas, checks every page a previous session committed, writes the next session's. */
async function session(page: Page, round: number) {
  return page.evaluate(async (round) => {
    const { connect, pageOf, same } = (window as any).t;
    const client = await connect({ capacityBytes: 32 * 4096 });
    const durable = await client.frontswap('keep', { durable: true });
    const plain = await client.frontswap('scratch');
    const into = new Uint8Array(4096);
    // What the previous round left: offsets 0..99 at version round-1, 100+round-1 invalidated.
    let ok = 0;
    let where: Record<string, number> = {};
    if (round > 0) {
      for (let o = 0; o < 100; o++) {
        const w = durable.where(o);
        where[w] = (where[w] ?? 0) + 1;
        if ((await durable.load(o, into)) && same(into, pageOf(4096, o, round - 1))) ok++;
      }
    }
    const invalidatedGone = round === 0 || durable.where(100 + round - 1) === 'absent';
    const plainEmpty = [...Array(100).keys()].every((o) => plain.where(o) === 'absent');
    const tiers: Record<string, number> = {};
    for (let o = 0; o < 100; o++) {
      const t = String(durable.store(o, pageOf(4096, o, round)));
      tiers[t] = (tiers[t] ?? 0) + 1;
      plain.store(o, pageOf(4096, o, round));
    }
    durable.store(100 + round, pageOf(4096, 100 + round, round));
    durable.invalidatePage(100 + round);
    await durable.flush();
    await plain.flush();
    const s = await durable.refreshStats();
    (window as any).keep = durable;
    return { ok, where, invalidatedGone, plainEmpty, tiers, diskPages: s.diskPages, storage: durable.storage };
  }, round);
}

test('a durable area survives a reload and a browser restart; a non-durable one is empty on open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'webtmem-fs-'));
  try {
    let { context, page } = await launch(dir);
    const s0 = await session(page, 0);
    expect(s0.tiers).toEqual({ memory: 16, disk: 84 }); // two areas share 32 frames, the rest spilled
    expect(s0.diskPages).toBe(100); // writethrough: every page on disk
    expect(s0.storage.quota).toBeGreaterThan(0);

    await page.reload();
    await page.waitForFunction(() => (window as any).ready === true);
    const s1 = await session(page, 1);
    expect(s1).toMatchObject({ ok: 100, where: { disk: 100 }, invalidatedGone: true, plainEmpty: true, diskPages: 100 });

    await context.close();
    ({ context, page } = await launch(dir));
    const s2 = await session(page, 2);
    expect(s2).toMatchObject({ ok: 100, where: { disk: 100 }, invalidatedGone: true, plainEmpty: true, diskPages: 100 });

    // invalidateArea removes the durable pages too.
    const cleared = await page.evaluate(async () => {
      const { connect, codeOf } = (window as any).t;
      const client = await connect();
      const locked = await codeOf(() => client.frontswap('keep', { durable: true }));
      await (window as any).keep.close();
      const a = await client.frontswap('keep', { durable: true });
      const before = a.where(5);
      await a.invalidateArea();
      const b = await client.frontswap('keep', { durable: true });
      return { locked, before, after: b.where(5), pages: (await b.refreshStats()).diskPages };
    });
    expect(cleared).toEqual({ locked: 'area-locked', before: 'disk', after: 'absent', pages: 0 });
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second tab takes over a durable area after the first closes it, with every committed page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'webtmem-fs-'));
  try {
    const { context, page } = await launch(dir);
    await page.evaluate(async () => {
      const { connect, pageOf } = (window as any).t;
      const client = await connect({ capacityBytes: 16 * 4096 });
      const a = await client.frontswap('handover', { durable: true });
      for (let o = 0; o < 40; o++) a.store(o * 7, pageOf(4096, o * 7));
      (window as any).a = a;
    });
    const other = await context.newPage();
    await other.goto(URL);
    await other.waitForFunction(() => (window as any).ready === true);
    const waiting = other.evaluate(async () => {
      const { connect, pageOf, same } = (window as any).t;
      const client = await connect();
      const a = await client.frontswap('handover', { durable: true, wait: true });
      const into = new Uint8Array(4096);
      let ok = 0;
      for (let o = 0; o < 40; o++) if ((await a.load(o * 7, into)) && same(into, pageOf(4096, o * 7))) ok++;
      return ok;
    });
    await page.evaluate(() => (window as any).a.close()); // commits the buffer, then releases
    expect(await waiting).toBe(40);
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
