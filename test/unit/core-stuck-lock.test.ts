// A thread that dies inside the store (a terminated worker) leaves lock words odd. Every call
// that needs one of them gives up with 'store-busy' after LOCK_TIMEOUT_MS; a thread that has
// waited once on a word still holding the same value gives up at once after that, so the main
// thread is not stalled on every call. Any change of the word (the holder was only slow and
// let go) lifts it. Simulated here by making every bucket's lock word odd, as a holder would.
import { describe, expect, it } from 'vitest';
import { attach, createStore, TmemError } from '../../worker/core/index.js';
import * as L from '../../worker/layout.js';
import { PS, pageOf, same } from './helpers.js';

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
