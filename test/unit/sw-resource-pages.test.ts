import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodePages, encodePages, FIXED_HEADER_BYTES, pagesFor, peekHeader, rereadPages, verifiedPut, type PageRecord, type ResourceRecord,
} from '../../worker/cleancache/record/resource-pages.js';

const KEY = 'https://app.example/data.bin\naccept-language: fr';

function resource(body: Uint8Array<ArrayBuffer>, over: Partial<ResourceRecord> = {}): ResourceRecord {
  return {
    kind: 'resource', key: KEY, status: 200, statusText: 'OK',
    headers: [['content-type', 'application/octet-stream'], ['etag', '"v1"']],
    body, requestTime: 1_700_000_000_000, responseTime: 1_700_000_000_123.5, generation: 7, ...over,
  };
}

function bytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

// Body length that ends the stream exactly at the end of the last of `pages` pages.
function exactFill(record: ResourceRecord, pageSize: number, pages: number): number {
  const empty = encodePages({ ...record, body: new Uint8Array(0) }, pageSize);
  const header = new DataView(empty.buffer);
  const headerBytes = FIXED_HEADER_BYTES + header.getUint32(4 + 12, true) + header.getUint32(4 + 16, true);
  return pages * (pageSize - 4) - headerBytes;
}

describe('round trip', () => {
  const cases: [string, (ps: number) => number][] = [
    ['an empty body', () => 0],
    ['one byte', () => 1],
    ['exactly one page of body', (ps) => ps],
    ['a body that fills the last page to its end', (ps) => exactFill(resource(new Uint8Array(0)), ps, 3)],
  ];
  for (const pageSize of [512, 4096]) {
    for (const [name, size] of cases) {
      it(`${name}, pages of ${pageSize}`, () => {
        const record = resource(bytes(size(pageSize)));
        const pages = encodePages(record, pageSize);
        expect(pages.length % pageSize).toBe(0);
        expect(decodePages(pages, pageSize, KEY)).toEqual(record);
      });
    }
  }

  it('a multi-megabyte body, byte-exact, in the page count it announces', () => {
    const body = bytes(4 * 1024 * 1024 + 3, 99);
    const pages = encodePages(resource(body), 4096);
    const peek = peekHeader(pages.subarray(0, 4096), 4096, KEY);
    expect(peek?.pageCount).toBe(pages.length / 4096);
    expect(peek?.bodyBytes).toBe(body.length);
    const back = decodePages(pages, 4096, KEY);
    expect(back?.kind === 'resource' && Buffer.compare(back.body, body)).toBe(0);
  });

  it('the exact fill uses no extra page', () => {
    const record = resource(new Uint8Array(0));
    const n = exactFill(record, 512, 3);
    expect(encodePages(resource(bytes(n)), 512).length).toBe(3 * 512);
    expect(encodePages(resource(bytes(n + 1)), 512).length).toBe(4 * 512);
  });

  it('a header longer than a page continues into the next pages', () => {
    const key = `https://app.example/${'k'.repeat(300)}`;
    const record = resource(bytes(10), { key, headers: [['x-long', 'v'.repeat(500)]] });
    const pages = encodePages(record, 64);
    const meta = JSON.stringify({ s: 200, t: 'OK', h: record.headers }).length;
    expect(pages.length / 64).toBe(pagesFor(key.length, meta, 10, 64));
    expect(peekHeader(pages.subarray(0, 64), 64, key)?.pageCount).toBe(pages.length / 64);
    expect(decodePages(pages, 64, key)).toEqual(record);
  });

  it('a vary record', () => {
    const record: PageRecord = { kind: 'vary', key: 'https://a.example/x', vary: ['accept', 'accept-language'],
      requestTime: 1, responseTime: 2, generation: 0xffffffff };
    expect(decodePages(encodePages(record, 512), 512, 'https://a.example/x')).toEqual(record);
  });

  it('reads pages from unaligned and shared buffers', () => {
    const record = resource(bytes(2000));
    const pages = encodePages(record, 512);
    const unaligned = new Uint8Array(pages.length + 1).subarray(1);
    unaligned.set(pages);
    expect(decodePages(unaligned, 512, KEY)).toEqual(record);
    const shared = new Uint8Array(new SharedArrayBuffer(pages.length));
    shared.set(pages);
    expect(decodePages(shared, 512, KEY)).toEqual(record);
  });

  it('any record round-trips (property)', () => {
    const header = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.string({ maxLength: 40 }));
    fc.assert(fc.property(
      fc.record({
        key: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
        status: fc.integer({ min: 200, max: 599 }),
        statusText: fc.string({ maxLength: 20 }),
        headers: fc.array(header, { maxLength: 6 }),
        body: fc.uint8Array({ maxLength: 3000 }),
        generation: fc.nat({ max: 0xffffffff }),
        requestTime: fc.double({ noNaN: true }),
      }),
      fc.constantFrom(64, 128, 512, 4096),
      (r, pageSize) => {
        const record = resource(new Uint8Array(r.body), { ...r, body: new Uint8Array(r.body), responseTime: r.requestTime });
        const pages = encodePages(record, pageSize);
        const decoded = decodePages(pages, pageSize, r.key);
        expect(decoded).toEqual(record);
        // The fast re-read of the same put gives the same record; the body and key are
        // walked across page boundaries at every offset the key and meta lengths make.
        const put = verifiedPut(pages, pageSize, decoded as ResourceRecord);
        expect(rereadPages(pages, pageSize, put)).toEqual(record);
        // A key one code unit different (same byte length) is not the remembered put.
        const last = put.key.length - 1;
        put.key[last] ^= 1;
        expect(rereadPages(pages, pageSize, put)).toBeNull();
      },
    ), { numRuns: 150 });
  });
});

