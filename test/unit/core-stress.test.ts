// Real threads on one SharedArrayBuffer: 4 worker_threads (plus the main thread moving the
// budget) doing mixed operations on shared and private handles. Every page read is checked
// for tearing and cross-talk; persistent pages must never be lost; the run must end (no
// deadlock) within the test's bound. Eviction runs throughout (more handles than frames, and a
// moving budget); afterwards no frame may be lost or owned twice.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { attach, createStore } from '../../worker/core/index.js';
import { auditFrames, coreForWorkers } from './helpers.js';

const PAGE = 4096;
const workerUrl = new URL('./stress-worker.mjs', import.meta.url);

describe('stress: 4 threads, one store', () => {
  it('no torn page, no lost persistent page, no cross-talk, no deadlock, no lost frame', async () => {
    const coreUrl = await coreForWorkers();
    // Fewer frames than handles, so eviction, rejection and frame reuse happen all the time.
    const buffer = createStore({ capacityBytes: 400 * PAGE });
    const t = attach(buffer);
    const sharedPool = t.newPool({ persistent: false, shared: true, uuid: 'a'.repeat(32) });
    const persistentPool = t.newPool({ persistent: true });
    const THREADS = 4;
    const started = Date.now();
    const results = await new Promise<{ id: number; counts: Record<string, number>; model: [string, number][] }[]>((resolve, reject) => {
      const done: { id: number; counts: Record<string, number>; model: [string, number][] }[] = [];
      let stop = false;
      const workers = Array.from({ length: THREADS }, (_, id) => {
        const w = new Worker(workerUrl, { workerData: { buffer, id, ops: 60_000, sharedPool, persistentPool, pageSize: PAGE, coreUrl } });
        w.on('message', (m) => { done.push(m); if (done.length === THREADS) { stop = true; resolve(done); } });
        w.on('error', (e) => { stop = true; reject(e); });
        return w;
      });
      // The owner moves the budget meanwhile (evictions race with gets and puts).
      const budgets = [400, 150, 300, 60, 400];
      let i = 0;
      const tick = () => {
        if (stop) return;
        t.setBudget(budgets[i++ % budgets.length]);
        setTimeout(tick, 15);
      };
      tick();
      setTimeout(() => { if (!stop) { workers.forEach((w) => w.terminate()); reject(new Error('deadlock: threads did not finish in 45 s')); } }, 45_000);
    });
    t.setBudget(400);
    const elapsed = Date.now() - started;
    // Every thread's surviving persistent pages are still there, exactly, seen from the main thread.
    const out = new Uint8Array(PAGE);
    const o32 = new Uint32Array(out.buffer);
    let live = 0;
    for (const r of results) {
      for (const [key, version] of r.model) {
        const [obj, idx] = key.split('/').map(Number);
        expect(t.get(persistentPool, BigInt(obj), idx, out), `persistent ${key}`).toBe(true);
        expect([o32[0], o32[1], o32[3]]).toEqual([obj, idx, version]);
        live++;
      }
      expect(r.counts.sharedHits).toBeGreaterThan(0);
      expect(r.counts.persistentChecked).toBeGreaterThan(1000);
    }
    const s = t.stats();
    const ps = s.pools.find((p) => p.id === persistentPool)!;
    expect(ps.pages).toBe(live);
    for (const p of s.pools) {
      expect(p.puts).toBe(p.succPuts + p.failedPuts);
      expect(p.gets).toBe(p.succGets + p.failedGets);
    }
    expect(s.usedFrames).toBe(s.ephemeralFrames + s.persistentFrames);
    expect(s.pools.find((p) => p.id === sharedPool)!.evictions).toBeGreaterThan(0);
    // Every frame is free (once) or held by exactly one entry of its owner, and none is lost.
    const audit = auditFrames(buffer);
    expect(audit.owned).toBe(s.ephemeralFrames + s.persistentFrames);
    expect(audit.free + audit.owned + audit.orphans).toBe(s.totalFrames);
    console.log(`stress: ${THREADS} threads × 60k ops in ${elapsed} ms; ${live} persistent pages verified`);
  }, 60_000);
});
