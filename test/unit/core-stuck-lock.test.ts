// A thread that dies inside the store (a terminated worker) leaves lock words odd. Every call
// that needs one of them gives up with 'store-busy' after LOCK_TIMEOUT_MS; a thread that has
// waited once on a word still holding the same value gives up at once after that, so the main
// thread is not stalled on every call. Any change of the word (the holder was only slow and
// let go) lifts it. Simulated here by making every bucket's lock word odd, as a holder would.
import { describe, expect, it } from 'vitest';
import { attach, createStore, TmemError } from '../../worker/core/index.js';
import * as L from '../../worker/layout.js';
import { Worker } from 'node:worker_threads';
import { PS, coreForWorkers, pageOf, same } from './helpers.js';

function bucketWords(buffer: SharedArrayBuffer): { w: Int32Array; words: number[] } {
  const w = new Int32Array(buffer);
  const layout = L.computeLayout(w[L.H_PAGE_SIZE], w[L.H_TOTAL_FRAMES], w[L.H_MAX_POOLS]);
  const words = Array.from({ length: layout.buckets }, (_, b) => layout.indexOffset / 4 + b * L.BUCKET_WORDS + L.B_VERSION);
  return { w, words };
}

function busyCode(call: () => unknown): { code: string | null; ms: number } {
  const t0 = performance.now();
  try {
    call();
    return { code: null, ms: performance.now() - t0 };
  } catch (e) {
    expect(e).toBeInstanceOf(TmemError);
    return { code: (e as TmemError).code, ms: performance.now() - t0 };
  }
}

describe('a lock held by a dead thread', () => {
  it('costs one timeout per thread, then store-busy at once; lifted when the word changes', () => {
    const buffer = createStore({ capacityBytes: 64 * PS });
    const t = attach(buffer);
    const pool = t.newPool({ persistent: true });
    expect(t.put(pool, 5n, 1, pageOf(1))).toBe(true);
    const { w, words } = bucketWords(buffer);
    for (const i of words) Atomics.add(w, i, 1); // every bucket "held"

    const out = new Uint8Array(PS);
    const first = busyCode(() => t.get(pool, 5n, 1, out));
    expect(first.code).toBe('store-busy');
    expect(first.ms).toBeGreaterThanOrEqual(450); // it waited the whole bound once
    for (let k = 0; k < 5; k++) {
      const again = busyCode(() => t.get(pool, 5n, 1, out));
      expect(again.code).toBe('store-busy');
      expect(again.ms).toBeLessThan(300); // known stuck: no second wait (≈ 0 ms; generous bound)
    }
    expect(busyCode(() => t.put(pool, 5n, 1, pageOf(2))).code).toBe('store-busy');
    expect(busyCode(() => t.flushPage(pool, 5n, 1)).code).toBe('store-busy');

    for (const i of words) Atomics.add(w, i, 1); // the holders let go
    expect(t.get(pool, 5n, 1, out)).toBe(true);
    expect(same(out, pageOf(1))).toBe(true); // the page survived the refused put and flush
    expect(t.put(pool, 5n, 1, pageOf(3))).toBe(true);
    expect(t.get(pool, 5n, 1, out)).toBe(true);
    expect(same(out, pageOf(3))).toBe(true);
  });
});

