// Blobs of large bodies in the service worker's memory tier (sw/answer-blobs.ts): a Blob
// answers only for the very put it was made from, holds the record's exact bytes, stays
// within its share of the budget (least recently used out first), and its bytes come out of
// the tier's page budget; everything else is answered with a stream, as before.
import { describe, expect, it } from 'vitest';
import { AnswerBlobs, MIN_BLOB_BYTES } from '../../sw/answer-blobs.js';
import { MemoryTier } from '../../sw/memory-tier.js';
import { resourceKey, toRecord, type ResourceRecord } from '../../sw/http/index.js';

function body(seed: number, size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7 + (i >>> 8)) & 0xff;
  return b;
}

function record(url: string, bytes: Uint8Array<ArrayBuffer>, generation = 1, requestHeaders = new Headers(), vary: string[] = []): ResourceRecord {
  const headers = new Headers({ 'content-type': 'application/javascript', ...(vary.length ? { vary: vary.join(', ') } : {}) });
  return toRecord(resourceKey(url, vary, requestHeaders), { status: 200, statusText: 'OK', headers }, bytes, { requestTime: 1, responseTime: 2 }, generation);
}

const bytesOf = async (blob: Blob | Response | Promise<Response>) => new Uint8Array(await (await blob).arrayBuffer());

describe('AnswerBlobs', () => {
  it('keeps large bodies only, and answers only for the same key, generation and length', async () => {
    const blobs = new AnswerBlobs(1024 * 1024);
    expect(blobs.keep(record('https://s.test/small.js', body(1, MIN_BLOB_BYTES - 1)))).toBe(false);
    expect(blobs.take(record('https://s.test/small.js', body(1, MIN_BLOB_BYTES - 1)))).toBeNull();
    const big = record('https://s.test/big.js', body(2, 200_000), 7);
    expect(blobs.keep(big)).toBe(true);
    const blob = blobs.take(big);
    expect(blob).not.toBeNull();
    expect(await bytesOf(blob!)).toEqual(big.body);
    // Another put of the key (another generation) never gets this Blob, and drops it.
    expect(blobs.take(record('https://s.test/big.js', body(3, 200_000), 8))).toBeNull();
    expect(blobs.stats()).toEqual({ entries: 0, bytes: 0, budgetBytes: 1024 * 1024, served: 1 });
  });

  it('stays within its budget, the least recently used going first', () => {
    const blobs = new AnswerBlobs(250_000);
    const a = record('https://s.test/a.js', body(1, 100_000));
    const b = record('https://s.test/b.js', body(2, 100_000));
    const c = record('https://s.test/c.js', body(3, 100_000));
    blobs.keep(a);
    blobs.keep(b);
    expect(blobs.take(a)).not.toBeNull(); // a is now the most recent
    blobs.keep(c);
    expect(blobs.bytes).toBe(200_000);
    expect(blobs.take(b)).toBeNull();
    expect(blobs.take(a)).not.toBeNull();
    expect(blobs.take(c)).not.toBeNull();
    // A body over the whole budget is not kept, and evicts nothing.
    expect(blobs.keep(record('https://s.test/huge.js', body(4, 300_000)))).toBe(false);
    expect(blobs.stats().entries).toBe(2);
  });

  it('forgets every variant of a URL and nothing else', () => {
    const blobs = new AnswerBlobs(1024 * 1024);
    const en = record('https://s.test/v', body(1, 70_000), 1, new Headers({ 'accept-language': 'en' }), ['accept-language']);
    const fr = record('https://s.test/v', body(2, 70_000), 2, new Headers({ 'accept-language': 'fr' }), ['accept-language']);
    const other = record('https://s.test/v2', body(3, 70_000));
    for (const r of [en, fr, other]) blobs.keep(r);
    expect(blobs.forgetUrl('https://s.test/v')).toBe(true);
    expect(blobs.take(en)).toBeNull();
    expect(blobs.take(fr)).toBeNull();
    expect(blobs.take(other)).not.toBeNull();
    expect(blobs.forgetUrl('https://s.test/none')).toBe(false);
  });

  it('keeps nothing with a budget of 0', () => {
    const blobs = new AnswerBlobs(0);
    expect(blobs.keep(record('https://s.test/a.js', body(1, 100_000)))).toBe(false);
    expect(blobs.stats()).toEqual({ entries: 0, bytes: 0, budgetBytes: 0, served: 0 });
  });
});

