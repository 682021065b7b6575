// How the keeper reads a kept response's body (sw/keeper.ts): a large same-origin response
// with a validator is read back from the HTTP cache ('only-if-cached') and kept only when the
// copy is the same version; everything else is teed. The faults of the read-back (no copy in
// the cache, another version there) keep nothing and say why.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Keeper } from '../../sw/keeper.js';
import type { ResourceRecord } from '../../sw/http/index.js';

const ORIGIN = 'https://site.test';
const BIG = 64 * 1024;

/** A response as the service worker's fetch returns it (type 'basic'). */
function basic(body: Uint8Array<ArrayBuffer>, headers: Record<string, string>, status = 200): Response {
  const r = new Response(status === 304 ? null : body, { status, headers: { 'content-length': String(body.length), ...headers } });
  Object.defineProperty(r, 'type', { value: 'basic' });
  return r;
}

function setup() {
  const puts: ResourceRecord[] = [];
  const flushed: string[] = [];
  const memory = { put: (record: ResourceRecord) => { puts.push(record); return 'stored'; }, flush: (r: Request) => { flushed.push(r.url); } };
  const tabs = { fill: () => null, flush: async () => 0 };
  const keeper = new Keeper(memory as never, { put: async () => true } as never, tabs as never, { origin: ORIGIN, maxBytes: 1 << 20, cacheErrors: false });
  const waits: Promise<unknown>[] = [];
  const ctx = { clientId: null, offline: false, waitUntil: (p: Promise<unknown>) => { waits.push(p); } };
  return { keeper, puts, flushed, ctx, settled: () => Promise.all(waits) };
}

const bytes = (n: number, fill: number): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(fill);

afterEach(() => vi.unstubAllGlobals());

describe('keeper: reading a body back from the HTTP cache', () => {
  it('serves the response untouched and keeps the cache\'s copy of a large body with a validator', async () => {
    const fetcher = vi.fn(async (_r: Request) => basic(bytes(BIG, 7), { etag: '"v1"' }));
    vi.stubGlobal('fetch', fetcher);
    const { keeper, puts, ctx, settled } = setup();
    const response = basic(bytes(BIG, 7), { etag: '"v1"' });
    const request = new Request(`${ORIGIN}/app.js`);
    expect(keeper.keep(request, response, { requestTime: 1, responseTime: 2 }, ctx)).toBe(response);
    await settled();
    expect(response.bodyUsed).toBe(false); // not teed: the page's copy is the original stream
    const sent = fetcher.mock.calls[0]![0];
    expect([sent.url, sent.cache, sent.mode]).toEqual([`${ORIGIN}/app.js`, 'only-if-cached', 'same-origin']);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.body).toEqual(bytes(BIG, 7));
    expect(keeper.stats.outcomes).toEqual({ stored: 1 });
  });

  it('keeps nothing when the cache holds another version, or no copy, and removes the copy the response replaces', async () => {
    for (const [answer, outcome] of [
      [async () => basic(bytes(BIG, 8), { etag: '"v2"' }), 'changed'],
      [async () => basic(bytes(BIG, 7), { etag: '"v1"', 'content-encoding': 'gzip' }), 'changed'],
      [async () => basic(new Uint8Array(0), {}, 504), 'uncached'],
      [async () => { throw new TypeError('Failed to fetch'); }, 'uncached'],
    ] as const) {
      vi.stubGlobal('fetch', vi.fn(answer));
      const { keeper, puts, flushed, ctx, settled } = setup();
      keeper.keep(new Request(`${ORIGIN}/app.js`), basic(bytes(BIG, 7), { etag: '"v1"' }), { requestTime: 1, responseTime: 2 }, ctx);
      await settled();
      expect(puts).toEqual([]);
      expect(flushed).toEqual([`${ORIGIN}/app.js`]); // an older copy is not served in its place
      expect(keeper.stats.outcomes).toEqual({ [outcome]: 1 });
    }
  });

  it('tees what the cache may not hold as served: small, no validator, conditional, cross-origin', async () => {
    const fetcher = vi.fn(async () => basic(bytes(BIG, 9), { etag: '"v1"' }));
    vi.stubGlobal('fetch', fetcher);
    const cases: [Request, Response, Request?][] = [
      [new Request(`${ORIGIN}/small.js`), basic(bytes(BIG - 1, 7), { etag: '"v1"' })],
      [new Request(`${ORIGIN}/plain.js`), basic(bytes(BIG, 7), {})],
      [new Request(`${ORIGIN}/cond.js`), basic(bytes(BIG, 7), { etag: '"v1"' }), new Request(`${ORIGIN}/cond.js`, { headers: { 'if-none-match': '"v0"' } })],
      [new Request('https://cdn.test/lib.js'), basic(bytes(BIG, 7), { etag: '"v1"' })],
    ];
    for (const [request, response, sent] of cases) {
      const { keeper, puts, ctx, settled } = setup();
      const served = keeper.keep(request, response, { requestTime: 1, responseTime: 2 }, ctx, sent);
      await settled();
      expect(served).toBe(response);
      expect(puts.map((p) => p.body)).toEqual([bytes(Number(response.headers.get('content-length')), 7)]);
      expect(keeper.stats.outcomes).toEqual({ stored: 1 });
    }
    expect(fetcher).not.toHaveBeenCalled();
  });
});
