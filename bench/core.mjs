// Core benchmark (Node): ratios measured in one run against the physical limit of a copy API,
// a Uint8Array.set of one 4 KiB page from a random page of an ordinary buffer of the same
// footprint, written first (an untouched buffer maps to the zero page and copies look free).
// Baseline and store loops are shaped alike: precomputed random positions, views made before
// the loop (so neither side allocates), the same number of operations.
// Threads: read-mostly throughput of 4 threads over 1, measured for the core, the reference
// store and the floor (the same copies with no store). On a shared VM the wall figure mostly
// measures how much CPU the scheduler gave (4 threads got under half a core in one run), so
// the target applies to the CPU-time figure: twice the ops per CPU second of 4 threads over
// those of 1, what 2 otherwise idle cores would give. The floor's own figure is printed beside
// it: the store cannot scale better than copies of the same pages do on this machine. Then
// the same with every thread reading one page and nothing else, where all readers meet at one
// bucket (a get writes its bucket's version word: see confirm in worker/core/store.ts).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PerformanceObserver } from 'node:perf_hooks';
import { attach, createStore } from '../dist/core.js';
import { computeLayout, metadataBytesPerFrame } from '../dist/core.js';
import { ReferenceStore } from './reference-store.mjs';

const PS = 4096;

function rngArray(n, mod, seed) {
  const a = new Uint32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; a[i] = x % mod; }
  return a;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/**
 * Times named loops in interleaved rounds (each round runs every loop once, after a warm-up
 * round for the JIT; each round in another order) and returns, per loop, the rounds' times. A ratio is then the median of
 * per-round ratios: on a shared VM the load drifts within seconds, and loops timed back to back
 * see the same load, where loops timed in separate blocks do not. Times are the process's CPU
 * time (process.cpuUsage), not wall time: these loops run on this thread alone, and on a VM
 * whose cores are shared the wall clock also counts the time slices other processes took in the
 * middle of a loop, noise as large as the differences measured here.
 */
function rounds(loops, n = 11) {
  for (const fn of Object.values(loops)) fn();
  const entries = Object.entries(loops);
  const ts = Object.fromEntries(Object.keys(loops).map((k) => [k, []]));
  for (let r = 0; r < n; r++) {
    // Each round starts one loop further on: a loop that always ran right after another over
    // the same memory (the floors, copying the same shared pages) would always find it warm.
    for (let j = 0; j < entries.length; j++) {
      const [k, fn] = entries[(r + j) % entries.length];
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      ts[k].push((c.user + c.system) / 1000);
    }
  }
  return ts;
}
/** Median over rounds of a[r] / b[r]. */
const ratio = (a, b) => median(a.map((x, r) => x / b[r]));

