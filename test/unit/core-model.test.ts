// Model-based test: long random sequences of operations against a plain reference model.
// Persistent pools must match the model exactly; ephemeral pools may miss, but a hit must be
// the latest put, and a miss must stay a miss until the next put (rules 3, 4, 6, 7).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attach, createStore } from '../../worker/core/index.js';

const PS = 512;
const SEEDS = 24;
const pages: Uint8Array[] = [];
for (let s = 0; s < SEEDS; s++) {
  const p = new Uint8Array(PS);
  if (s < 4) p.fill(s * 60); // same-filled pages take the frameless path
  else for (let i = 0; i < PS; i++) p[i] = (s * 31 + i * 7 + (i >> 3)) & 0xff;
  pages.push(p);
}
const seedOf = (b: Uint8Array) => pages.findIndex((p) => p.every((x, i) => x === b[i]));

type Kind = 'persistent' | 'exclusive' | 'private-eph' | 'shared-eph';
type Op =
  | { op: 'new'; kind: Kind }
  | { op: 'destroy'; pool: number }
  | { op: 'put'; pool: number; obj: number; idx: number; seed: number }
  | { op: 'get'; pool: number; obj: number; idx: number }
  | { op: 'flushPage'; pool: number; obj: number; idx: number }
  | { op: 'flushObject'; pool: number; obj: number }
  | { op: 'budget'; frames: number }
  | { op: 'putMany'; pool: number; obj: number; idx: number; seeds: number[] }
  | { op: 'getMany'; pool: number; obj: number; idx: number; n: number };

const handle = { pool: fc.nat(5), obj: fc.nat(3), idx: fc.nat(5) };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('new' as const), kind: fc.constantFrom<Kind>('persistent', 'exclusive', 'private-eph', 'shared-eph') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('destroy' as const), pool: fc.nat(5) }) },
  { weight: 12, arbitrary: fc.record({ op: fc.constant('put' as const), ...handle, seed: fc.nat(SEEDS - 1) }) },
  { weight: 10, arbitrary: fc.record({ op: fc.constant('get' as const), ...handle }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flushPage' as const), ...handle }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flushObject' as const), pool: fc.nat(5), obj: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('budget' as const), frames: fc.nat(8) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('putMany' as const), pool: fc.nat(5), obj: fc.nat(3), idx: fc.nat(4), seeds: fc.array(fc.nat(SEEDS - 1), { minLength: 1, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('getMany' as const), pool: fc.nat(5), obj: fc.nat(3), idx: fc.nat(4), n: fc.integer({ min: 1, max: 3 }) }) },
);

interface ModelPool { kind: Kind; pages: Map<string, number> }

