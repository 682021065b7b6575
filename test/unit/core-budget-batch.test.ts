import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { attach, createStore } from '../../worker/core/index.js';
import { PS, UUID, coreForWorkers, makeStore, pageOf, same } from './helpers.js';

describe('budget', () => {
  it('lowering evicts ephemeral pages at once and persistent puts fail until under budget', () => {
    const t = makeStore(32);
    const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
    const p = t.newPool({ persistent: true });
    for (let i = 0; i < 16; i++) t.put(e, 0, i, pageOf(i));
    for (let i = 0; i < 12; i++) t.put(p, 0, i, pageOf(100 + i));
    expect(t.stats().usedFrames).toBe(28);
    expect(t.setBudget(8)).toBe(8);
    let s = t.stats();
    expect(s.budgetFrames).toBe(8);
    expect(s.ephemeralFrames).toBe(0); // all evicted at once
    expect(s.persistentFrames).toBe(12); // never evicted
    expect(s.usedFrames).toBe(12);
    expect(t.put(p, 0, 50, pageOf(50))).toBe(false);
    expect(t.put(e, 0, 50, pageOf(50))).toBe(false);
    // Same-filled pages need no frame: still accepted.
    expect(t.put(p, 0, 51, new Uint8Array(PS))).toBe(true);
    const out = new Uint8Array(PS);
    for (let i = 0; i < 12; i++) { expect(t.get(p, 0, i, out)).toBe(true); expect(same(out, pageOf(100 + i))).toBe(true); }
    // The owner writes back (here: flushes) persistent pages; puts work again under budget.
    for (let i = 0; i < 5; i++) t.flushPage(p, 0, i);
    expect(t.put(p, 0, 60, pageOf(60))).toBe(true);
    expect(t.put(p, 0, 61, pageOf(61))).toBe(false);
    s = t.stats();
    expect(s.usedFrames).toBe(8);
  });

  it('raising the budget (clamped to what was allocated) lets puts in again', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    t.setBudget(2);
    expect(t.put(p, 0, 0, pageOf(0))).toBe(true);
    expect(t.put(p, 0, 1, pageOf(1))).toBe(true);
    expect(t.put(p, 0, 2, pageOf(2))).toBe(false);
    expect(t.setBudget(1e9)).toBe(8);
    for (let i = 2; i < 8; i++) expect(t.put(p, 0, i, pageOf(i))).toBe(true);
    expect(t.put(p, 0, 8, pageOf(8))).toBe(false);
    expect(t.setBudget(0)).toBe(0);
    expect(t.stats().usedFrames).toBe(8);
  });

  it('ephemeral puts at the budget evict other ephemeral pages', () => {
    const t = makeStore(16);
    const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
    t.setBudget(4);
    for (let i = 0; i < 40; i++) expect(t.put(e, 0, i, pageOf(i))).toBe(true);
    const s = t.stats();
    expect(s.usedFrames).toBe(4);
    expect(s.pools[0].evictions).toBe(36);
    expect(s.pools[0].pages).toBe(4);
  });
});

