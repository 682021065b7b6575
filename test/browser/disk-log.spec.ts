// DiskLog in real Chromium: round trips, packing, durability of deletes, compaction, schema
// checks, bad input and injected faults. Each test gets a fresh context (IndexedDB in memory);
// reload survival on a real disk is in disk-durable.spec.ts.
import { test, expect } from '@playwright/test';
import { openFixture } from './fixtures.js';


test.beforeEach(async ({ page }) => { await openFixture(page, 'disk.html', { ready: 'ready' }); });

test('values of any length round-trip byte-exact, read in random order', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const log = await disk.openDiskLog('roundtrip');
    const lens = [0, 1, 7, 4096, 4096, 5000, 65535, 65536, 65537, 200_000];
    const keys: (number | string)[] = [];
    for (let i = 0; i < 400; i++) keys.push(i % 3 === 0 ? `https://x.test/r/${i}?v=1` : (i * 2654435761) >>> 0);
    keys.push(0, 0xffffffff);
    const lenOf = (i: number) => lens[i % lens.length];
    for (let b = 0; b < keys.length; b += 97) {
      await log.writeBatch(keys.slice(b, b + 97).map((key, j) => ({ key, bytes: bytes(lenOf(b + j), b + j + 1) })));
    }
    const order = keys.map((_, i) => i).sort(() => Math.random() - 0.5);
    let bad = 0;
    for (const i of order.slice(0, 150)) if (!same(await log.read(keys[i]), bytes(lenOf(i), i + 1))) bad++;
    const many = await log.readMany(order.map((i) => keys[i]));
    order.forEach((i, j) => { if (!same(many[j], bytes(lenOf(i), i + 1))) bad++; });
    const s = log.stats();
    return {
      bad, live: s.liveValues, n: keys.length, has: log.has(keys[5]), hasNot: log.has(12345),
      miss: await log.read('https://x.test/none'), keyCount: log.keys().length, dead: s.deadBytes,
    };
  });
  expect(r.bad).toBe(0);
  expect(r.live).toBe(r.n);
  expect(r.keyCount).toBe(r.n);
  expect(r.has).toBe(true);
  expect(r.hasNot).toBe(false);
  expect(r.miss).toBeUndefined();
  expect(r.dead).toBe(0);
});

test('a batch of 64 incompressible pages is one transaction of five records under 64 KiB (15 + 15 + 15 + 15 + 4 pages) plus its journal entry', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, idb } = (window as any).t;
    const log = await disk.openDiskLog('packing');
    let rw = 0;
    const orig = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: any[]) {
      if (args[1] === 'readwrite') rw++;
      return (orig as any).apply(this, args);
    } as any;
    const items = Array.from({ length: 64 }, (_, i) => ({ key: i, bytes: bytes(4096, i + 7) }));
    await log.writeBatch(items);
    IDBDatabase.prototype.transaction = orig;
    await log.close();
    const db = await idb.openDB(log.dbName);
    const sizes = (await db.getAll('records')).map((b: ArrayBuffer) => b.byteLength);
    const journal = await db.getAll('journal');
    db.close();
    return { rw, sizes, entries: journal.length, puts: journal[0].puts.length, stats: log.stats() };
  });
  expect(r.rw).toBe(1);
  expect(r.sizes).toEqual([61440, 61440, 61440, 61440, 16384]);
  expect(r.entries).toBe(1);
  expect(r.puts).toBe(64);
  expect(r.stats.records).toBe(5);
  expect(r.stats.transactions).toBe(1);
});

test('compressible pages go 16 to a 64 KiB record of their own (Chromium compresses it), the others 15 to one; all round-trip, after compaction and reopen too', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same, idb } = (window as any).t;
    const log = await disk.openDiskLog('compressible', { autoCompact: false });
    // Even keys: 2 KiB of random bytes then zeros (Snappy halves it); odd keys: random bytes.
    const value = (k: number) => {
      if (k % 2 === 1) return bytes(4096, k + 1);
      const v = new Uint8Array(4096);
      v.set(bytes(2048, k + 1));
      return v;
    };
    const keys = Array.from({ length: 48 }, (_, k) => k);
    await log.writeBatch(keys.map((key) => ({ key, bytes: value(key) })));
    const db = await idb.openDB(log.dbName);
    const sizes = (await db.getAll('records')).map((b: ArrayBuffer) => b.byteLength);
    db.close();
    let bad = 0;
    const check = async (l: any, live: number[]) => {
      const got = await l.readMany(live);
      live.forEach((k, i) => { if (!same(got[i], value(k))) bad++; });
    };
    await check(log, keys);
    const dead = keys.filter((k) => k % 3 === 0);
    await log.deleteBatch(dead);
    const live = keys.filter((k) => k % 3 !== 0);
    const report = await log.compact({ threshold: 0.2 });
    await check(log, live);
    await log.close();
    const again = await disk.openDiskLog('compressible');
    await check(again, live);
    const gone = (await again.readMany(dead)).filter((v: unknown) => v !== undefined).length;
    const stats = again.stats();
    await again.close();
    return { sizes, bad, compacted: report.records, gone, liveValues: stats.liveValues, deadBytes: stats.deadBytes, n: live.length };
  });
  // In key order: record 0 opens with key 0 (compressible), record 1 with key 1; record 0 is
  // full at key 30 (16 pages), record 1 at key 29 (15), so key 31 opens record 2, key 32 record 3.
  expect(r.sizes).toEqual([65536, 61440, 9 * 4096, 8 * 4096]);
  expect(r.bad).toBe(0);
  expect(r.compacted).toBeGreaterThan(0);
  expect(r.gone).toBe(0);
  expect(r.liveValues).toBe(r.n);
  expect(r.deadBytes).toBe(0);
});