/** Resident-page bench: get and put vs copy, for `pages` resident 4 KiB pages. */
function residentBench(pages, ops) {
  const OBJS = 64;
  const buffer = createStore({ capacityBytes: (pages + 2048) * PS });
  const t = attach(buffer);
  const pool = t.newPool({ persistent: true });
  const objIds = Array.from({ length: OBJS }, (_, i) => BigInt(i) * 0x1_0000_0001n + 7n);
  const page = new Uint8Array(PS);
  for (let i = 0; i < pages; i++) {
    for (let j = 0; j < PS; j += 64) page[j] = (i + j) & 0xff;
    page[1] = i & 0xff; page[2] = i >> 8;
    if (!t.put(pool, objIds[i % OBJS], (i / OBJS) | 0, page)) throw new Error(`fill rejected at ${i}`);
  }
  // One read of every page in fill order: the store makes a frame's view on its first read,
  // and views made in the timed loops' own random order would sit in memory in the order they
  // are then read, which prefetches well (measured 1.17 against 1.41 the floor at 64K pages);
  // the floor's views are made in page order, and so are the store's now.
  const first = new Uint8Array(PS);
  for (let i = 0; i < pages; i++) {
    if (!t.get(pool, objIds[i % OBJS], (i / OBJS) | 0, first)) throw new Error(`fill lost page ${i}`);
  }
  // The baseline: an ordinary buffer of the same footprint, written first, with a view a page.
  const plain = new Uint8Array(pages * PS);
  for (let i = 0; i < plain.length; i += 64) plain[i] = i & 0xff;
  const views = Array.from({ length: pages }, (_, i) => plain.subarray(i * PS, (i + 1) * PS));
  const pick = rngArray(ops, pages, 12345 + pages);
  const objOf = pick.map((i) => i % OBJS);
  const idxOf = pick.map((i) => (i / OBJS) | 0);
  const out = new Uint8Array(PS);

  // The floor of any SharedArrayBuffer store: the same copy out of (for put: into) a shared
  // buffer (V8 copies shared memory with relaxed word-by-word loads and stores, not memcpy).
  const sab = new Uint8Array(new SharedArrayBuffer(pages * PS));
  for (let i = 0; i < sab.length; i += 64) sab[i] = i & 0xff;
  const sabViews = Array.from({ length: pages }, (_, i) => sab.subarray(i * PS, (i + 1) * PS));
  // The straightforward reference (one global spinlock, linear probing), same pages.
  const ref = new ReferenceStore(pages, PS);
  for (let i = 0; i < pages; i++) ref.put(objIds[i % OBJS], (i / OBJS) | 0, page);
  const single = rounds({
    copy: () => { for (let k = 0; k < ops; k++) out.set(views[pick[k]]); },
    refGet: () => { for (let k = 0; k < ops; k++) if (!ref.get(objIds[objOf[k]], idxOf[k], out)) throw new Error('miss'); },
    refPut: () => { for (let k = 0; k < ops; k++) ref.put(objIds[objOf[k]], idxOf[k], page); },
    sabCopy: () => { for (let k = 0; k < ops; k++) out.set(sabViews[pick[k]]); },
    sabCopyIn: () => { for (let k = 0; k < ops; k++) sabViews[pick[k]].set(page); },
    get: () => { for (let k = 0; k < ops; k++) if (!t.get(pool, objIds[objOf[k]], idxOf[k], out)) throw new Error('miss'); },
    copyIn: () => { for (let k = 0; k < ops; k++) views[pick[k]].set(page); },
    put: () => { for (let k = 0; k < ops; k++) t.put(pool, objIds[objOf[k]], idxOf[k], page); },
  });
  // Batches: 16 consecutive pages of one object, vs the same 16 pages by single calls.
  const B = 16;
  const batchObj = 1_000_000n;
  const many = new Uint8Array(B * PS);
  for (let i = 0; i < many.length; i += 64) many[i] = (i >> 6) & 0xff;
  const starts = rngArray(ops / B, 64, 99).map((x) => x * B);
  const bpool = t.newPool({ persistent: true });
  for (let s = 0; s < 64 * B; s += B) t.putMany(bpool, batchObj, s, many);
  const intoMany = new Uint8Array(B * PS);
  const manyViews = Array.from({ length: B }, (_, i) => intoMany.subarray(i * PS, (i + 1) * PS));
  const srcViews = Array.from({ length: B }, (_, i) => many.subarray(i * PS, (i + 1) * PS));
  // The floors again in these rounds: a batch copies the same bytes as ops single copies, so
  // a batch per page can come near the floor but not under it (see getManyVsFloor).
  const batch = rounds({
    sabCopy: () => { for (let k = 0; k < ops; k++) out.set(sabViews[pick[k]]); },
    sabCopyIn: () => { for (let k = 0; k < ops; k++) sabViews[pick[k]].set(page); },
    singles: () => { for (const s of starts) for (let i = 0; i < B; i++) t.get(bpool, batchObj, s + i, manyViews[i]); },
    batched: () => { for (const s of starts) t.getMany(bpool, batchObj, s, intoMany, B); },
    putSingles: () => { for (const s of starts) for (let i = 0; i < B; i++) t.put(bpool, batchObj, s + i, srcViews[i]); },
    putBatched: () => { for (const s of starts) t.putMany(bpool, batchObj, s, many, B); },
  });
  const ns = (xs) => (median(xs) / ops) * 1e6;
  return {
    pages, ops,
    copyNsPerPage: ns(single.copy), getNsPerPage: ns(single.get),
    putNsPerPage: ns(single.put), copyInNsPerPage: ns(single.copyIn),
    getVsCopy: ratio(single.get, single.copy), putVsCopy: ratio(single.put, single.copyIn),
    sabCopyVsCopy: ratio(single.sabCopy, single.copy), sabCopyInVsCopyIn: ratio(single.sabCopyIn, single.copyIn),
    getVsFloor: ratio(single.get, single.sabCopy), putVsFloor: ratio(single.put, single.sabCopyIn),
    refGetVsCopy: ratio(single.refGet, single.copy), refPutVsCopy: ratio(single.refPut, single.copyIn),
    getManyVsSingles: ratio(batch.batched, batch.singles), putManyVsSingles: ratio(batch.putBatched, batch.putSingles),
    getManyVsFloor: ratio(batch.batched, batch.sabCopy), putManyVsFloor: ratio(batch.putBatched, batch.sabCopyIn),
    t, pool, objIds, objOf, idxOf, out,
  };
}

