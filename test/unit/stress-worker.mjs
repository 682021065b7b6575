// One stress thread: mixed operations on a shared ephemeral pool (all threads race on the same
// handles) and on its own objects of a persistent pool (exact model). Every page read is
// checked: a stamp (object, index, writer, version) and a body derived from the stamp, so a
// torn page (half of one put, half of another) or another handle's page is caught.
import { parentPort, workerData } from 'node:worker_threads';

// The core compiled from the sources (helpers.ts coreForWorkers), not dist/.
const { buffer, id, ops, sharedPool, persistentPool, pageSize, coreUrl } = workerData;
const { attach } = await import(coreUrl);
const t = attach(buffer);
const out = new Uint8Array(pageSize);
const page = new Uint8Array(pageSize);
const v32 = new Uint32Array(page.buffer);
const o32 = new Uint32Array(out.buffer);
const many = new Uint8Array(pageSize * 4);
const hits = new Uint8Array(4);

function fill(obj, idx, writer, version) {
  v32[0] = obj; v32[1] = idx; v32[2] = writer; v32[3] = version;
  let x = (obj * 73856093) ^ (idx * 19349663) ^ (writer * 83492791) ^ (version * 2654435761);
  for (let i = 4; i < v32.length; i++) { x = (Math.imul(x, 1664525) + 1013904223) | 0; v32[i] = x; }
}
function check(obj, idx) {
  if (o32[0] !== obj || o32[1] !== idx) throw new Error(`cross-talk: asked ${obj}/${idx}, got ${o32[0]}/${o32[1]}`);
  let x = (o32[0] * 73856093) ^ (o32[1] * 19349663) ^ (o32[2] * 83492791) ^ (o32[3] * 2654435761);
  for (let i = 4; i < o32.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) | 0;
    if (o32[i] !== (x >>> 0)) throw new Error(`torn page at word ${i} of ${obj}/${idx} (writer ${o32[2]} v${o32[3]})`);
  }
  return o32[3];
}

let rng = 0x9e3779b9 ^ (id * 7919);
const rand = (n) => { rng = (Math.imul(rng, 1103515245) + 12345) | 0; return ((rng >>> 8) % n); };
const mine = new Map(); // persistent model: key → version
let version = 0;
const counts = { sharedHits: 0, sharedMisses: 0, puts: 0, rejected: 0, persistentChecked: 0 };
const myObj = (o) => id * 1000 + o;

for (let n = 0; n < ops; n++) {
  const r = rand(100);
  if (r < 8) { // batched shared get of 4 consecutive pages: every hit must be whole and its own
    const obj = rand(8), idx = rand(61);
    t.getMany(sharedPool, obj, idx, many, 4, hits);
    for (let i = 0; i < 4; i++) {
      if (!hits[i]) continue;
      out.set(many.subarray(i * pageSize, (i + 1) * pageSize));
      check(obj, idx + i);
    }
  } else if (r < 45) { // shared ephemeral get (read-mostly mix)
    const obj = rand(8), idx = rand(64);
    if (t.get(sharedPool, obj, idx, out)) { check(obj, idx); counts.sharedHits++; } else counts.sharedMisses++;
  } else if (r < 60) { // shared ephemeral put, racing other threads on the same handles
    const obj = rand(8), idx = rand(64);
    fill(obj, idx, id, ++version);
    t.put(sharedPool, obj, idx, page);
    counts.puts++;
  } else if (r < 63) {
    t.flushPage(sharedPool, rand(8), rand(64));
  } else if (r < 80) { // persistent put on my own objects
    const obj = myObj(rand(4)), idx = rand(32);
    fill(obj, idx, id, ++version);
    if (t.put(persistentPool, BigInt(obj), idx, page)) mine.set(`${obj}/${idx}`, version);
    else { mine.delete(`${obj}/${idx}`); counts.rejected++; }
  } else if (r < 97) { // persistent get must match my model exactly
    const obj = myObj(rand(4)), idx = rand(32);
    const want = mine.get(`${obj}/${idx}`);
    const hit = t.get(persistentPool, BigInt(obj), idx, out);
    if (hit !== (want !== undefined)) throw new Error(`lost or resurrected persistent page ${obj}/${idx}: hit=${hit} want=${want}`);
    if (hit && check(obj, idx) !== want) throw new Error(`stale persistent page ${obj}/${idx}`);
    counts.persistentChecked++;
  } else {
    const obj = myObj(rand(4)), idx = rand(32);
    t.flushPage(persistentPool, obj, idx);
    mine.delete(`${obj}/${idx}`);
  }
}
parentPort.postMessage({ id, counts, model: [...mine] });
