// get and put serve the common case on a first try of their own (store.ts, firstChoice) and
// hand everything else to the general path. Whichever path serves a call, the answer, the
// page and the counters must be the same: these tests mix handles that take each path.
import { describe, expect, it } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import * as L from '../../worker/layout.js';
import { PS, pageOf, same } from './helpers.js';

/** Object ids of every kind the first try takes or leaves: small and large bigints (below
 *  and above 2^63), numbers, and a number past 2^32. */
const ids: (bigint | number)[] = [
  0n, 1n, 7n, 2n ** 32n + 3n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 5, 2 ** 40 + 9,
];

function fillAndCheck(frames: number, handles: number, attachments: number) {
  const buffer = createStore({ capacityBytes: frames * PS });
  // The last attachment past the counter slots shares slot 0 (Atomics), which the first try
  // leaves to the general path.
  const ts = Array.from({ length: attachments }, () => attach(buffer));
  const p = ts[0].newPool({ persistent: true });
  const sf = ts[0].newPool({ persistent: false, shared: true, uuid: 'c'.repeat(32) });
  const key = (i: number) => [ids[i % ids.length], (i / ids.length) | 0] as const;
  const out = new Uint8Array(PS);
  for (let i = 0; i < handles; i++) {
    const [o, x] = key(i);
    const t = ts[i % ts.length];
    expect(t.put(p, o, x, pageOf(i))).toBe(true);
    expect(t.put(p, o, x, pageOf(i + 1000))).toBe(true); // a rewrite in place
    expect(t.put(sf, o, x, pageOf(i + 2000))).toBe(true);
  }
  const same0 = new Uint8Array(PS).fill(9);
  expect(ts[0].put(p, 3n, 999, same0)).toBe(true); // same-filled: the general path
  for (let i = 0; i < handles; i++) {
    const [o, x] = key(i);
    const t = ts[(i + 1) % ts.length];
    expect(t.get(p, o, x, out)).toBe(true);
    expect(same(out, pageOf(i + 1000)), `persistent ${i}`).toBe(true);
    expect(t.get(sf, o, x, out)).toBe(true);
    expect(same(out, pageOf(i + 2000)), `shared ${i}`).toBe(true);
    expect(t.get(p, o, x + 100_000, out)).toBe(false);
  }
  expect(ts[1 % ts.length].get(p, 3n, 999, out)).toBe(true);
  expect(same(out, same0)).toBe(true);
  const [ps, ss] = ts[0].stats().pools;
  expect([ps.succPuts, ps.dupPutsReplaced, ps.succGets, ps.failedGets]).toEqual([2 * handles + 1, handles, handles + 1, handles]);
  expect([ss.succPuts, ss.succGets]).toEqual([handles, handles]);
}

describe('first try of get and put', () => {
  it('serves and counts as the general path does, with every kind of object id', () => {
    fillAndCheck(512, 200, 2);
  });

  it('a full index (entries in second-choice buckets too) answers the same', () => {
    // Every frame in use: the index (2 entries a frame) is half full, so many buckets hold
    // more than FIRST_CHOICE_FILL entries and their handles' entries go to the second choice.
    fillAndCheck(256, 128, 1);
  });

  it('a thread past the counter slots (slot 0, updated with Atomics) counts the same', () => {
    fillAndCheck(256, 100, L.COUNTER_SLOTS + 1);
  });
});
