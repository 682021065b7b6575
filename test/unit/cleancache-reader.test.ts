// ResourceReader's memo of verified puts: a second hit on the same put skips the checksum and
// the meta parse (rereadPages) yet returns exactly what a full decode does; anything that is
// not that put (a re-put, a mixed record, a missing page, a colliding key) is decoded in full
// and is a miss or the new record, never the old or another resource.
import { describe, expect, it } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { Cleancache, ResourceReader } from '../../worker/cleancache/index.js';
import { objectIdOf, resourceKey, urlKey } from '../../worker/cleancache/record/index.js';
import {
  decodePages, encodePages, rereadPages, SCRATCH_KEEP_BYTES, verifiedPut, type ResourceRecord,
} from '../../worker/cleancache/record/resource-pages.js';

const URL_A = 'https://site.test/app.js';
const PAGE = 4096;

function resource(key: string, size: number, generation: number, fill = 1): ResourceRecord {
  return {
    kind: 'resource', key, status: 200, statusText: 'OK',
    headers: [['content-type', 'text/javascript'], ['etag', `"${generation}"`]],
    body: new Uint8Array(size).map((_, i) => (i * 31 + fill) & 0xff),
    requestTime: 1_700_000_000_000 + generation, responseTime: 1_700_000_000_050 + generation, generation,
  };
}

function setup() {
  const store = attach(createStore({ capacityBytes: 4 << 20 }));
  const cc = new Cleancache(store);
  const reader = new ResourceReader(store, cc.poolId);
  const key = urlKey(URL_A);
  const object = objectIdOf(key);
  const write = (record: ResourceRecord) => {
    const pages = encodePages(record, store.pageSize);
    expect(store.putMany(cc.poolId, object, 0, pages)).toBe(pages.length / store.pageSize);
    return pages;
  };
  return { store, cc, reader, key, object, write };
}

describe('rereadPages', () => {
  for (const size of [0, 100, 4096, 65536]) {
    it(`returns exactly what decodePages returns (${size}-byte body)`, () => {
      const pages = encodePages(resource(URL_A, size, 41), PAGE);
      const full = decodePages(pages, PAGE, URL_A) as ResourceRecord;
      const put = verifiedPut(pages, PAGE, full);
      const again = rereadPages(pages, PAGE, put);
      expect(again).toEqual(full);
      // The caller owns its copy: changing it changes neither the memo nor the next answer.
      again!.body.fill(0);
      again!.headers[0][1] = 'changed';
      expect(rereadPages(pages, PAGE, put)).toEqual(full);
    });
  }

  it('is null for anything but the verified put', () => {
    const pages = encodePages(resource(URL_A, 10_000, 41), PAGE);
    const put = verifiedPut(pages, PAGE, decodePages(pages, PAGE, URL_A) as ResourceRecord);
    const view = () => new DataView(pages.buffer);
    // Another generation on page 2 only.
    view().setUint32(2 * PAGE, 42, true);
    expect(rereadPages(pages, PAGE, put)).toBeNull();
    view().setUint32(2 * PAGE, 41, true);
    expect(rereadPages(pages, PAGE, put)).not.toBeNull();
    // Same header words, another key of the same length (a collision that also shares the
    // generation, lengths, times and checksum): the key check still refuses it.
    const keyAt = 4 + 48 + URL_A.length - 1;
    pages[keyAt] ^= 1;
    expect(rereadPages(pages, PAGE, put)).toBeNull();
    pages[keyAt] ^= 1;
    // A re-put with a new generation.
    const next = encodePages(resource(URL_A, 10_000, 43), PAGE);
    expect(rereadPages(next, PAGE, put)).toBeNull();
    // Too few pages, or unaligned pages.
    expect(rereadPages(pages.subarray(0, 2 * PAGE), PAGE, put)).toBeNull();
    const unaligned = new Uint8Array(pages.length + 1).subarray(1);
    unaligned.set(pages);
    expect(rereadPages(unaligned, PAGE, put)).toBeNull();
  });
});