/** Counts GC events during `ops` gets: a get that allocated would fill the young generation. */
async function allocationCheck(r) {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  const { t, pool, objIds, objOf, idxOf, out } = r;
  const n = 4_000_000;
  const page = new Uint8Array(PS).fill(1); page[5] = 2;
  for (let k = 0; k < n; k++) {
    const j = k % objOf.length;
    t.get(pool, objIds[objOf[j]], idxOf[j], out);
    if ((k & 7) === 0) t.put(pool, objIds[objOf[j]], idxOf[j], page);
  }
  await new Promise((res) => setTimeout(res, 50));
  obs.disconnect();
  return { ops: n, gcEvents: gcs };
}

/**
 * Read-mostly throughput of `threads` threads on one store (15 of 16 operations are gets, 1 a
 * put rewriting a page): the core's shared pool, the reference store, or the floor, the same
 * copies out of and into a SharedArrayBuffer with no store at all (`kind`). With `onePage`,
 * every thread only reads one and the same page: the case where readers meet at one bucket.
 * The threads are warmed, then released together; the main thread sleeps until they report.
 * Returns ops per wall second and ops per CPU second of the process over the same window
 * (process.cpuUsage counts every thread): on a VM whose 2 cores are shared with other work,
 * the wall figure of 4 threads is capped by the CPU time the scheduler gives, which the CPU
 * figure does not count.
 */
async function contention(threads, ms, kind = 'core', onePage = false) {
  const page = new Uint8Array(PS).fill(3); page[9] = 4;
  let data;
  if (kind === 'core') {
    const buffer = createStore({ capacityBytes: 8192 * PS });
    const t = attach(buffer);
    const pool = t.newPool({ persistent: false, shared: true, uuid: 'b'.repeat(32) });
    for (let i = 0; i < 4096; i++) t.put(pool, BigInt(i & 63), i >> 6, page);
    data = { kind, buffer, pool };
  } else if (kind === 'ref') {
    const ref = new ReferenceStore(4096, PS);
    for (let i = 0; i < 4096; i++) ref.put(BigInt(i & 63), i >> 6, page);
    data = { kind, buffer: ref.buffer };
  } else {
    const buffer = new SharedArrayBuffer(4096 * PS);
    new Uint8Array(buffer).fill(3);
    data = { kind, buffer };
  }
  const go = new Int32Array(new SharedArrayBuffer(4));
  const ws = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { ...data, go: go.buffer, ms, onePage } }));
  const ready = ws.map((w) => new Promise((res) => w.once('message', res)));
  await Promise.all(ready);
  const done = ws.map((w) => new Promise((res) => w.once('message', res)));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  Atomics.store(go, 0, 1);
  Atomics.notify(go, 0);
  const counts = await Promise.all(done);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  ws.forEach((w) => w.terminate());
  const ops = counts.reduce((a, b) => a + b, 0);
  return { perWall: ops / wall, perCpu: ops / ((c.user + c.system) / 1e6), cores: (c.user + c.system) / 1e6 / wall };
}

