// A snapshot of a store's gauges and counters (stats()): cold, read by the panel a few times a
// second. Counters are summed over every thread's block whose tag is the pool's current one
// (a block left by an earlier incarnation of the pool id is stale and skipped).
import * as L from '../layout.js';
import type { PoolStats, TmemStats } from './types.js';
import { uuidToString } from './validate.js';

/** Reads the stats of the store whose metadata words are `w` (laid out as `layout`). */
export function readStats(w: Int32Array, layout: L.Layout): TmemStats {
  const u = new Uint32Array(w.buffer, w.byteOffset, w.length);
  const poolsW = layout.poolsOffset >> 2, countersW = layout.countersOffset >> 2;
  const { maxPools, totalFrames } = layout;
  const used = Atomics.load(w, L.H_USED);
  const pools: PoolStats[] = [];
  const slots = Math.min(Atomics.load(w, L.H_NEXT_SLOT), L.COUNTER_SLOTS);
  for (let id = 0; id < maxPools; id++) {
    const b = poolsW + id * L.POOL_WORDS;
    const sg = Atomics.load(w, b + L.P_STATE_GEN);
    if (L.poolState(sg) !== L.POOL_LIVE) continue;
    const tag = L.tagOf(sg, id);
    const sum = new Float64Array(L.COUNTER_BLOCK_WORDS);
    for (let s = 0; s < slots; s++) {
      const cb = countersW + (s * maxPools + id) * L.COUNTER_BLOCK_WORDS;
      if (w[cb + L.C_TAG] !== tag) continue;
      for (let c = L.C_SUCC_PUTS; c <= L.C_CAP_REJECTS; c += 2) sum[c] += u[cb + c] + u[cb + c + 1] * 4294967296;
    }
    const flags = w[b + L.P_FLAGS];
    const shared = (flags & L.PF_SHARED) !== 0;
    pools.push({
      id,
      persistent: (flags & L.PF_PERSISTENT) !== 0,
      shared,
      exclusiveGets: (flags & L.PF_EXCLUSIVE_GETS) !== 0,
      uuid: shared ? uuidToString(w.subarray(b + L.P_UUID, b + L.P_UUID + 4)) : null,
      pages: Atomics.load(w, b + L.P_PAGES),
      puts: sum[L.C_SUCC_PUTS] + sum[L.C_FAILED_PUTS],
      succPuts: sum[L.C_SUCC_PUTS],
      failedPuts: sum[L.C_FAILED_PUTS],
      gets: sum[L.C_SUCC_GETS] + sum[L.C_FAILED_GETS],
      succGets: sum[L.C_SUCC_GETS],
      failedGets: sum[L.C_FAILED_GETS],
      flushes: sum[L.C_FLUSHES],
      flushObjects: sum[L.C_FLUSH_OBJECTS],
      evictions: sum[L.C_EVICTIONS],
      dupPutsReplaced: sum[L.C_DUP_REPLACED],
      dupPutsFlushed: sum[L.C_DUP_FLUSHED],
      sameFilledPages: Atomics.load(w, b + L.P_SAME_FILLED),
      capRejects: sum[L.C_CAP_REJECTS],
      maxPages: Atomics.load(w, b + L.P_MAX_PAGES),
    });
  }
  return {
    pageSize: layout.pageSize,
    totalFrames,
    usedFrames: used,
    freeFrames: totalFrames - used,
    budgetFrames: Atomics.load(w, L.H_BUDGET),
    ephemeralFrames: Atomics.load(w, L.H_EPH_FRAMES),
    persistentFrames: Atomics.load(w, L.H_PERS_FRAMES),
    bufferBytes: layout.byteLength,
    pools,
  };
}