function run(ops: Op[]) {
  const FRAMES = 6;
  const t = attach(createStore({ capacityBytes: FRAMES * PS, pageSize: PS, maxPools: 6, shared: false }));
  const model = new Map<number, ModelPool>();
  const out = new Uint8Array(PS);
  let uuidN = 0;
  for (const o of ops) {
    const mp = 'pool' in o ? model.get(o.pool) : undefined;
    const key = 'obj' in o ? `${o.obj}/${'idx' in o ? o.idx : ''}` : '';
    if ('pool' in o && !mp) {
      expect(() => (o.op === 'destroy' ? t.destroyPool(o.pool) : t.flushObject(o.pool, 0))).toThrow(/bad-pool/);
      continue;
    }
    switch (o.op) {
      case 'new': {
        if (model.size >= 6) { expect(() => t.newPool({ persistent: true })).toThrow(/too-many-pools/); break; }
        const id = t.newPool(
          o.kind === 'persistent' ? { persistent: true }
            : o.kind === 'exclusive' ? { persistent: true, exclusiveGets: true }
              : o.kind === 'private-eph' ? { persistent: false }
                : { persistent: false, shared: true, uuid: (++uuidN).toString(16).padStart(32, '0') },
        );
        expect(model.has(id)).toBe(false);
        model.set(id, { kind: o.kind, pages: new Map() });
        break;
      }
      case 'destroy':
        t.destroyPool(o.pool);
        model.delete(o.pool);
        break;
      case 'put': {
        const ok = t.put(o.pool, o.obj, o.idx, pages[o.seed]);
        if (ok) mp!.pages.set(`${o.obj}/${o.idx}`, o.seed);
        else mp!.pages.delete(`${o.obj}/${o.idx}`); // rule 6
        break;
      }
      case 'get': {
        out.fill(0xaa);
        const hit = t.get(o.pool, o.obj, o.idx, out);
        const want = mp!.pages.get(key);
        const persistent = mp!.kind === 'persistent' || mp!.kind === 'exclusive';
        if (persistent) expect(hit).toBe(want !== undefined);
        if (hit) {
          expect(want).toBeDefined();
          expect(seedOf(out)).toBe(want);
        }
        // Exclusive gets drop the page; an ephemeral miss must stay a miss (rule 7).
        if (!hit || mp!.kind === 'exclusive' || mp!.kind === 'private-eph') mp!.pages.delete(key);
        break;
      }
      case 'flushPage':
        t.flushPage(o.pool, o.obj, o.idx);
        mp!.pages.delete(key);
        break;
      case 'flushObject':
        t.flushObject(o.pool, o.obj);
        for (const k of [...mp!.pages.keys()]) if (k.startsWith(`${o.obj}/`)) mp!.pages.delete(k);
        break;
      case 'budget':
        t.setBudget(o.frames);
        break;
      case 'putMany': {
        const src = new Uint8Array(o.seeds.length * PS);
        o.seeds.forEach((seed, i) => src.set(pages[seed], i * PS));
        const stored = t.putMany(o.pool, o.obj, o.idx, src);
        expect(stored).toBeGreaterThanOrEqual(0);
        o.seeds.forEach((seed, i) => {
          // Stored prefix; the rest was flushed (rule 6).
          if (i < stored) mp!.pages.set(`${o.obj}/${o.idx + i}`, seed);
          else mp!.pages.delete(`${o.obj}/${o.idx + i}`);
        });
        break;
      }
      case 'getMany': {
        const into = new Uint8Array(o.n * PS).fill(0xaa);
        const hits = new Uint8Array(o.n);
        const got = t.getMany(o.pool, o.obj, o.idx, into, o.n, hits);
        expect(got).toBe(hits.reduce((a, b) => a + b, 0));
        const persistent = mp!.kind === 'persistent' || mp!.kind === 'exclusive';
        for (let i = 0; i < o.n; i++) {
          const k = `${o.obj}/${o.idx + i}`;
          const want = mp!.pages.get(k);
          if (persistent) expect(hits[i]).toBe(want !== undefined ? 1 : 0);
          if (hits[i]) expect(seedOf(into.subarray(i * PS, (i + 1) * PS))).toBe(want);
          if (!hits[i] || mp!.kind === 'exclusive' || mp!.kind === 'private-eph') mp!.pages.delete(k);
        }
        break;
      }
    }
    const s = t.stats();
    expect(s.usedFrames).toBeLessThanOrEqual(FRAMES);
    expect(s.usedFrames).toBe(s.ephemeralFrames + s.persistentFrames);
    for (const ps of s.pools) {
      expect(ps.puts).toBe(ps.succPuts + ps.failedPuts);
      expect(ps.gets).toBe(ps.succGets + ps.failedGets);
      const m = model.get(ps.id)!;
      if (m.kind === 'persistent' || m.kind === 'exclusive') expect(ps.pages).toBe(m.pages.size);
      else expect(ps.pages).toBeLessThanOrEqual(m.pages.size);
    }
  }
  // Finally every persistent page in the model reads back exactly.
  for (const [id, m] of model) {
    if (m.kind !== 'persistent') continue;
    for (const [k, seed] of m.pages) {
      const [obj, idx] = k.split('/').map(Number);
      expect(t.get(id, obj, idx, out)).toBe(true);
      expect(seedOf(out)).toBe(seed);
    }
  }
}

describe('model-based', () => {
  it('random operation sequences match the reference model', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 20, maxLength: 300 }), (ops) => run([{ op: 'new', kind: 'persistent' }, { op: 'new', kind: 'shared-eph' }, ...ops])), {
      numRuns: 300,
    });
  });
});
