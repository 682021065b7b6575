// One test (at least) per rule of docs/tmem-rules.md, numbered as there.
import { describe, expect, it } from 'vitest';
import { PS, UUID, makeStore, pageOf, same } from './helpers.js';

const buf = () => new Uint8Array(PS);

describe('tmem rules', () => {
  it('1: put copies (caller may reuse its buffer) and get copies into the caller buffer', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    const page = pageOf(1);
    expect(t.put(p, 1n, 0, page)).toBe(true);
    page.fill(0xee); // reuse at once
    const out = buf();
    expect(t.get(p, 1n, 0, out)).toBe(true);
    expect(same(out, pageOf(1))).toBe(true);
    out.fill(0); // the store's copy is not the caller's
    const again = buf();
    t.get(p, 1n, 0, again);
    expect(again).toEqual(pageOf(1));
  });

  it('2: any put may be rejected, and a rejection is a false return, not an exception', () => {
    const t = makeStore(2);
    const p = t.newPool({ persistent: true });
    expect(t.put(p, 1, 0, pageOf(1))).toBe(true);
    expect(t.put(p, 1, 1, pageOf(2))).toBe(true);
    expect(t.put(p, 1, 2, pageOf(3))).toBe(false);
    const s = t.stats().pools[0];
    expect([s.succPuts, s.failedPuts]).toEqual([2, 1]);
  });

  it('3: persistent pages stay until flushed; gets are non-destructive; exclusiveGets drops on get', () => {
    const t = makeStore(32);
    const p = t.newPool({ persistent: true });
    const x = t.newPool({ persistent: true, exclusiveGets: true });
    for (let i = 0; i < 10; i++) { t.put(p, 7, i, pageOf(i)); t.put(x, 7, i, pageOf(i)); }
    const out = buf();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10; i++) {
        expect(t.get(p, 7, i, out)).toBe(true);
        expect(same(out, pageOf(i))).toBe(true);
      }
    }
    expect(t.get(x, 7, 3, out)).toBe(true);
    expect(same(out, pageOf(3))).toBe(true);
    expect(t.get(x, 7, 3, out)).toBe(false);
    expect(t.stats().pools.find((s) => s.id === x)!.pages).toBe(9);
  });

  it('4: an ephemeral hit returns exactly the latest put of that handle', () => {
    const t = makeStore(8);
    const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
    const out = buf();
    for (let v = 0; v < 50; v++) {
      for (let i = 0; i < 12; i++) t.put(e, i, 0, pageOf(v * 100 + i));
      for (let i = 0; i < 12; i++) if (t.get(e, i, 0, out)) expect(same(out, pageOf(v * 100 + i))).toBe(true);
    }
  });

  it('5: private ephemeral gets are exclusive; shared gets are not and refresh recency', () => {
    const t = makeStore(4);
    const priv = t.newPool({ persistent: false });
    const out = buf();
    t.put(priv, 1, 1, pageOf(1));
    expect(t.get(priv, 1, 1, out)).toBe(true);
    expect(t.get(priv, 1, 1, out)).toBe(false);
    t.destroyPool(priv);

    const sh = t.newPool({ persistent: false, shared: true, uuid: UUID });
    for (let i = 0; i < 4; i++) expect(t.put(sh, 0, i, pageOf(i))).toBe(true);
    expect(t.get(sh, 0, 0, out)).toBe(true);
    expect(t.get(sh, 0, 0, out)).toBe(true); // non-destructive
    // Keep page 0 hot while new pages push the store past its 4 frames, one at a time.
    for (let i = 4; i < 40; i++) {
      expect(t.get(sh, 0, 0, out)).toBe(true);
      expect(same(out, pageOf(0))).toBe(true);
      t.put(sh, 0, i, pageOf(i));
    }
    expect(t.get(sh, 0, 0, out)).toBe(true);
    expect(t.stats().pools[0].evictions).toBeGreaterThan(30);
  });

  it('5: the same uuid joins the same pool; another uuid makes another', () => {
    const t = makeStore(4);
    const a = t.newPool({ persistent: false, shared: true, uuid: UUID });
    const b = t.newPool({ persistent: false, shared: true, uuid: UUID.toLowerCase() });
    const c = t.newPool({ persistent: false, shared: true, uuid: 'f'.repeat(32) });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(t.stats().pools.find((s) => s.id === a)!.uuid).toBe(UUID.toLowerCase());
  });

  it('6: put-put-get returns the second page, never the first', () => {
    const t = makeStore(8);
    for (const persistent of [true, false]) {
      const p = t.newPool({ persistent });
      t.put(p, 3, 3, pageOf(1));
      t.put(p, 3, 3, pageOf(2));
      const out = buf();
      const hit = t.get(p, 3, 3, out);
      if (persistent) expect(hit).toBe(true);
      if (hit) expect(same(out, pageOf(2))).toBe(true);
      expect(t.stats().pools.find((s) => s.id === p)!.dupPutsReplaced).toBe(1);
    }
  });

  it('6: a rejected duplicate put flushes the old page (dup_puts_flushed)', () => {
    const t = makeStore(2);
    const p = t.newPool({ persistent: true });
    const zero = new Uint8Array(PS);
    t.put(p, 1, 0, pageOf(1));
    t.put(p, 1, 1, pageOf(2));
    expect(t.put(p, 1, 2, zero)).toBe(true); // same-filled: no frame needed
    // Handle (1,2) now needs a frame for real data and none is left: rejected, and the old
    // same-filled page must not survive.
    expect(t.put(p, 1, 2, pageOf(3))).toBe(false);
    expect(t.get(p, 1, 2, buf())).toBe(false);
    const s = t.stats().pools[0];
    expect(s.dupPutsFlushed).toBe(1);
    expect(s.pages).toBe(2);
  });

  it('7: get-get: a miss stays a miss until a put of that handle', () => {
    const t = makeStore(4);
    const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
    const out = buf();
    for (let i = 0; i < 64; i++) t.put(e, 1, i, pageOf(i));
    for (let i = 0; i < 64; i++) {
      if (!t.get(e, 1, i, out)) for (let k = 0; k < 3; k++) expect(t.get(e, 1, i, out)).toBe(false);
    }
    t.put(e, 1, 0, pageOf(99));
    expect(t.get(e, 1, 0, out)).toBe(true);
  });

  it('8: flushPage makes later gets miss; flushing an absent handle is a no-op', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    t.put(p, 1, 1, pageOf(1));
    t.put(p, 1, 2, pageOf(2));
    t.flushPage(p, 1, 1);
    t.flushPage(p, 1, 1);
    t.flushPage(p, 99, 99);
    const out = buf();
    expect(t.get(p, 1, 1, out)).toBe(false);
    expect(t.get(p, 1, 2, out)).toBe(true);
    const s = t.stats();
    expect(s.pools[0].pages).toBe(1);
    expect(s.pools[0].flushes).toBe(3);
    expect(s.usedFrames).toBe(1);
  });

  it('8: flushObject flushes every index of the object in that pool and nothing else', () => {
    const t = makeStore(64);
    const p = t.newPool({ persistent: true });
    const q = t.newPool({ persistent: true });
    for (let i = 0; i < 10; i++) {
      t.put(p, 5n, i, pageOf(i));
      t.put(p, 6n, i, pageOf(i + 10));
      t.put(q, 5n, i, pageOf(i + 20));
    }
    t.put(p, 5n, 0xffffffff, new Uint8Array(PS)); // same-filled entries go too
    t.flushObject(p, 5n);
    const out = buf();
    for (let i = 0; i < 10; i++) {
      expect(t.get(p, 5n, i, out)).toBe(false);
      expect(t.get(p, 6n, i, out)).toBe(true);
      expect(t.get(q, 5n, i, out)).toBe(true);
      expect(same(out, pageOf(i + 20))).toBe(true);
    }
    expect(t.get(p, 5n, 0xffffffff, out)).toBe(false);
    expect(t.stats().pools.map((s) => s.pages)).toEqual([10, 10]);
  });

  it('9: destroyPool frees its frames, later calls fail clearly, a reused id starts empty', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    for (let i = 0; i < 8; i++) t.put(p, 1, i, pageOf(i));
    t.put(p, 2, 0, new Uint8Array(PS));
    expect(t.stats().usedFrames).toBe(8);
    t.destroyPool(p);
    expect(t.stats().usedFrames).toBe(0);
    expect(t.stats().persistentFrames).toBe(0);
    for (const call of [
      () => t.get(p, 1, 0, buf()), () => t.put(p, 1, 0, pageOf(1)), () => t.flushPage(p, 1, 0),
      () => t.flushObject(p, 1), () => t.destroyPool(p),
    ]) expect(call).toThrow(expect.objectContaining({ name: 'TmemError', code: 'bad-pool' }));
    const again = t.newPool({ persistent: true });
    expect(again).toBe(p);
    expect(t.get(again, 1, 0, buf())).toBe(false);
    expect(t.get(again, 2, 0, buf())).toBe(false);
    const s = t.stats().pools[0];
    expect([s.pages, s.puts, s.gets, s.sameFilledPages]).toEqual([0, 0, 2, 0]);
  });

  it('10: ephemeral pages are evicted (oldest first) before a persistent put is rejected', () => {
    const t = makeStore(8);
    const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
    const p = t.newPool({ persistent: true });
    for (let i = 0; i < 8; i++) expect(t.put(e, 0, i, pageOf(i))).toBe(true);
    for (let i = 0; i < 8; i++) expect(t.put(p, 0, i, pageOf(100 + i))).toBe(true);
    expect(t.put(p, 0, 8, pageOf(108))).toBe(false);
    const out = buf();
    for (let i = 0; i < 8; i++) {
      expect(t.get(p, 0, i, out)).toBe(true);
      expect(same(out, pageOf(100 + i))).toBe(true);
    }
    // Persistent pages are never evicted: an ephemeral put now finds no victim.
    expect(t.put(e, 0, 99, pageOf(1))).toBe(false);
    const es = t.stats().pools.find((s) => s.id === e)!;
    expect(es.evictions).toBe(8);
    expect(es.pages).toBe(0);
  });

  it('10: eviction approximates LRU: untouched pages go before recently read ones', () => {
    const t = makeStore(32);
    const e = t.newPool({ persistent: false, shared: true, uuid: UUID });
    for (let i = 0; i < 32; i++) t.put(e, 0, i, pageOf(i)); // frames 0..31, oldest first
    // The 33rd put finds no free frame: the hand goes once round, lowering every page's count
    // (a put's) to none, then evicts frame 0 (page 0) and stops at frame 1.
    t.put(e, 1, 0, pageOf(100));
    // Pages 1..16 are read now: the oldest, next in line. Pages 17..31 stay untouched.
    const out = buf();
    for (let i = 1; i <= 16; i++) expect(t.get(e, 0, i, out)).toBe(true);
    // 16 more puts: plain FIFO would evict the read pages 1..16; CLOCK passes over them (a read
    // gives one more lap) and takes the untouched 17..31, then the unread page of the 33rd put.
    for (let i = 1; i <= 16; i++) t.put(e, 1, i, pageOf(100 + i));
    let hotHits = 0, coldHits = 0;
    for (let i = 1; i <= 16; i++) if (t.get(e, 0, i, out)) hotHits++;
    for (let i = 17; i < 32; i++) if (t.get(e, 0, i, out)) coldHits++;
    expect([hotHits, coldHits]).toEqual([16, 0]);
  });

  it('12: counters add up and pages equals the live handles', () => {
    const t = makeStore(16);
    const e = t.newPool({ persistent: false });
    const p = t.newPool({ persistent: true });
    const out = buf();
    for (let i = 0; i < 40; i++) {
      t.put(e, i % 5, i, pageOf(i));
      t.put(p, i % 3, i % 20, i % 4 === 0 ? new Uint8Array(PS) : pageOf(i));
      t.get(e, i % 5, i - 3 < 0 ? 0 : i - 3, out);
      t.get(p, 1, i % 20, out);
      if (i % 7 === 0) t.flushPage(p, i % 3, i % 20);
    }
    for (const s of t.stats().pools) {
      expect(s.puts).toBe(s.succPuts + s.failedPuts);
      expect(s.gets).toBe(s.succGets + s.failedGets);
    }
    let live = 0;
    for (let o = 0; o < 3; o++) for (let i = 0; i < 20; i++) if (t.get(p, o, i, out)) live++;
    expect(t.stats().pools.find((s) => s.id === p)!.pages).toBe(live);
  });

  it('13: same-filled pages take no frame and round-trip exactly', () => {
    const t = makeStore(2);
    const p = t.newPool({ persistent: true });
    for (let b = 0; b < 256; b += 17) expect(t.put(p, 1, b, new Uint8Array(PS).fill(b))).toBe(true);
    const s = t.stats();
    expect(s.usedFrames).toBe(0);
    expect(s.pools[0].sameFilledPages).toBe(16);
    const out = buf();
    for (let b = 0; b < 256; b += 17) {
      out.fill(b ^ 0xff);
      expect(t.get(p, 1, b, out)).toBe(true);
      expect(out.every((x) => x === b)).toBe(true);
    }
    // A same-filled page turned into a real one takes a frame, and back again frees it.
    t.put(p, 1, 0, pageOf(5));
    expect(t.stats().usedFrames).toBe(1);
    t.put(p, 1, 0, new Uint8Array(PS));
    expect(t.stats().usedFrames).toBe(0);
    expect(t.stats().pools[0].sameFilledPages).toBe(16);
  });
});