describe('ResourceReader', () => {
  for (const size of [4096, 65536]) {
    it(`a repeated hit equals the full decode (${size}-byte body)`, () => {
      const { store, reader, write } = setup();
      const pages = write(resource(urlKey(URL_A), size, 7));
      const expected = decodePages(pages, store.pageSize, urlKey(URL_A));
      const first = reader.read(URL_A);
      const second = reader.read(URL_A);
      const third = reader.read(URL_A);
      expect(first).toEqual(expected);
      expect(second).toEqual(expected);
      expect(third).toEqual(expected);
      expect(second!.body.buffer).not.toBe(third!.body.buffer);
    });
  }

  it('reads a re-put of the same URL (new generation) in full, also when its size changes', () => {
    const { reader, key, write } = setup();
    write(resource(key, 5000, 7, 1));
    expect(reader.read(URL_A)?.generation).toBe(7);
    expect(reader.read(URL_A)?.generation).toBe(7);
    write(resource(key, 5000, 8, 2));
    const next = reader.read(URL_A);
    expect(next).toEqual(resource(key, 5000, 8, 2));
    write(resource(key, 20_000, 9, 3));
    expect(reader.read(URL_A)).toEqual(resource(key, 20_000, 9, 3));
    expect(reader.read(URL_A)).toEqual(resource(key, 20_000, 9, 3));
  });

  it('a mixed record (page 1 of another put) is a miss and is flushed', () => {
    const { store, cc, reader, key, object, write } = setup();
    write(resource(key, 10_000, 7, 1));
    expect(reader.read(URL_A)?.generation).toBe(7); // the memo now holds generation 7
    const other = encodePages(resource(key, 10_000, 8, 2), store.pageSize);
    store.put(cc.poolId, object, 1, other.subarray(store.pageSize, 2 * store.pageSize));
    expect(reader.read(URL_A)).toBeNull();
    const page0 = new Uint8Array(store.pageSize);
    expect(store.get(cc.poolId, object, 0, page0)).toBe(false); // flushed
  });

  it('a missing page is a miss, even with the stale page still in the scratch buffer', () => {
    const { store, cc, reader, key, object, write } = setup();
    write(resource(key, 10_000, 7));
    expect(reader.read(URL_A)).not.toBeNull();
    store.flushPage(cc.poolId, object, 2);
    expect(reader.read(URL_A)).toBeNull();
    // Put back the same put in full: a hit again.
    write(resource(key, 10_000, 7));
    expect(reader.read(URL_A)).toEqual(resource(key, 10_000, 7));
  });

  it('pages of another key under this URL\'s object id are a miss, never that resource', () => {
    const { reader, key, write } = setup();
    const otherKey = 'https://site.test/app.jx'; // same length, other bytes
    write(resource(otherKey, 6000, 7));
    expect(reader.read(URL_A)).toBeNull();
    write(resource(key, 6000, 8));
    expect(reader.read(URL_A)?.key).toBe(key);
    expect(reader.read(URL_A)?.key).toBe(key);
    // A colliding put even with this put's generation: still not served.
    write(resource(otherKey, 6000, 8));
    expect(reader.read(URL_A)).toBeNull();
    write(resource('https://site.test/a-much-longer-name.js', 6000, 9));
    expect(reader.read(URL_A)).toBeNull();
  });
});

describe('Cleancache put → first hit (ResourceReader.wrote)', () => {
  /** A Cleancache over a store whose getMany calls are counted. */
  function counted() {
    const store = attach(createStore({ capacityBytes: 4 << 20 }));
    let getManys = 0;
    const io = new Proxy(store, {
      get(target, name) {
        const v = Reflect.get(target, name, target);
        if (name === 'getMany') return (...args: Parameters<typeof store.getMany>) => { getManys++; return store.getMany(...args); };
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const cc = new Cleancache(io);
    return { store, cc, calls: () => getManys };
  }
  const plain = (size: number, fill = 1) => ({ ...resource(urlKey(URL_A), size, 0, fill) });

  for (const size of [0, 5000, 262_144]) {
    it(`the first hit after a put is one read of every page and equals the full decode (${size}-byte body)`, () => {
      const { store, cc, calls } = counted();
      expect(cc.put(plain(size), [])).toBe('stored');
      const before = calls();
      const hit = cc.lookup(URL_A, new Headers());
      expect(calls() - before).toBe(1);
      const pages = new Uint8Array(Math.ceil((size + 1024) / store.pageSize + 1) * store.pageSize);
      const n = store.getMany(cc.poolId, objectIdOf(urlKey(URL_A)), 0, pages, pages.length / store.pageSize);
      const decoded = decodePages(pages.subarray(0, n * store.pageSize), store.pageSize, urlKey(URL_A));
      expect(hit).toEqual(decoded);
      expect(hit!.body).toEqual(plain(size).body);
    });
  }

  it('a remembered put still misses when a page is another put\'s or is gone', () => {
    const { store, cc } = counted();
    const object = objectIdOf(urlKey(URL_A));
    expect(cc.put(plain(10_000, 1), [])).toBe('stored');
    const other = encodePages(resource(urlKey(URL_A), 10_000, 99, 2), store.pageSize);
    store.put(cc.poolId, object, 1, other.subarray(store.pageSize, 2 * store.pageSize));
    expect(cc.lookup(URL_A, new Headers())).toBeNull();
    expect(cc.put(plain(10_000, 3), [])).toBe('stored');
    store.flushPage(cc.poolId, object, 2);
    expect(cc.lookup(URL_A, new Headers())).toBeNull();
    // A put with Vary is not remembered, and reads back whole through the general path.
    const varied = { ...resource(resourceKey(URL_A, ['accept-language'], new Headers({ 'accept-language': 'fr' })), 6000, 0, 4) };
    expect(cc.put(varied, ['accept-language'])).toBe('stored');
    expect(cc.lookup(URL_A, new Headers({ 'accept-language': 'fr' }))?.body).toEqual(varied.body);
  });
});

describe('ResourceReader scratch', () => {
  it('grows for a large record and lets it go at the next smaller read', () => {
    const store = attach(createStore({ capacityBytes: 16 << 20 }));
    const cc = new Cleancache(store);
    const reader = new ResourceReader(store, cc.poolId);
    const big = resource(urlKey('https://site.test/big.bin'), 3 << 20, 1);
    const small = resource(urlKey(URL_A), 10_000, 2);
    for (const r of [big, small]) {
      const pages = encodePages(r, store.pageSize);
      expect(store.putMany(cc.poolId, objectIdOf(r.key), 0, pages)).toBe(pages.length / store.pageSize);
    }
    expect(reader.read('https://site.test/big.bin')?.body).toEqual(big.body);
    expect(reader.scratchBytes).toBeGreaterThan(3 << 20);
    expect(reader.read(URL_A)?.body).toEqual(small.body);
    expect(reader.scratchBytes).toBeLessThanOrEqual(SCRATCH_KEEP_BYTES);
    expect(reader.read('https://site.test/big.bin')?.body).toEqual(big.body);
  });
});