test('overwrites and deletes are durable: a reopened log has no resurrected value', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    let log = await disk.openDiskLog('resurrect', { autoCompact: false });
    await log.writeBatch(Array.from({ length: 100 }, (_, i) => ({ key: i, bytes: bytes(4096, i) })));
    await log.writeBatch(Array.from({ length: 20 }, (_, i) => ({ key: i, bytes: bytes(4096, 1000 + i) })));
    await log.deleteBatch(Array.from({ length: 30 }, (_, i) => 50 + i));
    await log.deleteBatch([9999, 'absent']); // absent keys: ignored
    const before = log.stats();
    await log.close();
    log = await disk.openDiskLog('resurrect');
    let bad = 0;
    for (let i = 0; i < 100; i++) {
      const v = await log.read(i);
      const want = i < 20 ? bytes(4096, 1000 + i) : i >= 50 && i < 80 ? undefined : bytes(4096, i);
      if (want === undefined ? v !== undefined : !same(v, want)) bad++;
    }
    return { bad, before, after: log.stats() };
  });
  expect(r.bad).toBe(0);
  expect(r.after.liveValues).toBe(70);
  expect(r.after.liveBytes).toBe(r.before.liveBytes);
  expect(r.after.deadBytes).toBe(r.before.deadBytes);
  expect(r.after.records).toBe(r.before.records);
});

test('compaction keeps every live value, reduces dead bytes and reports its cost', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const events: any[] = [];
    const log = await disk.openDiskLog('compact', { autoCompact: false, onEvent: (e: any) => events.push(e) });
    await log.writeBatch(Array.from({ length: 256 }, (_, i) => ({ key: i, bytes: bytes(4096, i) })));
    // Kill 3 of every 4 pages, partly by delete and partly by overwrite elsewhere.
    await log.deleteBatch(Array.from({ length: 256 }, (_, i) => i).filter((i) => i % 4 === 1 || i % 4 === 2));
    await log.writeBatch(Array.from({ length: 256 }, (_, i) => i).filter((i) => i % 4 === 3).map((i) => ({ key: i, bytes: bytes(1000, -i) })));
    const before = log.stats();
    const report = await log.compact({ threshold: 0.5 });
    const after = log.stats();
    const check = async (l: any) => {
      let bad = 0;
      for (let i = 0; i < 256; i++) {
        const v = await l.read(i);
        const want = i % 4 === 0 ? bytes(4096, i) : i % 4 === 3 ? bytes(1000, -i) : undefined;
        if (want === undefined ? v !== undefined : !same(v, want)) bad++;
      }
      return bad;
    };
    const bad = await check(log);
    await log.close();
    const reopened = await disk.openDiskLog('compact');
    return { before, after, report, bad, badReopened: await check(reopened), again: reopened.stats(), events: events.map((e) => e.kind) };
  });
  expect(r.bad).toBe(0);
  expect(r.badReopened).toBe(0);
  expect(r.before.deadBytes).toBeGreaterThan(700_000);
  expect(r.after.deadBytes).toBeLessThan(r.before.deadBytes / 10);
  expect(r.after.liveBytes).toBe(r.before.liveBytes);
  expect(r.report.records).toBe(17); // 256 pages in records of 15: the 18th held only page 255, dropped when it died
  expect(r.report.movedValues).toBe(64);
  expect(r.report.reclaimedBytes).toBe(r.before.deadBytes - r.after.deadBytes);
  expect(r.report.ms).toBeGreaterThan(0);
  expect(r.after.compactions).toBe(1);
  expect(r.after.lastCompactionMs).toBe(r.report.ms);
  expect(r.events).toContain('compaction');
  expect(r.again.deadBytes).toBe(r.after.deadBytes);
});