if (!isMainThread) {
  const { kind, buffer, pool, go, ms, onePage } = workerData;
  const t = kind === 'core' ? attach(buffer) : null;
  const ref = kind === 'ref' ? new ReferenceStore(4096, PS, buffer) : null;
  const out = new Uint8Array(PS);
  const page = new Uint8Array(PS).fill(5); page[7] = 1;
  const objs = Array.from({ length: 64 }, (_, i) => BigInt(i));
  const pick = onePage ? new Uint32Array(1 << 16).fill(5) : rngArray(1 << 16, 4096, Math.random() * 1e9);
  // One page read by every thread: no puts, so nothing but the readers touches its bucket.
  const puts = !onePage;
  const views = kind === 'floor' ? Array.from({ length: 4096 }, (_, i) => new Uint8Array(buffer, i * PS, PS)) : null;
  const op = t
    ? (k) => { const i = pick[k & 0xffff]; if (puts && (k & 15) === 0) t.put(pool, objs[i & 63], i >> 6, page); else t.get(pool, objs[i & 63], i >> 6, out); }
    : ref
      ? (k) => { const i = pick[k & 0xffff]; if (puts && (k & 15) === 0) ref.put(objs[i & 63], i >> 6, page); else ref.get(objs[i & 63], i >> 6, out); }
      : (k) => { const i = pick[k & 0xffff]; if (puts && (k & 15) === 0) views[i].set(page); else out.set(views[i]); };
  // Warm the JIT before the clock starts, so one thread and four compare steady states.
  for (let k = 0; k < 200_000; k++) op(k);
  parentPort.postMessage('ready');
  Atomics.wait(new Int32Array(go), 0, 0);
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) for (let k = 0; k < 256; k++, n++) op(n);
  parentPort.postMessage(n);
} else {
  const small = residentBench(1024, 200_000);
  const alloc = await allocationCheck(small);
  const large = residentBench(65536, 200_000);
  // Pairs of runs, 1 thread then 4, of each kind in turn: per kind, the median over the pairs
  // of each ratio (the VM's load drifts between runs).
  const measurePairs = async (kinds, onePage) => {
    const runs = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let i = 0; i < 5; i++) {
      for (const k of kinds) runs[k].push([await contention(1, 1000, k, onePage), await contention(4, 1000, k, onePage)]);
    }
    return runs;
  };
  const pairs = await measurePairs(['core', 'ref', 'floor'], false);
  // One page read by all four: the core against the floor (no reference store: its one global
  // lock is the contention).
  const hotPairs = await measurePairs(['core', 'floor'], true);
  const scaling = (k, runs = pairs) => ({
    wall: median(runs[k].map(([a, b]) => b.perWall / a.perWall)),
    // What 4 threads reach on 2 otherwise idle cores: twice the CPU-time throughput of 4
    // threads (which can use both cores) over that of 1 (which can use one).
    cpu: median(runs[k].map(([a, b]) => (2 * b.perCpu) / a.perCpu)),
    cores: median(runs[k].map(([, b]) => b.cores)),
    one: median(runs[k].map(([a]) => a.perWall)),
    four: median(runs[k].map(([, b]) => b.perWall)),
  });
  const core = scaling('core'), refScaling = scaling('ref'), floorScaling = scaling('floor');
  const coreOnePage = scaling('core', hotPairs), floorOnePage = scaling('floor', hotPairs);
  const layout = computeLayout(PS, 65536, 64);
  const fmt = (x) => x.toFixed(2);
  const result = {
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
    getVsFloor1K: small.getVsFloor, getVsFloor64K: large.getVsFloor,
    putVsFloor1K: small.putVsFloor, putVsFloor64K: large.putVsFloor,
    getVsCopy1K: small.getVsCopy, getVsCopy64K: large.getVsCopy,
    putVsCopy1K: small.putVsCopy, putVsCopy64K: large.putVsCopy,
    flatness: large.getVsCopy / small.getVsCopy,
    reference: { getVsCopy1K: small.refGetVsCopy, putVsCopy1K: small.refPutVsCopy, getVsCopy64K: large.refGetVsCopy, putVsCopy64K: large.refPutVsCopy },
    getManyVsSingles: small.getManyVsSingles, putManyVsSingles: small.putManyVsSingles,
    getManyVsFloor: small.getManyVsFloor, putManyVsFloor: small.putManyVsFloor,
    metadataBytesPerFrame: metadataBytesPerFrame(layout),
    gcEventsIn4MOps: alloc.gcEvents,
    contention4vs1: core.cpu,
    contention4vs1Wall: core.wall,
    coresUsedBy4Threads: core.cores,
    floorContention4vs1: floorScaling.cpu,
    referenceContention4vs1: refScaling.cpu,
    coreVsReference4Threads: core.four / refScaling.four,
    onePage4vs1: coreOnePage.cpu,
    floorOnePage4vs1: floorOnePage.cpu,
    ns: { copy1K: small.copyNsPerPage, get1K: small.getNsPerPage, put1K: small.putNsPerPage,
      copy64K: large.copyNsPerPage, get64K: large.getNsPerPage, put64K: large.putNsPerPage },
    opsPerSec: { oneThread: core.one, fourThreads: core.four, referenceOneThread: refScaling.one, referenceFourThreads: refScaling.four },
  };
  const line = (name, v, target) => console.log(`  ${name.padEnd(44)} ${fmt(v).padStart(8)}   target ${target}`);
  console.log(`core (Node, ${result.machine})`);
  line('floor: copy out of a SharedArrayBuffer / copy', small.sabCopyVsCopy, '(physical floor)');
  line('floor: copy into a SharedArrayBuffer / copy', small.sabCopyInVsCopyIn, '(physical floor)');
  line('get hit / floor (copy out of SAB), 1K pages', result.getVsFloor1K, '≤ 1.25');
  line('get hit / floor (copy out of SAB), 64K pages', result.getVsFloor64K, '≤ 1.25');
  line('put / floor (copy into SAB), 1K pages', result.putVsFloor1K, '≤ 1.25');
  line('put / floor (copy into SAB), 64K pages', result.putVsFloor64K, '≤ 1.25');
  line('reference store (global lock) get / copy, 1K', small.refGetVsCopy, '(for scale)');
  line('reference store (global lock) put / copy, 1K', small.refPutVsCopy, '(for scale)');
  line('reference store get / copy, 64K', large.refGetVsCopy, '(for scale)');
  line('get hit / copy, 1K resident pages', result.getVsCopy1K, '≤ 2 (stretch 1.5)');
  line('get hit / copy, 64K resident pages (256 MiB)', result.getVsCopy64K, '≤ 2');
  line('put / copy, 1K resident pages', result.putVsCopy1K, '≤ 2');
  line('put / copy, 64K resident pages', result.putVsCopy64K, '≤ 2');
  line('flatness: get/copy at 64K ÷ at 1K', result.flatness, '≤ 1.2');
  line('getMany(16) / 16 single gets, per page', result.getManyVsSingles, '≤ 0.7');
  line('putMany(16) / 16 single puts, per page', result.putManyVsSingles, '≤ 0.7');
  line('getMany(16) per page / floor (copy out of SAB)', result.getManyVsFloor, '(≥ about 0.95: the copy)');
  line('putMany(16) per page / floor (copy into SAB)', result.putManyVsFloor, '(≥ about 0.95: the copy)');
  line('metadata bytes per frame', result.metadataBytesPerFrame, '≤ 64');
  line('GC events during 4M get/put (0 = no alloc)', result.gcEventsIn4MOps, '0 (≥ 4 if 16 B/op)');
  line('4 threads / 1 thread, read-mostly, per CPU s × 2', result.contention4vs1, '≥ 1.9 (2 cores)');
  line('floor (SAB copies, no store): the same', result.floorContention4vs1, '(physical floor)');
  line('reference store: the same', result.referenceContention4vs1, '(for scale)');
  line('core 4 / 1 threads in wall time (shared VM)', result.contention4vs1Wall, `(cores the 4 got: ${fmt(result.coresUsedBy4Threads)})`);
  line('ops/s with 4 threads: core / reference store', result.coreVsReference4Threads, '(for scale)');
  line('4 / 1 threads, all reading one page, CPU s × 2', result.onePage4vs1, '(readers meet at one bucket)');
  line('floor (SAB copies of one page): the same', result.floorOnePage4vs1, '(physical floor)');
  console.log(`  ns per page: copy ${fmt(result.ns.copy1K)} / get ${fmt(result.ns.get1K)} / put ${fmt(result.ns.put1K)} (1K); copy ${fmt(result.ns.copy64K)} / get ${fmt(result.ns.get64K)} / put ${fmt(result.ns.put64K)} (64K)`);
  if (process.env.BENCH_JSON) console.log(JSON.stringify(result));
}
