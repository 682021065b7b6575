// A first visit's resources kept as the service worker installs (sw/install-fill.ts): the
// install waits for its page's list, bounded by the injected clock, keeps what the handler's
// routes keep and nothing else, and lasts until the puts' own writes are done; a list that
// comes late is still kept; what a route keeps (FetchHandler.keeps).
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../sw/config.js';
import { FetchHandler } from '../../sw/fetch-handler.js';
import { InstallFill, LIST_WAIT_MS, MAX_URLS } from '../../sw/install-fill.js';
import type { KeepContext, Keeper } from '../../sw/keeper.js';
import type { MemoryTier } from '../../sw/memory-tier.js';
import type { OfflineTier } from '../../sw/offline-tier.js';
import { ManualClock } from './manual-clock.js';

const origin = 'https://s.test';
const ROUTES = '/js/*=cache-first; /api/*=network-first; /img/*=stale-while-revalidate; /live/*=network-only';

function handler(query = '?routes=' + encodeURIComponent(ROUTES)): FetchHandler {
  return new FetchHandler({} as MemoryTier, {} as OfflineTier, {} as Keeper, origin, readConfig(query));
}

/** An InstallFill over a keeper that records what it is asked to keep; each keep registers a
 *  write (a script copy, a disk put) that the test settles by hand. */