describe('calls that sweep many buckets, with one of them stuck', () => {
  /** The lock word of the first bucket that holds a page of object `lo` (below 2^32), made
   *  odd as a dead holder leaves it; returns its release. The first, so that a sweep that
   *  stopped there would have flushed nothing. */
  function stickOneBucket(buffer: SharedArrayBuffer, lo: number): () => void {
    const { w, words } = bucketWords(buffer);
    const holds = (v: number) => Array.from({ length: L.BUCKET_SLOTS }, (_, s) => v - L.B_VERSION + L.B_KEYS + s * L.KEY_WORDS)
      .some((k) => w[k + L.K_TAG] !== 0 && w[k + L.K_OBJ_LO] === lo && w[k + L.K_OBJ_HI] === 0);
    const i = words.find(holds)!;
    Atomics.add(w, i, 1);
    return () => Atomics.add(w, i, 1);
  }

  it('destroyPool removes what it can reach and leaves the pool dying; a later call finishes', () => {
    const buffer = createStore({ capacityBytes: 64 * PS });
    const t = attach(buffer);
    const pool = t.newPool({ persistent: true });
    for (let i = 0; i < 40; i++) expect(t.put(pool, 3n, i, pageOf(i))).toBe(true);
    const release = stickOneBucket(buffer, 3);
    expect(busyCode(() => t.destroyPool(pool)).code).toBe('store-busy');
    // Destroyed as far as callers see, but its id is not given out while entries remain.
    expect(busyCode(() => t.put(pool, 3n, 0, pageOf(0))).code).toBe('bad-pool');
    expect(t.stats().pools.map((p) => p.id)).not.toContain(pool);
    const other = t.newPool({ persistent: false });
    expect(other).not.toBe(pool);
    expect(t.stats().persistentFrames).toBeGreaterThan(0); // the stuck bucket's pages
    release();
    t.destroyPool(pool);
    expect(t.stats().persistentFrames).toBe(0);
    expect(t.stats().usedFrames).toBe(0);
    expect(busyCode(() => t.destroyPool(pool)).code).toBe('bad-pool');
    t.destroyPool(other);
    expect(t.newPool({ persistent: false })).toBe(pool); // the id is free again, with nothing left of it
    expect(t.stats().pools.find((p) => p.id === pool)!.pages).toBe(0);
  });

  it('flushObject flushes every page it can reach before store-busy; a later call finishes', () => {
    const buffer = createStore({ capacityBytes: 64 * PS });
    const t = attach(buffer);
    const pool = t.newPool({ persistent: true });
    for (let i = 0; i < 40; i++) expect(t.put(pool, 3n, i, pageOf(i))).toBe(true);
    expect(t.put(pool, 4n, 0, pageOf(99))).toBe(true);
    const release = stickOneBucket(buffer, 3);
    expect(busyCode(() => t.flushObject(pool, 3n)).code).toBe('store-busy');
    const left = t.stats().pools[0].pages;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(41);
    release();
    t.flushObject(pool, 3n);
    const out = new Uint8Array(PS);
    for (let i = 0; i < 40; i++) expect(t.get(pool, 3n, i, out)).toBe(false);
    expect(t.get(pool, 4n, 0, out)).toBe(true); // another object's page untouched
    expect(same(out, pageOf(99))).toBe(true);
  });
});

