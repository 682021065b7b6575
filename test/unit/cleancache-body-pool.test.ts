// Pooled bodies of page-side hits (worker/cleancache/body-pool.ts): views of a shared slab that
// never overlap and are never written again, large bodies with buffers of their own, and the
// port service copying a pooled body out instead of moving the slab (which would empty every
// other hit in it).
import { describe, expect, it } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { BodyPool, Cleancache, POOLED_MAX_BYTES, SLAB_BYTES, serveCleancachePort } from '../../worker/cleancache/index.js';
import { resourceKey, toRecord } from '../../worker/cleancache/record/index.js';

function record(url: string, bytes: number, fill: number) {
  const body = new Uint8Array(bytes).fill(fill);
  const response = { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/plain' }) };
  return toRecord(resourceKey(url, [], new Headers()), response, body, { requestTime: 1, responseTime: 2 }, 0);
}

describe('BodyPool', () => {
  it('hands out aligned views that never overlap; large bodies get a buffer of their own', () => {
    const pool = new BodyPool();
    const taken: Uint8Array[] = [];
    const sizes = [0, 1, 7, 100, 4096, 4093, POOLED_MAX_BYTES, POOLED_MAX_BYTES + 1, 3, 60_000, 5000];
    for (let round = 0; round < 40; round++) {
      for (const size of sizes) {
        const body = pool.take(size);
        expect(body.length).toBe(size);
        expect(body.byteOffset % 8).toBe(0);
        if (size > POOLED_MAX_BYTES) expect(body.buffer.byteLength).toBe(size);
        else if (size > 0) expect(body.buffer.byteLength).toBe(SLAB_BYTES);
        body.fill(taken.length & 0xff);
        taken.push(body);
      }
    }
    // Every body still holds what was written into it: no later take reused its bytes.
    taken.forEach((body, i) => expect(body.every((x) => x === (i & 0xff))).toBe(true));
  });
});

describe('pooled hits', () => {
  const urls = Array.from({ length: 40 }, (_, i) => `https://site.test/r${i}.txt`);

  it('repeat hits come from the pool and each keeps its bytes while later hits are read', () => {
    const store = attach(createStore({ capacityBytes: 4 << 20 }));
    const cc = new Cleancache(store, { bodies: new BodyPool().take });
    urls.forEach((u, i) => expect(cc.put(record(u, 3000 + i, i + 1), [])).toBe('stored'));
    for (const u of urls) cc.lookup(u, new Headers()); // first reads: full decode, own buffers
    const hits = urls.map((u) => cc.lookup(u, new Headers())!);
    expect(hits.some((h) => h.body.buffer.byteLength === SLAB_BYTES)).toBe(true);
    hits.forEach((h, i) => {
      expect(h.body.length).toBe(3000 + i);
      expect(h.body.every((x) => x === i + 1)).toBe(true);
    });
  });

  it('a lookup may name its own allocator: a buffer of the body\'s own, the next lookups pooled again', () => {
    const store = attach(createStore({ capacityBytes: 4 << 20 }));
    const cc = new Cleancache(store, { bodies: new BodyPool().take });
    urls.slice(0, 2).forEach((u, i) => cc.put(record(u, 3000, i + 1), []));
    for (const u of urls.slice(0, 2)) cc.lookup(u, new Headers()); // first reads: full decode
    const own = cc.lookup(urls[0], new Headers(), (n) => new Uint8Array(n))!;
    expect(own.body.byteOffset).toBe(0);
    expect(own.body.buffer.byteLength).toBe(3000);
    expect(own.body.every((x) => x === 1)).toBe(true);
    const pooled = cc.lookup(urls[1], new Headers())!;
    expect(pooled.body.buffer.byteLength).toBe(SLAB_BYTES);
    expect(pooled.body.every((x) => x === 2)).toBe(true);
    expect(cc.stats()).toMatchObject({ lookups: 4, hits: 4 });
  });

  it('the port service copies a pooled body out; the slab and its other hits stay whole', async () => {
    const store = attach(createStore({ capacityBytes: 4 << 20 }));
    const cc = new Cleancache(store, { bodies: new BodyPool().take });
    urls.slice(0, 2).forEach((u, i) => cc.put(record(u, 2000, i + 1), []));
    for (const u of urls.slice(0, 2)) cc.lookup(u, new Headers());
    const kept = cc.lookup(urls[0], new Headers())!; // pooled
    expect(kept.body.buffer.byteLength).toBe(SLAB_BYTES);
    const { port1, port2 } = new MessageChannel();
    const stop = serveCleancachePort(port1, cc);
    const replies: { record: { body: Uint8Array } | null }[] = [];
    port2.onmessage = (e) => replies.push(e.data);
    port2.postMessage({ webtmem: 'cc-lookup', id: 1, url: urls[1], headers: [] });
    await expect.poll(() => replies.length).toBe(1);
    // The reply carries exactly its body, not the slab around it...
    expect(replies[0].record!.body.buffer.byteLength).toBe(2000);
    expect(replies[0].record!.body.every((x) => x === 2)).toBe(true);
    // ...and the hit read before it, in the same slab, was not moved away.
    expect(kept.body.length).toBe(2000);
    expect(kept.body.every((x) => x === 1)).toBe(true);
    stop();
    port2.close();
  });
});
