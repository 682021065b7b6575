// Misses left to the browser while their page loads (sw/deferred-keep.ts): which requests
// qualify, that a listed one is read back and kept under the fetch event's waitUntil, that an
// unlisted one is given up after the wait or when its page goes away, and the bounds.
import { describe, expect, it } from 'vitest';
import { DeferredKeep } from '../../sw/deferred-keep.js';
import { Keeper, type KeepContext } from '../../sw/keeper.js';
import type { MemoryTier } from '../../sw/memory-tier.js';
import type { OfflineTier } from '../../sw/offline-tier.js';
import type { TabFill } from '../../sw/tab-fill.js';
import { ManualClock } from './manual-clock.js';

const origin = 'https://s.test';

function setup(linked: string[] = []) {
  const clock = new ManualClock();
  const kept: { url: string; clientId: string | null }[] = [];
  let inFlight = 0;
  // The real keeper's rule for what the HTTP cache answers as the page asked; the rest faked.
  const rules = new Keeper({} as MemoryTier, {} as OfflineTier, {} as TabFill, { origin, maxBytes: 1024, cacheErrors: false });
  const keeper = {
    readsFromHttpCache: (request: Request) => rules.readsFromHttpCache(request),
    keepFromHttpCache: async (request: Request, ctx: KeepContext) => { kept.push({ url: request.url, clientId: ctx.clientId }); },
    track: async (work: Promise<unknown>) => { inFlight++; try { await work; } finally { inFlight--; } },
  } as unknown as Keeper;
  const deferred = new DeferredKeep(keeper, (id) => linked.includes(id), clock);
  const waits: Promise<unknown>[] = [];
  const ctx = (clientId: string | null, offline = false): KeepContext => ({ clientId, offline, waitUntil: (p) => waits.push(p) });
  const settled = () => Promise.all(waits);
  return { clock, kept, deferred, ctx, settled, inFlight: () => inFlight };
}

const image = (path: string, init: RequestInit = {}) => new Request(origin + path, init);
// Node's Request has no destination setter: a page's <img> and <script> loads are modelled by
// overriding the getter.
function as(destination: string, request: Request): Request {
  Object.defineProperty(request, 'destination', { value: destination });
  return request;
}

describe('DeferredKeep', () => {
  it('leaves a loading page\'s subresource miss and keeps it once the page lists it', async () => {
    const { deferred, ctx, kept, settled, inFlight } = setup();
    expect(deferred.leave(as('image', image('/a.png')), ctx('p1'))).toBe(true);
    expect(deferred.leave(as('script', image('/b.js#frag')), ctx('p1'))).toBe(true);
    expect(deferred.stats).toEqual({ left: 2, listed: 0, unlisted: 0, waiting: 2 });
    expect(inFlight()).toBe(2); // the wait counts as a write in flight
    deferred.listed('p2', [origin + '/a.png']); // another page's list names nothing of p1's
    deferred.listed('p1', [origin + '/a.png', origin + '/b.js', origin + '/other.css']);
    await settled();
    expect(kept.map((k) => [new URL(k.url).pathname, k.clientId])).toEqual([['/a.png', 'p1'], ['/b.js', 'p1']]);
    expect(deferred.stats).toEqual({ left: 2, listed: 2, unlisted: 0, waiting: 0 });
    expect(inFlight()).toBe(0);
  });

  it('the same URL twice in one load is left once; a later list keeps what an earlier one did not name', async () => {
    const { deferred, ctx, kept, settled } = setup();
    expect(deferred.leave(as('image', image('/a.png')), ctx('p1'))).toBe(true);
    expect(deferred.leave(as('image', image('/a.png')), ctx('p1'))).toBe(true);
    expect(deferred.leave(as('style', image('/c.css')), ctx('p1'))).toBe(true);
    deferred.listed('p1', [origin + '/a.png']);
    expect(deferred.stats.waiting).toBe(1);
    deferred.listed('p1', [origin + '/c.css']);
    await settled();
    expect(kept.map((k) => new URL(k.url).pathname)).toEqual(['/a.png', '/c.css']);
    expect(deferred.stats).toMatchObject({ left: 2, listed: 2, waiting: 0 });
  });

  it('does not leave what the page\'s list could not vouch for', () => {
    const { deferred, ctx } = setup(['linked']);
    expect(deferred.leave(as('image', image('/a.png')), ctx('linked'))).toBe(false); // loaded already: taken as before
    expect(deferred.leave(as('image', image('/a.png')), ctx(null))).toBe(false);
    expect(deferred.leave(as('image', image('/a.png')), ctx('p1', true))).toBe(false); // offline routes need the handler
    expect(deferred.leave(image('/api/items'), ctx('p1'))).toBe(false); // a fetch() call (destination '')
    expect(deferred.leave(as('image', new Request('https://cdn.test/a.png')), ctx('p1'))).toBe(false);
    expect(deferred.leave(as('image', image('/a.png', { headers: { 'If-None-Match': '"1"' } })), ctx('p1'))).toBe(false);
    expect(deferred.leave(as('image', image('/a.png', { headers: { Range: 'bytes=0-9' } })), ctx('p1'))).toBe(false);
    expect(deferred.leave(as('image', image('/a.png', { method: 'POST', body: 'x' })), ctx('p1'))).toBe(false);
    expect(deferred.stats).toEqual({ left: 0, listed: 0, unlisted: 0, waiting: 0 });
  });

  it('gives up on a miss its page never lists, after the wait or when the page goes away', async () => {
    const { deferred, ctx, kept, settled, clock } = setup();
    deferred.leave(as('image', image('/a.png')), ctx('p1'));
    deferred.leave(as('image', image('/b.png')), ctx('p2'));
    clock.advance(29_999);
    expect(deferred.stats.waiting).toBe(2);
    clock.advance(1);
    expect(deferred.stats).toMatchObject({ listed: 0, unlisted: 2, waiting: 0 });
    deferred.leave(as('image', image('/c.png')), ctx('p3'));
    deferred.forget('p3');
    deferred.listed('p1', [origin + '/a.png']); // too late
    await settled();
    expect(kept).toEqual([]);
    expect(deferred.stats).toEqual({ left: 3, listed: 0, unlisted: 3, waiting: 0 });
    expect(clock.pending).toBe(0);
  });

  it('past its bounds a miss is taken as before', () => {
    const { deferred, ctx } = setup();
    for (let i = 0; i < 1024; i++) expect(deferred.leave(as('image', image(`/i${i}.png`)), ctx('p1'))).toBe(true);
    expect(deferred.leave(as('image', image('/one-more.png')), ctx('p1'))).toBe(false);
    for (let p = 2; p <= 64; p++) expect(deferred.leave(as('image', image('/x.png')), ctx(`p${p}`))).toBe(true);
    expect(deferred.leave(as('image', image('/x.png')), ctx('p65'))).toBe(false);
    expect(deferred.stats.waiting).toBe(1024 + 63);
  });
});
