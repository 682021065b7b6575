// Every bad input of api.md is refused with a TmemError code and leaves the store unchanged;
// the codes are a fixed table and every message starts with its code's summary from it.
import { describe, expect, it } from 'vitest';
import { build } from 'vite';
import { attach, createStore, TmemError } from '../../worker/core/index.js';
import { ERROR_SUMMARIES, errorMessage, reviveError } from '../../worker/core/errors.js';
import type { TmemStore } from '../../worker/core/index.js';
import { PS, UUID, makeStore, pageOf, same } from './helpers.js';

function refused(code: string, call: () => unknown) {
  let err: unknown;
  try { call(); } catch (e) { err = e; }
  expect(err, `expected a TmemError ${code}`).toBeInstanceOf(TmemError);
  expect((err as TmemError).name).toBe('TmemError');
  expect((err as TmemError).code).toBe(code);
  expect((err as TmemError).message.length).toBeGreaterThan(20);
  expect((err as TmemError).message.startsWith(`${ERROR_SUMMARIES[code as TmemError['code']]}: `)).toBe(true);
}

/** A store with known content; `unchanged()` checks all of it is still there. */
function populated(): { t: TmemStore; p: number; e: number; unchanged: () => void } {
  const t = makeStore(16);
  const p = t.newPool({ persistent: true });
  const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
  for (let i = 0; i < 6; i++) { t.put(p, 1n, i, pageOf(i)); t.put(e, 2n, i, pageOf(50 + i)); }
  t.put(p, 1n, 100, new Uint8Array(PS).fill(3));
  const before = JSON.stringify(t.stats(), (k, v) => (k === 'gets' || k === 'succGets' || k === 'failedGets' ? undefined : v));
  return {
    t, p, e,
    unchanged() {
      const out = new Uint8Array(PS);
      for (let i = 0; i < 6; i++) {
        expect(t.get(p, 1n, i, out)).toBe(true);
        expect(same(out, pageOf(i))).toBe(true);
        expect(t.get(e, 2n, i, out)).toBe(true);
        expect(same(out, pageOf(50 + i))).toBe(true);
      }
      expect(t.get(p, 1n, 100, out)).toBe(true);
      expect(out.every((b) => b === 3)).toBe(true);
      const after = JSON.stringify(t.stats(), (k, v) => (k === 'gets' || k === 'succGets' || k === 'failedGets' ? undefined : v));
      expect(after).toBe(before);
    },
  };
}