describe('never the wrong resource', () => {
  const record = resource(bytes(700));
  const pages = encodePages(record, 128);

  it('another key (a hash collision) is a miss, at peek and at decode', () => {
    const other = KEY.replace('fr', 'en');
    expect(peekHeader(pages, 128, other)).toBeNull();
    expect(decodePages(pages, 128, other)).toBeNull();
  });

  it('a long key differing past page 0 passes peek but not decode', () => {
    const key = `https://app.example/${'x'.repeat(400)}1`;
    const long = encodePages(resource(bytes(10), { key }), 128);
    const other = key.slice(0, -1) + '2';
    expect(peekHeader(long, 128, other)).not.toBeNull();
    expect(decodePages(long, 128, other)).toBeNull();
  });

  it('flipping any bit of any byte, padding and generations included, is a miss', () => {
    for (let i = 0; i < pages.length; i++) {
      const bad = pages.slice();
      bad[i] ^= 1 << (i % 8);
      expect(decodePages(bad, 128, KEY), `byte ${i}`).toBeNull();
    }
  });

  it('a page missing at the end (short input) is a miss', () => {
    expect(decodePages(pages.subarray(0, pages.length - 128), 128, KEY)).toBeNull();
  });

  it('pages of two puts are a miss, whether the bodies differ or not', () => {
    const sameBody = encodePages({ ...record, generation: 8 }, 128);
    const otherBody = encodePages(resource(bytes(700, 2), { generation: 8 }), 128);
    for (const second of [sameBody, otherBody]) {
      const mixed = pages.slice();
      mixed.set(second.subarray(3 * 128, 4 * 128), 3 * 128);
      expect(decodePages(mixed, 128, KEY)).toBeNull();
    }
    // Same generation by accident, different bodies: the checksum still refuses the mix.
    const sameGen = encodePages(resource(bytes(700, 3)), 128);
    const mixed = pages.slice();
    mixed.set(sameGen.subarray(2 * 128, 3 * 128), 2 * 128);
    expect(decodePages(mixed, 128, KEY)).toBeNull();
  });

  it('other versions, other data and zero pages are a miss', () => {
    const version = pages.slice();
    version[4 + 4] = 2;
    expect(peekHeader(version, 128, KEY)).toBeNull();
    expect(decodePages(new Uint8Array(512), 128, KEY)).toBeNull();
    expect(decodePages(bytes(512), 128, KEY)).toBeNull();
  });

  it('refuses page sizes the format cannot hold', () => {
    expect(() => encodePages(record, 32)).toThrow(RangeError);
    expect(() => encodePages(record, 130)).toThrow(RangeError);
  });
});