describe('pool caps', () => {
  it('puts over a pool cap are rejected and counted; replacing a page is allowed', () => {
    const t = makeStore(16);
    const p = t.newPool({ persistent: true, maxPages: 3 });
    for (let i = 0; i < 3; i++) expect(t.put(p, 0, i, pageOf(i))).toBe(true);
    expect(t.put(p, 0, 3, pageOf(3))).toBe(false);
    expect(t.put(p, 0, 4, new Uint8Array(PS))).toBe(false);
    expect(t.put(p, 0, 1, pageOf(9))).toBe(true);
    let s = t.stats().pools[0];
    expect([s.capRejects, s.failedPuts, s.pages, s.maxPages]).toEqual([2, 2, 3, 3]);
    t.setPoolCap(p, 0);
    expect(t.put(p, 0, 3, pageOf(3))).toBe(true);
    s = t.stats().pools[0];
    expect([s.pages, s.maxPages]).toEqual([4, 0]);
  });

  it('threads putting into one capped pool at once never take it past its cap', async () => {
    // The cap is checked and the page counted by one atomic add, so two puts into different
    // buckets cannot both take the last place (checked apart from the count, they could).
    const coreUrl = await coreForWorkers();
    const buffer = createStore({ capacityBytes: 256 * PS });
    const t = attach(buffer);
    const ctl = new Int32Array(new SharedArrayBuffer(16)); // [round, pool, done]
    const THREADS = 3, CAP = 20, ROUNDS = 60;
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.coreUrl).then(({ attach }) => {
        const t = attach(workerData.buffer), c = new Int32Array(workerData.ctl);
        const page = new Uint8Array(${PS}); page[1] = 1;
        parentPort.postMessage('ready');
        for (let seen = 0; ;) {
          // A notify can come after this thread has already done the round it announces.
          while (Atomics.load(c, 0) === seen) Atomics.wait(c, 0, seen);
          seen = Atomics.load(c, 0);
          if (seen < 0) break;
          for (let i = 0; i < 40; i++) t.put(c[1], workerData.id, i, page);
          Atomics.add(c, 2, 1);
        }
      });`;
    const workers = Array.from({ length: THREADS }, (_, id) =>
      new Worker(code, { eval: true, workerData: { coreUrl, buffer, ctl: ctl.buffer, id } }));
    await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    let highest = 0;
    for (let r = 1; r <= ROUNDS; r++) {
      const p = t.newPool({ persistent: true, maxPages: CAP });
      ctl[1] = p;
      Atomics.store(ctl, 2, 0);
      Atomics.store(ctl, 0, r);
      Atomics.notify(ctl, 0);
      while (Atomics.load(ctl, 2) < THREADS) await new Promise((res) => setTimeout(res, 0));
      const s = t.stats().pools.find((x) => x.id === p)!;
      highest = Math.max(highest, s.pages);
      expect(s.succPuts + s.failedPuts).toBe(THREADS * 40);
      t.destroyPool(p);
    }
    Atomics.store(ctl, 0, -1);
    Atomics.notify(ctl, 0);
    await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
    expect(highest).toBe(CAP);
    expect(t.stats().usedFrames).toBe(0);
  });
});

describe('batches', () => {
  it('putMany/getMany round-trip consecutive pages and report per-page hits', () => {
    const t = makeStore(64);
    const p = t.newPool({ persistent: true });
    const n = 16;
    const src = new Uint8Array(n * PS);
    for (let i = 0; i < n; i++) src.set(i === 5 ? new Uint8Array(PS).fill(7) : pageOf(i), i * PS);
    expect(t.putMany(p, 9n, 100, src)).toBe(n);
    t.flushPage(p, 9n, 103);
    const into = new Uint8Array(n * PS);
    const hits = new Uint8Array(n);
    expect(t.getMany(p, 9n, 100, into, n, hits)).toBe(n - 1);
    for (let i = 0; i < n; i++) {
      expect(hits[i]).toBe(i === 3 ? 0 : 1);
      if (i !== 3) expect(same(into.subarray(i * PS, (i + 1) * PS), src.subarray(i * PS, (i + 1) * PS))).toBe(true);
    }
    const s = t.stats().pools[0];
    expect([s.succPuts, s.succGets, s.failedGets, s.sameFilledPages]).toEqual([16, 15, 1, 1]);
    // Single gets see the same pages.
    const out = new Uint8Array(PS);
    expect(t.get(p, 9n, 110, out)).toBe(true);
    expect(same(out, pageOf(10))).toBe(true);
  });

  it('putMany stops at the first rejected page and flushes it and the rest (rule 6)', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    const old = new Uint8Array(10 * PS).fill(1); // same-filled: frameless old contents
    expect(t.putMany(p, 1, 0, old)).toBe(10);
    const src = new Uint8Array(10 * PS);
    for (let i = 0; i < 10; i++) src.set(pageOf(i), i * PS);
    expect(t.putMany(p, 1, 0, src)).toBe(8);
    const out = new Uint8Array(PS);
    for (let i = 0; i < 8; i++) { expect(t.get(p, 1, i, out)).toBe(true); expect(same(out, pageOf(i))).toBe(true); }
    expect(t.get(p, 1, 8, out)).toBe(false);
    expect(t.get(p, 1, 9, out)).toBe(false);
    const s = t.stats().pools[0];
    expect([s.succPuts, s.failedPuts, s.pages]).toEqual([18, 2, 8]);
  });

  it('getMany on a private ephemeral pool is exclusive per page', () => {
    const t = makeStore(8);
    const e = t.newPool({ persistent: false });
    const src = new Uint8Array(4 * PS);
    for (let i = 0; i < 4; i++) src.set(pageOf(i), i * PS);
    t.putMany(e, 1, 0, src);
    const into = new Uint8Array(4 * PS);
    expect(t.getMany(e, 1, 0, into)).toBe(4);
    expect(t.getMany(e, 1, 0, into)).toBe(0);
    expect(t.stats().usedFrames).toBe(0);
  });
});

describe('index capacity', () => {
  it('every frame can hold a page: a full store rejects no put for lack of index room', () => {
    // The index has room for two entries a frame; inserts fill the first-choice bucket before
    // balancing, which must still leave room for a page in every frame, whatever the handles.
    for (const frames of [64, 1000, 4096]) {
      const t = makeStore(frames);
      const p = t.newPool({ persistent: true });
      let stored = 0;
      for (let i = 0; i < frames; i++) if (t.put(p, BigInt(i * 7919) + 3n, i % 13, pageOf(i))) stored++;
      expect(stored).toBe(frames);
      // And same-filled pages (no frame) beside them, up to a second entry a frame, mostly fit:
      // 89 % of them here (92 % when inserts always balance), the rest are refused puts.
      let zeros = 0;
      for (let i = 0; i < frames; i++) if (t.put(p, 99n, i, new Uint8Array(PS))) zeros++;
      expect(zeros).toBeGreaterThan(frames * 0.85);
      const out = new Uint8Array(PS);
      for (let i = 0; i < frames; i++) {
        expect(t.get(p, BigInt(i * 7919) + 3n, i % 13, out)).toBe(true);
        expect(same(out, pageOf(i))).toBe(true);
      }
    }
  });
});
