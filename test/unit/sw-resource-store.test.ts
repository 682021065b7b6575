import { describe, expect, it } from 'vitest';
import { objectIdOf, resourceKey, urlKey } from '../../worker/cleancache/record/cache-key.js';
import { flushResource, newGeneration, readResource, writeResource, type PageIO } from '../../worker/cleancache/record/resource-store.js';
import { headersToStore, toRecord, toResponse } from '../../worker/cleancache/record/stored-response.js';
import { attach, createStore } from '../../worker/core/index.js';
import type { TmemStore } from '../../worker/core/types.js';

const PAGE = 512;
const POOL = 3;

/** An in-memory page store with the core's putMany/getMany contract and a frame limit. */
class FakeStore implements PageIO {
  readonly pageSize = PAGE;
  readonly pages = new Map<string, Uint8Array>();
  constructor(public frames = Infinity) {}
  static at(pool: number, object: bigint, index: number): string { return `${pool}:${object}:${index}`; }
  getMany(pool: number, object: bigint, index: number, into: Uint8Array, count = 1): number {
    let hits = 0;
    for (let i = 0; i < count; i++) {
      const page = this.pages.get(FakeStore.at(pool, object, index + i));
      if (page) { into.set(page, i * PAGE); hits++; }
    }
    return hits;
  }
  putMany(pool: number, object: bigint, index: number, pages: Uint8Array, count = 1): number {
    for (let i = 0; i < count; i++) {
      if (this.pages.size >= this.frames) {
        for (let j = i; j < count; j++) this.pages.delete(FakeStore.at(pool, object, index + j));
        return i;
      }
      this.pages.set(FakeStore.at(pool, object, index + i), pages.slice(i * PAGE, (i + 1) * PAGE));
    }
    return count;
  }
  flushObject(pool: number, object: bigint): void {
    for (const k of [...this.pages.keys()]) if (k.startsWith(`${pool}:${object}:`)) this.pages.delete(k);
  }
  count(key: string): number {
    return [...this.pages.keys()].filter((k) => k.startsWith(`${POOL}:${objectIdOf(key)}:`)).length;
  }
}

const URL_A = 'https://app.example/data.json';
const timing = { requestTime: 1000, responseTime: 1100 };

