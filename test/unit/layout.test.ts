import { describe, expect, it } from 'vitest';
import * as L from '../../worker/layout.js';

const regions = (l: L.Layout) => [
  ['header', l.headerOffset, L.HEADER_WORDS * L.WORD],
  ['pools', l.poolsOffset, l.maxPools * L.POOL_WORDS * L.WORD],
  ['counters', l.countersOffset, L.COUNTER_SLOTS * l.maxPools * L.COUNTER_BLOCK_WORDS * L.WORD],
  ['free stack', l.freeStackOffset, l.totalFrames * L.WORD],
  ['frame meta', l.frameMetaOffset, l.totalFrames * L.FRAME_META_WORDS * L.WORD],
  ['refs', l.refsOffset, l.totalFrames],
  ['index', l.indexOffset, l.buckets * L.BUCKET_WORDS * L.WORD],
  ['frames', l.framesOffset, l.totalFrames * l.pageSize],
] as const;

describe('memory layout', () => {
  for (const [ps, frames, pools] of [[4096, 1, 1], [4096, 1000, 64], [512, 65536, 1024], [65536, 17, 3], [4096, 65536, 64]]) {
    it(`regions are aligned, ordered and disjoint (${ps} B pages, ${frames} frames, ${pools} pools)`, () => {
      const l = L.computeLayout(ps, frames, pools);
      const rs = regions(l);
      for (const [name, off] of rs) {
        expect(off % L.REGION_ALIGN, `${name} alignment`).toBe(0);
      }
      expect(l.framesOffset % L.FRAME_ALIGN).toBe(0);
      for (let i = 1; i < rs.length; i++) {
        const [prev, pOff, pLen] = rs[i - 1];
        const [name, off] = rs[i];
        expect(off, `${name} starts after ${prev} ends`).toBeGreaterThanOrEqual(pOff + pLen);
      }
      const [, fOff, fLen] = rs[rs.length - 1];
      expect(l.byteLength).toBe(fOff + fLen);
    });
  }

  it('keeps metadata at or under 64 bytes per frame', () => {
    for (const frames of [1024, 65536, 1 << 20]) {
      const l = L.computeLayout(4096, frames, 64);
      expect(L.metadataBytesPerFrame(l)).toBeLessThanOrEqual(64);
    }
  });

  it('fits the bucket layout in its declared size and pool ids in a tag', () => {
    expect(L.B_VALUES + L.BUCKET_SLOTS).toBe(L.BUCKET_WORDS);
    expect(L.C_CAP_REJECTS + 2).toBeLessThanOrEqual(L.COUNTER_BLOCK_WORDS);
    expect(L.P_MAX_PAGES).toBeLessThan(L.POOL_WORDS);
    expect((L.GEN_MASK << L.POOL_ID_BITS) >>> 0).toBeLessThan(2 ** 31);
  });
});
