// Packing values into records: compressible values get records of 64 KiB of their own (which
// Chromium compresses and keeps inline), the rest records of the log's size (never compressed,
// never a blob file); the layout is exact either way.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looksCompressible } from '../../worker/disk/compressible.js';
import { pack } from '../../worker/disk/pack.js';
import { COMPRESSED_RECORD_BYTES, DEFAULT_RECORD_BYTES, compressedRecordBytes } from '../../worker/disk/format.js';

const PAGE = 4096;
/** A page no compressor shrinks: a hash of its index and word. */
function hashPage(i: number): Uint8Array {
  const p = new Uint8Array(PAGE);
  const v = new Uint32Array(p.buffer);
  for (let k = 0; k < v.length; k++) v[k] = Math.imul(i + 1, 2654435761) ^ k;
  return p;
}
/** Half random bytes, half zeros: Snappy halves it. */
function halfPage(seed: number): Uint8Array {
  const p = new Uint8Array(PAGE);
  let x = seed + 1;
  for (let k = 0; k < PAGE / 2; k++) { x = Math.imul(x ^ (x >>> 15), 2246822507) + k; p[k] = x >>> 24; }
  return p;
}
function textPage(i: number): Uint8Array {
  const s = `{"id":${i},"name":"item ${i}","tags":["a","b"],"ok":true}\n`.repeat(80);
  return new TextEncoder().encode(s).slice(0, PAGE);
}

describe('looksCompressible', () => {
  it('says yes to zeros, fills, half-empty pages and text, no to hashed pages and small values', () => {
    expect(looksCompressible(new Uint8Array(PAGE))).toBe(true);
    expect(looksCompressible(new Uint8Array(PAGE).fill(7))).toBe(true);
    expect(looksCompressible(halfPage(3))).toBe(true);
    expect(looksCompressible(textPage(5))).toBe(true);
    expect(looksCompressible(hashPage(9))).toBe(false);
    expect(looksCompressible(new Uint8Array(512))).toBe(false); // below the sample: plain records
  });

  it('never calls random bytes compressible, at any length and alignment', () => {
    fc.assert(fc.property(fc.integer({ min: 1024, max: 3 * PAGE }), fc.integer({ min: 0, max: 3 }), fc.integer(), (len, off, seed) => {
      const buf = new Uint8Array(len + off);
      let x = seed | 1;
      for (let k = 0; k < buf.length; k++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; buf[k] = x; }
      return !looksCompressible(buf.subarray(off));
    }), { numRuns: 200 });
  });
});

describe('pack', () => {
  it('puts compressible pages 16 to a 64 KiB record and the others 15 to a 60 KiB one, keys in the order given', () => {
    const values: [number, Uint8Array][] = [];
    for (let i = 0; i < 40; i++) values.push([i, i % 2 === 0 ? halfPage(i) : hashPage(i)]);
    const p = pack(values, 10, DEFAULT_RECORD_BYTES, compressedRecordBytes(DEFAULT_RECORD_BYTES));
    expect(p.recs).toEqual([[10, 16 * PAGE], [11, 15 * PAGE], [12, 5 * PAGE], [13, 4 * PAGE]]);
    expect(p.records.map((r) => r.id)).toEqual([10, 11, 12, 13]);
    // Every value's slot is where its bytes are, and slots of a record are back to back.
    for (const [key, rec, off, len] of p.puts) {
      const r = p.records.find((x) => x.id === rec)!;
      let at = 0;
      const v = r.values.find((b) => { const hit = at === off; at += b.byteLength; return hit; })!;
      expect(v).toBe(values[key as number][1]);
      expect(len).toBe(PAGE);
    }
    expect(p.puts.map((s) => s[0])).toEqual(values.map(([k]) => k));
  });

  it('without a compressed size, or for logs whose records are already 64 KiB, packs as before', () => {
    const values: [number, Uint8Array][] = Array.from({ length: 20 }, (_, i) => [i, new Uint8Array(PAGE)]);
    expect(pack(values, 0, DEFAULT_RECORD_BYTES).recs).toEqual([[0, 15 * PAGE], [1, 5 * PAGE]]);
    expect(compressedRecordBytes(COMPRESSED_RECORD_BYTES)).toBeUndefined();
    expect(compressedRecordBytes(DEFAULT_RECORD_BYTES)).toBe(COMPRESSED_RECORD_BYTES);
  });
});