test('automatic compaction and checkpoints keep dead bytes and the journal bounded', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same, idb } = (window as any).t;
    const log = await disk.openDiskLog('auto');
    // Fragment: 256 pages in 16 records, then 3 of every 4 deleted: 75% dead everywhere.
    await log.writeBatch(Array.from({ length: 256 }, (_, i) => ({ key: i, bytes: bytes(4096, i) })));
    await log.deleteBatch(Array.from({ length: 256 }, (_, i) => i).filter((i) => i % 4 !== 0));
    // Churn: 15 batches overwriting the same 300 tiny values: 4,500 journal items.
    for (let round = 0; round < 15; round++) {
      await log.writeBatch(Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, bytes: bytes(16, round * 1000 + i) })));
    }
    await log.compact({ threshold: 1 }); // queued after the automatic work, so it waits for it
    const s = log.stats();
    await log.close();
    const db = await idb.openDB(log.dbName);
    const journalEntries = await db.count('journal');
    db.close();
    const again = await disk.openDiskLog('auto');
    let bad = 0;
    for (let i = 0; i < 256; i++) {
      const v = await again.read(i);
      if (i % 4 === 0 ? !same(v, bytes(4096, i)) : v !== undefined) bad++;
    }
    for (let i = 0; i < 300; i++) if (!same(await again.read(`k${i}`), bytes(16, 14 * 1000 + i))) bad++;
    return { s, bad, journalEntries, live: again.stats().liveValues };
  });
  expect(r.bad).toBe(0);
  expect(r.s.compactions).toBeGreaterThan(0);
  expect(r.s.deadBytes).toBeLessThan(0.5 * r.s.recordBytes);
  expect(r.s.checkpoints).toBeGreaterThan(0);
  expect(r.s.journalItems).toBeLessThan(4096);
  expect(r.journalEntries).toBeLessThan(15);
  expect(r.live).toBe(364);
});

test('a foreign, newer or corrupted database under the name is reported, not misread', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, idb, bytes } = (window as any).t;
    const code = async (name: string) => {
      try { await disk.openDiskLog(name); return 'opened'; } catch (e: any) { return e.code ?? e.name; }
    };
    const foreign = await idb.openDB('webtmem-log:foreign', 1, { upgrade(db: IDBDatabase) { db.createObjectStore('stuff'); } });
    await foreign.put('stuff', 'precious', 'k');
    foreign.close();
    const newer = await idb.openDB('webtmem-log:newer', 7, { upgrade(db: IDBDatabase) { db.createObjectStore('records'); } });
    newer.close();
    // Ours, then a journal entry overwritten with garbage, and another with a record removed.
    for (const name of ['garbage', 'lost-record']) {
      const log = await disk.openDiskLog(name);
      await log.writeBatch([{ key: 1, bytes: bytes(4096, 1) }]);
      await log.close();
    }
    const g = await idb.openDB('webtmem-log:garbage');
    await g.put('journal', { kind: 'append', recs: 'x' }, 0);
    g.close();
    const l = await idb.openDB('webtmem-log:lost-record');
    await l.clear('records');
    l.close();
    const wrongMagic = await idb.openDB('webtmem-log:magic', 1, {
      upgrade(db: IDBDatabase) { for (const s of ['meta', 'records', 'journal']) db.createObjectStore(s); },
    });
    await wrongMagic.put('meta', { magic: 'someone-else', schema: 1, recordBytes: 65536 }, 'format');
    wrongMagic.close();
    const codes = {
      foreign: await code('foreign'), newer: await code('newer'), garbage: await code('garbage'),
      lost: await code('lost-record'), magic: await code('magic'),
    };
    const f = await idb.openDB('webtmem-log:foreign');
    const kept = await f.get('stuff', 'k');
    f.close();
    let message = '';
    try { await disk.openDiskLog('foreign'); } catch (e: any) { message = e.message; }
    return { codes, kept, message };
  });
  expect(r.codes).toEqual({ foreign: 'bad-database', newer: 'bad-database', garbage: 'bad-database', lost: 'bad-database', magic: 'bad-database' });
  expect(r.kept).toBe('precious');
  expect(r.message).toContain('webtmem-log:foreign');
});