describe('handles', () => {
  it('bigint and number object ids name the same page; the full 64-bit range works', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    t.put(p, 42, 7, pageOf(1));
    const out = buf();
    expect(t.get(p, 42n, 7, out)).toBe(true);
    t.put(p, (1n << 64n) - 1n, 0xffffffff, pageOf(2));
    t.put(p, 1n << 63n, 0, pageOf(3));
    t.put(p, Number.MAX_SAFE_INTEGER, 0, pageOf(4));
    expect(t.get(p, (1n << 64n) - 1n, 0xffffffff, out)).toBe(true);
    expect(same(out, pageOf(2))).toBe(true);
    expect(t.get(p, 1n << 63n, 0, out)).toBe(true);
    expect(same(out, pageOf(3))).toBe(true);
    expect(t.get(p, BigInt(Number.MAX_SAFE_INTEGER), 0, out)).toBe(true);
    expect(same(out, pageOf(4))).toBe(true);
    expect(t.get(p, 0n, 0, out)).toBe(false);
  });

  it('accepts any Uint8Array view of the right length, shared or not', () => {
    const t = makeStore(8);
    const p = t.newPool({ persistent: true });
    const big = new Uint8Array(PS * 3 + 5);
    big.set(pageOf(9), 5);
    expect(t.put(p, 1, 1, big.subarray(5, 5 + PS))).toBe(true);
    const sab = new Uint8Array(new SharedArrayBuffer(PS * 2), PS, PS);
    expect(t.get(p, 1, 1, sab)).toBe(true);
    expect(new Uint8Array(sab)).toEqual(pageOf(9));
  });
});
