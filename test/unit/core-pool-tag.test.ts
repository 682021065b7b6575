// poolTag / destroyPoolIf: the hypervisor destroys a pool another thread made (a frontswap area
// whose thread ended without closing it) only if it is still that very pool. A pool id is given
// out again once its pool is destroyed, so an id alone could name the next owner's pool.
import { describe, expect, it } from 'vitest';
import { Store } from '../../worker/core/store.js';
import { PS, UUID, beforeNextCall, makeStore, pageOf } from './helpers.js';

const buf = () => new Uint8Array(PS);
const asStore = (t: ReturnType<typeof makeStore>) => t as Store;

describe('poolTag and destroyPoolIf', () => {
  it('destroys the pool its tag names, frees its frames, and a second call finds nothing', () => {
    const t = asStore(makeStore(16));
    const p = t.newPool({ persistent: true });
    for (let i = 0; i < 6; i++) expect(t.put(p, 1, i, pageOf(i))).toBe(true);
    const tag = t.poolTag(p);
    expect(tag).toBeGreaterThan(0);
    expect(t.destroyPoolIf(p, tag)).toBe(true);
    expect(t.stats().usedFrames).toBe(0);
    expect(t.poolTag(p)).toBe(0);
    expect(t.destroyPoolIf(p, tag)).toBe(false);
    expect(() => t.get(p, 1, 0, buf())).toThrow(expect.objectContaining({ code: 'bad-pool' }));
  });

  it('leaves alone a pool made again under the same id, and every page of it', () => {
    const t = asStore(makeStore(16));
    const other = t.newPool({ persistent: true });
    const p = t.newPool({ persistent: true });
    const stale = t.poolTag(p);
    t.destroyPool(p);
    const again = t.newPool({ persistent: true });
    expect(again).toBe(p); // the id is given out again
    expect(t.poolTag(again)).not.toBe(stale);
    for (let i = 0; i < 5; i++) expect(t.put(again, 2, i, pageOf(10 + i))).toBe(true);
    expect(t.put(other, 3, 0, pageOf(99))).toBe(true);
    expect(t.destroyPoolIf(again, stale)).toBe(false);
    for (let i = 0; i < 5; i++) {
      const out = buf();
      expect(t.get(again, 2, i, out)).toBe(true);
      expect(out).toEqual(pageOf(10 + i));
    }
    expect(t.stats().usedFrames).toBe(6);
  });

  it('refuses bad ids and tags with false, touching nothing', () => {
    const t = asStore(makeStore(8));
    const p = t.newPool({ persistent: true });
    expect(t.put(p, 1, 0, pageOf(1))).toBe(true);
    const tag = t.poolTag(p);
    for (const [id, tg] of [[-1, tag], [1.5, tag], [999, tag], [p, 0], [p, -tag], [p, 0.5], [p, Number.NaN]] as [number, number][]) {
      expect(t.destroyPoolIf(id, tg)).toBe(false);
    }
    expect(t.destroyPoolIf('0' as unknown as number, tag)).toBe(false);
    expect(t.destroyPoolIf(p, String(tag) as unknown as number)).toBe(false);
    for (const id of [-1, 1.5, 999, '0' as unknown as number]) expect(t.poolTag(id)).toBe(0);
    expect(t.stats().usedFrames).toBe(1);
    expect(t.poolTag(p)).toBe(tag);
  });

  it('destroyPool keeps its own contract: a missing pool is bad-pool', () => {
    const t = asStore(makeStore(8));
    const p = t.newPool({ persistent: true });
    t.destroyPool(p);
    expect(() => t.destroyPool(p)).toThrow(expect.objectContaining({ code: 'bad-pool' }));
    expect(() => t.destroyPool(-3)).toThrow(expect.objectContaining({ code: 'bad-pool' }));
  });
});

describe('a frame freed while its pool id is made again', () => {
  // A put that replaces a page frees the old frame after letting go of the bucket locks; by
  // then another thread may have destroyed the pool and made one of the other persistence
  // under its id. Simulated by doing both just before the frame is freed (freeFrame, a private
  // method, wrapped on this instance only): the frame must leave the gauge it was counted in.
  for (const persistent of [false, true]) {
    it(`${persistent ? 'a persistent' : 'an ephemeral'} page's frame leaves the ${persistent ? 'persistent' : 'ephemeral'} gauge`, () => {
      const t = asStore(makeStore(8));
      const p = t.newPool(persistent ? { persistent: true } : { persistent: false, shared: true, uuid: UUID });
      expect(t.put(p, 1, 0, pageOf(1))).toBe(true);
      expect(t.stats()[persistent ? 'persistentFrames' : 'ephemeralFrames']).toBe(1);
      let remade = -1;
      beforeNextCall(t, 'freeFrame', () => {
        t.destroyPool(p);
        remade = t.newPool({ persistent: !persistent });
      });
      expect(t.put(p, 1, 0, new Uint8Array(PS))).toBe(true); // same-filled now: its frame is freed
      expect(remade).toBe(p);
      const s = t.stats();
      expect([s.ephemeralFrames, s.persistentFrames, s.usedFrames]).toEqual([0, 0, 0]);
    });
  }
});
