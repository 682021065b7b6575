// Which requests the service worker takes (respondWith) and which it leaves to the browser:
// FetchHandler.plan over a real memory tier.
import { describe, expect, it } from 'vitest';
import { FetchHandler } from '../../sw/fetch-handler.js';
import { MemoryTier } from '../../sw/memory-tier.js';
import { readConfig } from '../../sw/config.js';
import { resourceKey, toRecord } from '../../sw/http/index.js';
import type { DeferredKeep } from '../../sw/deferred-keep.js';
import type { Keeper } from '../../sw/keeper.js';
import type { OfflineTier } from '../../sw/offline-tier.js';

const origin = 'https://s.test';

function setup(query = '') {
  const memory = new MemoryTier(1024 * 1024);
  const handler = new FetchHandler(memory, {} as OfflineTier, {} as Keeper, origin, readConfig(query));
  const store = (path: string, cacheControl: string) => {
    const response = { status: 200, statusText: 'OK', headers: new Headers({ 'cache-control': cacheControl, etag: '"1"' }) };
    const now = Date.now();
    memory.put(toRecord(resourceKey(origin + path, [], new Headers()), response, new Uint8Array([1, 2, 3]), { requestTime: now, responseTime: now }, 0), []);
  };
  return { handler, store };
}

describe('FetchHandler.plan', () => {
  it('leaves to the browser what it would only pass on', () => {
    const { handler } = setup();
    expect(handler.plan(new Request('https://cdn.test/lib.js'), false)).toBeNull();
    expect(handler.plan(new Request(origin + '/api/items'), false)).toBeNull(); // default network-first
    expect(handler.plan(new Request(origin + '/app.js', { cache: 'no-cache' }), false)).toBeNull();
    expect(handler.plan(new Request(origin + '/app.js', { headers: { Range: 'bytes=0-1' } }), false)).toBeNull();
    expect(handler.plan(new Request(origin + '/x', { method: 'HEAD' }), false)).toBeNull();
    expect(handler.stats.declined).toBe(5);
  });

  it('takes a static file it has no copy of, and one whose copy is fresh; declines one that must be revalidated', () => {
    const { handler, store } = setup();
    expect(handler.plan(new Request(origin + '/app.js'), false)).toMatchObject({ strategy: 'stale-while-revalidate', stored: null });
    store('/fresh.js', 'max-age=600');
    expect(handler.plan(new Request(origin + '/fresh.js'), false)?.stored?.body).toEqual(new Uint8Array([1, 2, 3]));
    store('/nc.js', 'no-cache');
    expect(handler.plan(new Request(origin + '/nc.js'), false)).toBeNull();
  });

  it('takes what an offline route, a configured route, isolation or an unsafe method needs', () => {
    const { handler, store } = setup('?offline=%2Fnc.js&routes=' + encodeURIComponent('/api/*=network-first; /img/*=cache-first'));
    store('/nc.js', 'no-cache');
    expect(handler.plan(new Request(origin + '/nc.js'), false)).toMatchObject({ offline: true });
    expect(handler.plan(new Request(origin + '/api/items'), false)).toMatchObject({ strategy: 'network-first' });
    expect(handler.plan(new Request(origin + '/img/a.png'), false)).toMatchObject({ strategy: 'cache-first' });
    expect(handler.plan(new Request(origin + '/api/items', { method: 'POST', body: 'x' }), false)).not.toBeNull();
    expect(handler.plan(new Request('https://cdn.test/x', { method: 'POST', body: 'x' }), false)).toBeNull();
    expect(handler.stats.declined).toBe(1);
  });

  it('with the fetch event, leaves a loading page\'s miss to the browser (sw/deferred-keep.ts); serves a hit', () => {
    const memory = new MemoryTier(1024 * 1024);
    const left: string[] = [];
    const deferred = { leave: (request: Request) => { left.push(request.url); return true; } } as unknown as DeferredKeep;
    const handler = new FetchHandler(memory, {} as OfflineTier, {} as Keeper, origin, readConfig('?routes=' + encodeURIComponent('/img/*=cache-first')), deferred);
    const ctx = { clientId: 'p1', waitUntil: () => {} };
    expect(handler.plan(new Request(origin + '/img/a.png'), false, ctx)).toBeNull();
    expect(handler.plan(new Request(origin + '/app.js'), false, ctx)).toBeNull(); // stale-while-revalidate by default
    // Without the event's context (the Workbox adapter) it is taken, as is an offline route's.
    expect(handler.plan(new Request(origin + '/img/b.png'), false)).toMatchObject({ strategy: 'cache-first', stored: null });
    expect(left).toEqual([origin + '/img/a.png', origin + '/app.js']);
    const response = { status: 200, statusText: 'OK', headers: new Headers({ 'cache-control': 'max-age=600' }) };
    memory.put(toRecord(resourceKey(origin + '/img/a.png', [], new Headers()), response, new Uint8Array([4, 5]), { requestTime: Date.now(), responseTime: Date.now() }, 0), []);
    expect(handler.plan(new Request(origin + '/img/a.png'), false, ctx)?.stored?.body).toEqual(new Uint8Array([4, 5]));
    expect(left).toHaveLength(2);
    expect(handler.stats.declined).toBe(0);
  });
});