test('bad names, keys, values and options are refused with a code and disturb nothing', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const codeOf = async (f: () => unknown) => {
      try { await f(); return 'accepted'; } catch (e: any) { return e.code ?? e.name; }
    };
    const log = await disk.openDiskLog('input');
    await log.writeBatch([{ key: 5, bytes: bytes(4096, 5) }, { key: 'a', bytes: bytes(10, 6) }]);
    const before = JSON.stringify(log.stats());
    const page4k = bytes(4096, 1);
    const codes = {
      emptyName: await codeOf(() => disk.openDiskLog('')),
      longName: await codeOf(() => disk.openDiskLog('x'.repeat(201))),
      numberName: await codeOf(() => disk.openDiskLog(42)),
      recordBytes: await codeOf(() => disk.openDiskLog('input', { recordBytes: 100 })),
      negative: await codeOf(() => log.writeBatch([{ key: -1, bytes: page4k }])),
      fraction: await codeOf(() => log.writeBatch([{ key: 1.5, bytes: page4k }])),
      tooBig: await codeOf(() => log.writeBatch([{ key: 2 ** 32, bytes: page4k }])),
      emptyString: await codeOf(() => log.read('')),
      objectKey: await codeOf(() => log.deleteBatch([{}])),
      // One bad item refuses the whole batch, the good key 5 included.
      arrayValue: await codeOf(() => log.writeBatch([{ key: 5, bytes: bytes(4096, 9) }, { key: 6, bytes: [1, 2, 3] }])),
      stringValue: await codeOf(() => log.writeBatch([{ key: 6, bytes: 'abc' }])),
      nullValue: await codeOf(() => log.writeBatch([{ key: 6, bytes: null }])),
      notArray: await codeOf(() => log.writeBatch({ key: 6 })),
      threshold: await codeOf(() => log.compact({ threshold: 2 })),
    };
    const after = JSON.stringify(log.stats());
    const intact = same(await log.read(5), bytes(4096, 5)) && same(await log.read('a'), bytes(10, 6)) && !log.has(6);
    await log.close();
    const closed = await codeOf(() => log.writeBatch([{ key: 1, bytes: page4k }]));
    return { codes, same: before === after, intact, closed };
  });
  expect(r.codes).toEqual({
    emptyName: 'bad-name', longName: 'bad-name', numberName: 'bad-name', recordBytes: 'bad-options',
    negative: 'bad-offset', fraction: 'bad-offset', tooBig: 'bad-offset', emptyString: 'bad-offset', objectKey: 'bad-offset',
    arrayValue: 'bad-page-size', stringValue: 'bad-page-size', nullValue: 'bad-page-size', notArray: 'bad-options',
    threshold: 'bad-options',
  });
  expect(r.same).toBe(true);
  expect(r.intact).toBe(true);
  expect(r.closed).toBe('closed');
});

test('injected disk faults fail the write, change nothing, are counted, and clear', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const events: string[] = [];
    const log = await disk.openDiskLog('faults', { onEvent: (e: any) => events.push(e.kind) });
    await log.writeBatch([{ key: 1, bytes: bytes(4096, 1) }]);
    const out: Record<string, string> = {};
    for (const name of ['QuotaExceededError', 'AbortError', 'closed']) {
      log.injectFault({ count: 1, name });
      try { await log.writeBatch([{ key: 2, bytes: bytes(4096, 2) }]); out[name] = 'accepted'; } catch (e: any) { out[name] = e.name; }
      out[name + ':has2'] = String(log.has(2));
    }
    const failed = log.stats();
    await log.writeBatch([{ key: 2, bytes: bytes(4096, 2) }]);
    await log.deleteBatch([1]);
    await log.close();
    const again = await disk.openDiskLog('faults');
    return {
      out, errors: failed.errors, lastError: failed.lastError, events,
      ok: same(await again.read(2), bytes(4096, 2)) && !again.has(1),
    };
  });
  expect(r.out).toEqual({
    QuotaExceededError: 'QuotaExceededError', 'QuotaExceededError:has2': 'false',
    AbortError: 'AbortError', 'AbortError:has2': 'false',
    closed: 'InvalidStateError', 'closed:has2': 'false',
  });
  expect(r.errors).toBe(3);
  expect(r.lastError).toContain('InvalidStateError');
  expect(r.events.filter((k) => k === 'disk-error').length).toBe(3);
  expect(r.events).toContain('disk-recovered');
  expect(r.ok).toBe(true);
});

test('two connections to one log interleave writes safely; refresh shows the other side', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const a = await disk.openDiskLog('shared-log');
    const b = await disk.openDiskLog('shared-log');
    await a.writeBatch([{ key: 1, bytes: bytes(4096, 1) }, { key: 2, bytes: bytes(4096, 2) }]);
    await b.writeBatch([{ key: 3, bytes: bytes(4096, 3) }]); // catches up with a's entry first
    await a.deleteBatch([2]);
    const bStale = b.has(2);
    await b.refresh();
    const c = await disk.openDiskLog('shared-log');
    const ok = same(await c.read(1), bytes(4096, 1)) && same(await c.read(3), bytes(4096, 3)) && !c.has(2);
    return { ok, bStale, bNow: b.has(2), bKeys: b.keys().sort(), aSees3: same(await a.read(3), bytes(4096, 3)) };
  });
  expect(r.ok).toBe(true);
  expect(r.bStale).toBe(true);
  expect(r.bNow).toBe(false);
  expect(r.bKeys).toEqual([1, 3]);
  expect(r.aSees3).toBe(true); // a caught up with b's entry when it wrote its delete
});