function setup(query?: string) {
  const clock = new ManualClock();
  const kept: { path: string; offline: boolean; clientId: string | null }[] = [];
  const writes: (() => void)[] = [];
  let inFlight = 0;
  let fail = '';
  const keeper = {
    keepFromHttpCache: async (request: Request, ctx: KeepContext) => {
      const path = new URL(request.url).pathname + new URL(request.url).search;
      if (path === fail) throw new Error('the HTTP cache broke');
      kept.push({ path, offline: ctx.offline, clientId: ctx.clientId });
      ctx.waitUntil(new Promise<void>((resolve) => writes.push(resolve)));
    },
    track: async (work: Promise<unknown>) => { inFlight++; try { await work; } finally { inFlight--; } },
  } as unknown as Keeper;
  const h = handler(query);
  const fill = new InstallFill(keeper, (request) => h.keeps(request), clock);
  let done = false;
  const waits: Promise<unknown>[] = [];
  const event = { waitUntil: (p: Promise<unknown>) => { waits.push(p); void p.then(() => { done = true; }); } };
  return {
    clock, kept, fill, event, waits,
    done: () => done,
    inFlight: () => inFlight,
    failOn: (path: string) => { fail = path; },
    /** Settles every write registered so far, then lets the promises run. */
    async landWrites() {
      while (writes.length) writes.shift()!();
      await tick();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('InstallFill', () => {
  it('waits for the page\'s list, keeps what the routes keep, and lasts until the writes land', async () => {
    const t = setup('?offline=' + encodeURIComponent('/img/*') + '&routes=' + encodeURIComponent(ROUTES));
    t.fill.install(t.event);
    await tick();
    expect(t.kept).toEqual([]); // nothing before the list
    expect(t.done()).toBe(false);
    t.fill.listed([
      `${origin}/js/app.js`, `${origin}/js/app.js#again`, `${origin}/img/a.png`, `${origin}/api/items`,
      `${origin}/live/feed`, 'https://cdn.test/js/lib.js', `${origin}/page.html`, `${origin}/style.css`, 'not a url',
    ], () => { throw new Error('the install takes the list, not the message'); });
    await tick();
    expect(t.kept.map((k) => [k.path, k.offline, k.clientId])).toEqual([
      ['/js/app.js', false, null], // cache-first; the fragment's twin read once
      ['/img/a.png', true, null], // stale-while-revalidate, offline: on disk too
      ['/api/items', false, null], // a configured network-first route keeps its copies
      ['/style.css', false, null], // the default for a static file: stale-while-revalidate
    ]); // not: network-only, cross-origin, a default network-first (/page.html), a non-URL
    expect(t.fill.stats).toEqual({ lists: 1, taken: 4, timedOut: 0 });
    expect(t.done()).toBe(false); // the writes (script copies, disk) are the install's too
    expect(t.inFlight()).toBe(1);
    await t.landWrites();
    await Promise.all(t.waits);
    expect(t.done()).toBe(true);
    expect(t.inFlight()).toBe(0);
    expect(t.clock.pending).toBe(0); // the wait's timer was cleared
  });

  it('an install that gets no list in time goes on with nothing kept; a late list is kept under its message', async () => {
    const t = setup();
    t.fill.install(t.event);
    t.clock.advance(LIST_WAIT_MS - 1);
    await tick();
    expect(t.done()).toBe(false);
    t.clock.advance(1);
    await Promise.all(t.waits);
    expect(t.done()).toBe(true);
    expect(t.fill.stats).toEqual({ lists: 0, taken: 0, timedOut: 1 });
    expect(t.kept).toEqual([]);
    const late: Promise<unknown>[] = [];
    t.fill.listed([`${origin}/js/late.js`], (p) => late.push(p));
    expect(late).toHaveLength(1);
    await tick();
    await t.landWrites();
    await Promise.all(late);
    expect(t.kept.map((k) => k.path)).toEqual(['/js/late.js']);
    expect(t.fill.stats).toEqual({ lists: 1, taken: 1, timedOut: 1 });
  });

  it('a list that comes before the install began is kept at once, and the install waits for that, not for a list', async () => {
    const t = setup();
    const message: Promise<unknown>[] = [];
    t.fill.listed([`${origin}/js/early.js`], (p) => message.push(p));
    await tick();
    expect(t.kept.map((k) => k.path)).toEqual(['/js/early.js']);
    t.fill.install(t.event);
    expect(t.clock.pending).toBe(0); // no wait for a list
    await tick();
    expect(t.done()).toBe(false); // the early list's writes are the install's too
    await t.landWrites();
    await Promise.all([...t.waits, ...message]);
    expect(t.done()).toBe(true);
    expect(t.fill.stats).toEqual({ lists: 1, taken: 1, timedOut: 0 });
  });

  it('a resource that cannot be read fails alone; a list is read up to MAX_URLS', async () => {
    const t = setup();
    t.failOn('/js/1.js');
    const urls = Array.from({ length: MAX_URLS + 5 }, (_, i) => `${origin}/js/${i}.js`);
    t.fill.install(t.event);
    t.fill.listed(urls, () => undefined);
    for (let i = 0; i < 50 && t.fill.stats.taken < MAX_URLS; i++) await tick();
    await t.landWrites();
    await Promise.all(t.waits);
    expect(t.fill.stats.taken).toBe(MAX_URLS);
    expect(t.kept).toHaveLength(MAX_URLS - 1);
    expect(t.kept.some((k) => k.path === '/js/1.js')).toBe(false);
    expect(t.kept.some((k) => k.path === `/js/${MAX_URLS}.js`)).toBe(false);
    expect(t.done()).toBe(true);
  });
});

describe('FetchHandler.keeps', () => {
  const keeps = (url: string, init?: RequestInit, query?: string) => handler(query).keeps(new Request(url, init));
  it('says which responses fetched by the browser alone the handler would keep', () => {
    expect(keeps(`${origin}/js/a.js`)).toEqual({ offline: false });
    expect(keeps(`${origin}/img/a.png`)).toEqual({ offline: false });
    expect(keeps(`${origin}/api/x?y=1`)).toEqual({ offline: false });
    expect(keeps(`${origin}/live/feed`)).toBeNull(); // network-only
    expect(keeps(`${origin}/data`)).toBeNull(); // default network-first (an API)
    expect(keeps(`${origin}/data`, undefined, '?offline=' + encodeURIComponent('/data'))).toEqual({ offline: true });
    expect(keeps(`${origin}/js/a.js`, { method: 'POST', body: 'x' })).toBeNull();
    expect(keeps(`${origin}/js/a.js`, { cache: 'no-store' })).toBeNull(); // the cache may not answer it
    expect(keeps('https://cdn.test/js/a.js')).toBeNull();
  });
});