describe('MemoryTier answers', () => {
  const url = 'https://s.test/app.js';

  it('answers a large body from its Blob, byte-exact, and a rewrite with the new bytes', async () => {
    const tier = new MemoryTier(4 * 1024 * 1024);
    expect(tier.put(record(url, body(1, 263_000)), [])).toBe('stored');
    const hit = tier.lookup(new Request(url))!;
    expect(await bytesOf(tier.response(hit))).toEqual(body(1, 263_000));
    expect(tier.stats().blobs).toMatchObject({ entries: 1, bytes: 263_000, served: 1 });
    // A new put of the URL: its own Blob, never the old bytes.
    expect(tier.put(record(url, body(2, 263_000)), [])).toBe('stored');
    const again = tier.lookup(new Request(url))!;
    expect(await bytesOf(tier.response(again))).toEqual(body(2, 263_000));
    expect(tier.stats().blobs).toMatchObject({ entries: 1, bytes: 263_000, served: 2 });
  });

  it('streams what its lookups did not return and small bodies', async () => {
    const tier = new MemoryTier(4 * 1024 * 1024);
    tier.put(record(url, body(1, 263_000)), []);
    const hit = tier.lookup(new Request(url))!;
    // A copy (a 304 merge, a disk record) is not vouched for by this tier's lookup.
    const copy = { ...hit, body: body(5, 263_000) };
    expect(await bytesOf(tier.response(copy))).toEqual(body(5, 263_000));
    tier.put(record('https://s.test/small.js', body(3, 5000)), []);
    const small = tier.lookup(new Request('https://s.test/small.js'))!;
    expect(await bytesOf(tier.response(small, [['x-merged', '1']]))).toEqual(body(3, 5000));
    expect((await tier.response(small, [['x-merged', '1']])).headers.get('x-merged')).toBe('1');
    expect(tier.stats().blobs.served).toBe(0);
  });

  it('takes the Blobs out of the page budget: a burst of large bodies stays within it', () => {
    const budget = 2 * 1024 * 1024;
    const tier = new MemoryTier(budget);
    for (let i = 0; i < 40; i++) {
      expect(['stored', 'rejected']).toContain(tier.put(record(`https://s.test/big/${i}.js`, body(i, 150_000)), []));
      const s = tier.stats();
      expect(s.usedBytes).toBeLessThanOrEqual(budget);
      expect(s.blobs.bytes).toBeLessThanOrEqual(s.blobs.budgetBytes);
      expect(s.budgetBytes).toBe(budget);
    }
    let hits = 0;
    for (let i = 0; i < 40; i++) {
      const hit = tier.lookup(new Request(`https://s.test/big/${i}.js`));
      if (hit) {
        hits++;
        expect(hit.body).toEqual(body(i, 150_000));
      }
    }
    expect(hits).toBeGreaterThan(0);
    expect(tier.stats().blobs.budgetBytes).toBe(budget / 4);
  });

  it('gives a Blob’s bytes back when its pages are gone (flush, eviction)', () => {
    const budget = 1024 * 1024;
    const tier = new MemoryTier(budget);
    tier.put(record(url, body(1, 100_000)), []);
    expect(tier.stats().blobs.bytes).toBe(100_000);
    tier.flush(new Request(url));
    expect(tier.stats().blobs.bytes).toBe(0);
    // Evicted by a burst of small bodies: the next lookup misses and drops the Blob.
    tier.put(record(url, body(1, 100_000)), []);
    for (let i = 0; i < 60; i++) tier.put(record(`https://s.test/s/${i}`, body(i, 30_000)), []);
    expect(tier.lookup(new Request(url))).toBeNull();
    expect(tier.stats().blobs.bytes).toBe(0);
    expect(tier.stats().usedBytes).toBeLessThanOrEqual(budget);
  });
});