describe('batches that meet a stuck bucket', () => {
  /** Bucket version word of the bucket holding (object lo, index). */
  function bucketOf(buffer: SharedArrayBuffer, lo: number, index: number): number {
    const { w, words } = bucketWords(buffer);
    return words.find((v) => Array.from({ length: L.BUCKET_SLOTS }, (_, s) => v - L.B_VERSION + L.B_KEYS + s * L.KEY_WORDS)
      .some((k) => w[k + L.K_TAG] !== 0 && w[k + L.K_OBJ_LO] === lo && w[k + L.K_INDEX] === index))!;
  }
  const N = 40;
  const batchOf = (seed: number) => {
    const b = new Uint8Array(N * PS);
    for (let i = 0; i < N; i++) b.set(pageOf(seed + i), i * PS);
    return b;
  };

  it('putMany and getMany count what they did before store-busy and say how far they got', () => {
    const buffer = createStore({ capacityBytes: 256 * PS });
    const t = attach(buffer);
    const pool = t.newPool({ persistent: true });
    // Where the pages of objects 7 and 5 go (a handle's candidate buckets never change), then
    // object 5 flushed, for putMany to insert it again.
    const firstOf = (lo: number) => {
      const first = new Map<number, number>();
      for (let i = N - 1; i >= 0; i--) first.set(bucketOf(buffer, lo, i), i);
      return first;
    };
    for (let i = 0; i < N; i++) expect(t.put(pool, 7n, i, pageOf(700 + i))).toBe(true);
    for (let i = 0; i < N; i++) expect(t.put(pool, 5n, i, pageOf(900 + i))).toBe(true);
    const first7 = firstOf(7), first5 = firstOf(5);
    t.flushObject(pool, 5n);
    // A bucket both objects use, whose first pages of each come as late as can be.
    const [stuck, m] = [...first7].filter(([b]) => first5.has(b))
      .reduce((a, b) => (Math.min(b[1], first5.get(b[0])!) > Math.min(a[1], first5.get(a[0])!) ? b : a));
    expect(m).toBeGreaterThan(0);
    const w = new Int32Array(buffer);
    Atomics.add(w, stuck, 1); // held by a dead thread

    const before = t.stats().pools[0];
    const into = new Uint8Array(N * PS);
    const hits = new Uint8Array(N).fill(1); // left from an earlier call
    const got = busyCode(() => t.getMany(pool, 7n, 0, into, N, hits));
    expect(got.code).toBe('store-busy');
    const afterGet = t.stats().pools[0];
    expect(afterGet.succGets - before.succGets).toBe(m); // every page before the stuck one
    expect(afterGet.gets - before.gets).toBe(m);
    expect([...hits.subarray(m)].every((h) => h === 0)).toBe(true); // not read: not hits
    for (let i = 0; i < m; i++) {
      expect(hits[i]).toBe(1);
      expect(same(into.subarray(i * PS, (i + 1) * PS), pageOf(700 + i))).toBe(true);
    }
    let message = '';
    try { t.getMany(pool, 7n, 0, into, N); } catch (e) { message = (e as Error).message; }
    expect(message).toContain(`getMany (stopped at page ${m} of ${N})`);

    // Object 5 has no pages now: putMany inserts, and stops at the first page whose candidate
    // buckets include the stuck one (at the latest its page that was there).
    const putBefore = t.stats().pools[0];
    let putMessage = '';
    try { t.putMany(pool, 5n, 0, batchOf(500)); } catch (e) {
      expect((e as TmemError).code).toBe('store-busy');
      putMessage = (e as Error).message;
    }
    const stored = Number(/putMany \((\d+) of 40 pages stored\)/.exec(putMessage)?.[1] ?? -1);
    expect(stored).toBeGreaterThan(0);
    const putAfter = t.stats().pools[0];
    expect(putAfter.succPuts - putBefore.succPuts).toBe(stored);
    expect(putAfter.pages - putBefore.pages).toBe(stored);
    const out = new Uint8Array(PS);
    for (let i = 0; i < stored; i++) {
      expect(t.get(pool, 5n, i, out)).toBe(true);
      expect(same(out, pageOf(500 + i))).toBe(true);
    }

    Atomics.add(w, stuck, 1); // let go
    expect(t.getMany(pool, 7n, 0, into, N)).toBe(N); // object 7 whole
    expect(t.putMany(pool, 5n, 0, batchOf(500))).toBe(N);
  });
});

describe('the free stack with its lock stuck', () => {
  it('setBudget stops when freed frames cannot go back to the stack, and finishes once it can', async () => {
    // Run in a thread of its own: the loop this guards against never returns, and a test
    // cannot interrupt a synchronous call on its own thread.
    const coreUrl = await coreForWorkers();
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.coreUrl).then(({ attach, createStore }) => {
        const buffer = createStore({ capacityBytes: 64 * ${PS} });
        const t = attach(buffer);
        const e = t.newPool({ persistent: false });
        const page = new Uint8Array(${PS}); page[1] = 1;
        for (let i = 0; i < 4; i++) t.put(e, 1, i, page);
        const w = new Int32Array(buffer);
        Atomics.add(w, ${L.H_FREE_LOCK}, 1); // stuck
        const first = t.setBudget(0);
        const orphaned = t.stats().usedFrames;
        Atomics.add(w, ${L.H_FREE_LOCK}, 1); // let go
        const second = t.setBudget(0);
        parentPort.postMessage({ first, orphaned, second, used: t.stats().usedFrames });
      });`;
    const worker = new Worker(code, { eval: true, workerData: { coreUrl } });
    try {
      const result = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('setBudget did not return within 10 s')), 10_000);
        worker.once('message', (m) => { clearTimeout(timer); resolve(m); });
        worker.once('error', (e) => { clearTimeout(timer); reject(e); });
      });
      // Each evicted frame became an orphan for the CLOCK (before, the next eviction took the
      // same orphan back and the loop never ended); once the stack takes frames, all go.
      expect(result).toMatchObject({ first: 0, second: 0, used: 0 });
      expect((result as { orphaned: number }).orphaned).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });
});