describe('bad input is refused and disturbs nothing', () => {
  it('wrong page length, or not a Uint8Array → bad-page-size', () => {
    const { t, p, unchanged } = populated();
    for (const page of [new Uint8Array(PS - 1), new Uint8Array(PS + 1), new Uint8Array(0), new Uint16Array(PS / 2), new ArrayBuffer(PS), [1, 2], null]) {
      refused('bad-page-size', () => t.put(p, 1n, 0, page as Uint8Array));
      refused('bad-page-size', () => t.get(p, 1n, 0, page as Uint8Array));
    }
    refused('bad-page-size', () => t.putMany(p, 1n, 0, new Uint8Array(PS * 2 + 1)));
    refused('bad-page-size', () => t.putMany(p, 1n, 0, new Uint8Array(PS * 2), 3));
    refused('bad-page-size', () => t.getMany(p, 1n, 0, new Uint8Array(PS * 2), 0));
    refused('bad-page-size', () => t.getMany(p, 1n, 0, new Uint8Array(PS * 2), 2, new Uint8Array(1)));
    unchanged();
  });

  it('non-integer, negative or too-large index or object id → bad-handle', () => {
    const { t, p, unchanged } = populated();
    const page = pageOf(77);
    for (const index of [-1, 1.5, 2 ** 32, NaN, Infinity, '1', 1n, null]) {
      refused('bad-handle', () => t.put(p, 1n, index as number, page));
      refused('bad-handle', () => t.get(p, 1n, index as number, new Uint8Array(PS)));
      refused('bad-handle', () => t.flushPage(p, 1n, index as number));
    }
    for (const object of [-1, -1n, 1n << 64n, 1.5, 2 ** 53, NaN, '1', null, {}]) {
      refused('bad-handle', () => t.put(p, object as bigint, 0, page));
      refused('bad-handle', () => t.get(p, object as bigint, 0, new Uint8Array(PS)));
      refused('bad-handle', () => t.flushObject(p, object as bigint));
    }
    refused('bad-handle', () => t.putMany(p, 1n, 2 ** 32 - 1, new Uint8Array(PS * 2)));
    unchanged();
  });

  it('unknown or destroyed pool → bad-pool', () => {
    const { t, unchanged } = populated();
    const gone = t.newPool({ persistent: true });
    t.destroyPool(gone);
    for (const id of [gone, 63, 64, 1000, -1, 0.5, '0', null]) {
      refused('bad-pool', () => t.put(id as number, 1n, 0, pageOf(1)));
      refused('bad-pool', () => t.get(id as number, 1n, 0, new Uint8Array(PS)));
      refused('bad-pool', () => t.flushPage(id as number, 1n, 0));
      refused('bad-pool', () => t.flushObject(id as number, 1n));
      refused('bad-pool', () => t.destroyPool(id as number));
    }
    unchanged();
  });

  it('bad flags → bad-flags / bad-page-size', () => {
    const { t, unchanged } = populated();
    refused('bad-flags', () => t.newPool({ persistent: false, shared: true }));
    refused('bad-flags', () => t.newPool({ persistent: false, shared: true, uuid: 'abc' }));
    refused('bad-flags', () => t.newPool({ persistent: false, shared: true, uuid: 'g'.repeat(32) }));
    refused('bad-flags', () => t.newPool({ persistent: false, shared: true, uuid: UUID + '0' }));
    refused('bad-flags', () => t.newPool({ persistent: true, shared: true, uuid: UUID }));
    refused('bad-flags', () => t.newPool({ persistent: false, exclusiveGets: true }));
    refused('bad-flags', () => t.newPool({ persistent: 'yes' } as never));
    refused('bad-flags', () => t.newPool(null as never));
    refused('bad-flags', () => t.newPool({ persistent: false, uuid: UUID }));
    refused('bad-flags', () => t.newPool({ persistent: true, maxPages: -1 }));
    refused('bad-page-size', () => t.newPool({ persistent: true, pageSize: 8192 }));
    refused('bad-page-size', () => t.newPool({ persistent: true, pageSize: 1000 }));
    expect(t.newPool({ persistent: true, pageSize: PS })).toBeGreaterThanOrEqual(0);
    t.destroyPool(2);
    unchanged();
  });

  it('too many pools → too-many-pools, and ids come back after destroyPool', () => {
    const t = makeStore(4, { maxPools: 3 });
    const ids = [t.newPool({ persistent: true }), t.newPool({ persistent: false }), t.newPool({ persistent: true })];
    t.put(ids[0], 1, 1, pageOf(1));
    refused('too-many-pools', () => t.newPool({ persistent: true }));
    refused('too-many-pools', () => t.newPool({ persistent: false, shared: true, uuid: UUID }));
    const out = new Uint8Array(PS);
    expect(t.get(ids[0], 1, 1, out)).toBe(true);
    t.destroyPool(ids[1]);
    expect(t.newPool({ persistent: true })).toBe(ids[1]);
  });

  it('bad store options → bad-options', () => {
    for (const o of [
      { capacityBytes: 0 }, { capacityBytes: -4096 }, { capacityBytes: NaN }, { capacityBytes: Infinity },
      { capacityBytes: '4096' }, {}, { capacityBytes: 100 }, { capacityBytes: 4096, pageSize: 1000 },
      { capacityBytes: 4096, pageSize: 256 }, { capacityBytes: 1 << 20, pageSize: 131072 },
      { capacityBytes: 4096, pageSize: 4096.5 }, { capacityBytes: 4096, maxPools: 0 },
      { capacityBytes: 4096, maxPools: 5000 }, { capacityBytes: 4096, shared: 'no' },
    ]) refused('bad-options', () => createStore(o as never));
    refused('bad-options', () => createStore(null as never));
    for (const ps of [512, 1024, 65536]) expect(attach(createStore({ capacityBytes: ps * 2, pageSize: ps })).pageSize).toBe(ps);
  });

  it('attaching something that is not a store → bad-buffer', () => {
    const good = createStore({ capacityBytes: 4 * PS });
    refused('bad-buffer', () => attach(new SharedArrayBuffer(good.byteLength)));
    refused('bad-buffer', () => attach(new ArrayBuffer(16)));
    refused('bad-buffer', () => attach(new Uint8Array(good) as never));
    refused('bad-buffer', () => attach({} as never));
    refused('bad-buffer', () => attach(good.slice(0, good.byteLength - PS)));
    const wrongVersion = createStore({ capacityBytes: 4 * PS });
    new Int32Array(wrongVersion)[1] = 999;
    refused('bad-buffer', () => attach(wrongVersion));
    // The refusals did not touch the good store.
    const t = attach(good);
    const p = t.newPool({ persistent: true });
    expect(t.put(p, 1, 1, pageOf(1))).toBe(true);
  });

  it('bad budget → bad-options, budget unchanged', () => {
    const { t, unchanged } = populated();
    for (const b of [-1, NaN, '3', null]) refused('bad-options', () => t.setBudget(b as number));
    expect(t.budgetFrames).toBe(16);
    refused('bad-flags', () => t.setPoolCap(0, -5));
    refused('bad-pool', () => t.setPoolCap(40, 5));
    unchanged();
  });
});