function body(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

function record(url: string, vary: string[], reqHeaders: Headers, size: number, seed = 1) {
  const response = new Response(null, { status: 200, headers: { 'content-type': 'application/json', vary: vary.join(', ') } });
  return toRecord(resourceKey(url, vary, reqHeaders), response, body(size, seed), timing, newGeneration());
}

describe('readResource / writeResource', () => {
  it('stores and serves a whole resource', async () => {
    const store = new FakeStore();
    const rec = record(URL_A, [], new Headers(), 3000);
    expect(writeResource(store, POOL, rec, [], 100)).toBe('stored');
    expect(store.count(URL_A)).toBe(Math.ceil(3000 / PAGE) + 1);
    const hit = readResource(store, POOL, `${URL_A}#section`, new Headers());
    expect(hit).toEqual(rec);
    const served = toResponse(hit!);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(rec.body);
    expect(served.headers.get('content-length')).toBe('3000');
  });

  it('serves each Vary variant only to matching requests', () => {
    const store = new FakeStore();
    const fr = new Headers({ 'accept-language': 'fr' });
    const en = new Headers({ 'accept-language': 'en' });
    const names = ['accept-language'];
    expect(writeResource(store, POOL, record(URL_A, names, fr, 100, 1), names, 100)).toBe('stored');
    expect(readResource(store, POOL, URL_A, fr)?.body).toEqual(body(100, 1));
    expect(readResource(store, POOL, URL_A, en)).toBeNull();
    expect(readResource(store, POOL, URL_A, new Headers())).toBeNull();
    writeResource(store, POOL, record(URL_A, names, en, 100, 2), names, 100);
    expect(readResource(store, POOL, URL_A, en)?.body).toEqual(body(100, 2));
    expect(readResource(store, POOL, URL_A, fr)?.body).toEqual(body(100, 1));
  });

  it('a URL whose Vary appears replaces its plain copy', () => {
    const store = new FakeStore();
    writeResource(store, POOL, record(URL_A, [], new Headers(), 100), [], 100);
    const fr = new Headers({ 'accept-language': 'fr' });
    writeResource(store, POOL, record(URL_A, ['accept-language'], fr, 100, 5), ['accept-language'], 100);
    expect(readResource(store, POOL, URL_A, new Headers())).toBeNull();
    expect(readResource(store, POOL, URL_A, fr)?.body).toEqual(body(100, 5));
  });

  it('a resource missing one page is a miss, and its other pages are flushed', () => {
    const store = new FakeStore();
    writeResource(store, POOL, record(URL_A, [], new Headers(), 3000), [], 100);
    store.pages.delete(FakeStore.at(POOL, objectIdOf(urlKey(URL_A)), 2));
    expect(readResource(store, POOL, URL_A, new Headers())).toBeNull();
    expect(store.count(URL_A)).toBe(0);
  });

  it('pages of two puts of one URL are a miss', () => {
    const store = new FakeStore();
    const first = new FakeStore();
    writeResource(first, POOL, record(URL_A, [], new Headers(), 3000, 1), [], 100);
    writeResource(store, POOL, record(URL_A, [], new Headers(), 3000, 1), [], 100);
    const at = FakeStore.at(POOL, objectIdOf(urlKey(URL_A)), 3);
    store.pages.set(at, first.pages.get(at)!);
    expect(readResource(store, POOL, URL_A, new Headers())).toBeNull();
  });

  it("another URL's pages under this object id (a collision) are a miss and left alone", () => {
    const store = new FakeStore();
    const other = 'https://app.example/other.json';
    writeResource(store, POOL, record(other, [], new Headers(), 100), [], 100);
    const from = objectIdOf(urlKey(other));
    const to = objectIdOf(urlKey(URL_A));
    for (const [k, page] of [...store.pages]) {
      if (k.startsWith(`${POOL}:${from}:`)) store.pages.set(k.replace(`:${from}:`, `:${to}:`), page);
    }
    expect(readResource(store, POOL, URL_A, new Headers())).toBeNull();
    expect(store.count(URL_A)).toBe(1);
  });

  it('a resource over maxPages is not stored at all', () => {
    const store = new FakeStore();
    expect(writeResource(store, POOL, record(URL_A, [], new Headers(), 5000), [], 5)).toBe('too-large');
    expect(store.pages.size).toBe(0);
  });

  it('a put the store cuts short leaves nothing behind', () => {
    const store = new FakeStore(4);
    expect(writeResource(store, POOL, record(URL_A, [], new Headers(), 5000), [], 100)).toBe('rejected');
    expect(store.pages.size).toBe(0);
  });

  it('a shorter new version leaves no pages of the old one', () => {
    const store = new FakeStore();
    writeResource(store, POOL, record(URL_A, [], new Headers(), 5000), [], 100);
    writeResource(store, POOL, record(URL_A, [], new Headers(), 10), [], 100);
    expect(store.count(URL_A)).toBe(1);
    expect(readResource(store, POOL, URL_A, new Headers())?.body).toEqual(body(10));
  });

  it('flushResource removes the URL and the named variant', () => {
    const store = new FakeStore();
    const fr = new Headers({ 'accept-language': 'fr' });
    writeResource(store, POOL, record(URL_A, ['accept-language'], fr, 100), ['accept-language'], 100);
    flushResource(store, POOL, URL_A, fr);
    expect(store.pages.size).toBe(0);
  });

  it('flushResource of a URL with no record sweeps nothing (one get), and leaves other keys alone', () => {
    const store = new FakeStore();
    writeResource(store, POOL, record(URL_A, [], new Headers(), 100), [], 100);
    let sweeps = 0;
    const flushObject = store.flushObject.bind(store);
    store.flushObject = (pool, object) => { sweeps++; flushObject(pool, object); };
    flushResource(store, POOL, 'https://app.example/other.json', new Headers());
    expect(sweeps).toBe(0);
    expect(store.count(URL_A)).toBe(1);
    flushResource(store, POOL, URL_A, new Headers());
    expect(sweeps).toBe(1);
    expect(store.pages.size).toBe(0);
  });
});

describe('over the real core', () => {
  it('round-trips through a shared ephemeral pool, and a lost page is a miss', () => {
    const tmem = attach(createStore({ capacityBytes: 256 * PAGE, pageSize: PAGE })) as TmemStore;
    const pool = tmem.newPool({ persistent: false, shared: true, uuid: '0123456789abcdef0123456789abcdef' });
    const rec = record(URL_A, [], new Headers(), 20_000);
    expect(writeResource(tmem, pool, rec, [], 128)).toBe('stored');
    expect(readResource(tmem, pool, URL_A, new Headers())).toEqual(rec);
    expect(readResource(tmem, pool, URL_A, new Headers())).toEqual(rec); // shared gets keep pages
    tmem.flushPage(pool, objectIdOf(urlKey(URL_A)), 7);
    expect(readResource(tmem, pool, URL_A, new Headers())).toBeNull();
    expect(tmem.stats().pools.find((p) => p.id === pool)?.pages).toBe(0);
  });
});

describe('stored headers and responses', () => {
  it('drops framing, hop-by-hop and cookie fields and sets the decoded length', () => {
    const kept = headersToStore(new Headers({
      'content-type': 'text/css', 'content-encoding': 'br', 'content-length': '12', connection: 'keep-alive',
      'set-cookie': 'a=1', etag: '"x"',
    }), 4000);
    expect(Object.fromEntries(kept)).toEqual({ 'content-type': 'text/css', etag: '"x"', 'content-length': '4000' });
  });

  it('serves a bodiless status without a body', () => {
    const rec = toRecord('https://a.example/', new Response(null, { status: 204 }), new Uint8Array(0), timing, 1);
    expect(toResponse(rec).body).toBeNull();
    expect(toResponse(rec).status).toBe(204);
  });
});