describe('the error table', () => {
  it('holds exactly the documented codes, all kebab-case (renaming one breaks callers)', () => {
    expect(Object.keys(ERROR_SUMMARIES).sort()).toEqual([
      'area-closed', 'area-locked', 'bad-buffer', 'bad-database', 'bad-flags', 'bad-handle', 'bad-name', 'bad-offset',
      'bad-options', 'bad-page-size', 'bad-pool', 'closed', 'disk-error', 'not-supported', 'store-busy', 'too-many-pools',
      'worker-failed', 'worker-gone',
    ]);
    for (const code of Object.keys(ERROR_SUMMARIES)) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('messages come from the table: summary, then the context, then the code', () => {
    for (const code of Object.keys(ERROR_SUMMARIES) as TmemError['code'][]) {
      const bare = new TmemError(code);
      expect(bare.code).toBe(code);
      expect(bare.message.split('\n')[0]).toBe(`${ERROR_SUMMARIES[code]} [${code}]`);
      const e = new TmemError(code, 'put: pool 7');
      expect(e.message.split('\n')[0]).toBe(`${ERROR_SUMMARIES[code]}: put: pool 7 [${code}]`);
      expect(e.message).toBe(errorMessage(code, 'put: pool 7'));
    }
  });

  it('outside production a message carries the longer help', () => {
    expect(process.env.NODE_ENV).not.toBe('production');
    expect(new TmemError('worker-gone').message).toMatch(/\n.*put and get still work/);
  });

  it('a copy that crossed a thread comes back as a TmemError with its code and message', () => {
    const e = new TmemError('bad-pool', 'get: pool 9');
    const copy = reviveError(structuredClone({ name: e.name, code: e.code, message: e.message }));
    expect(copy).toBeInstanceOf(TmemError);
    expect(copy).toMatchObject({ code: 'bad-pool', message: e.message });
    const other = { name: 'Error', message: 'x' };
    expect(reviveError(other)).toBe(other);
  });

  it('a production bundle keeps the summaries and drops the longer help', async () => {
    const out = await build({
      configFile: false, logLevel: 'silent', publicDir: false,
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: { write: false, minify: false, lib: { entry: 'worker/core/errors.ts', formats: ['es'], fileName: () => 'errors.js' } },
    });
    const results = Array.isArray(out) ? out : [out];
    const code = results.flatMap((r) => ('output' in r ? r.output : [])).map((c) => ('code' in c ? c.code : '')).join('');
    expect(code).toContain(ERROR_SUMMARIES['worker-gone']);
    expect(code).not.toContain('put and get still work');
    expect(code).not.toContain('process.env');
  });
});
