// What a network answer does to the stored copy (sw/fetch-handler.ts, sw/keeper.ts): a 304
// refreshes it only while the merged headers let it be stored, and resets its age; a full
// response that is not kept removes it (memory, and an offline route's disk), except a network
// failure and, on an offline route, a 5xx; an unsafe request answered without an error status
// invalidates it. FetchHandler and Keeper over a real memory tier; the disk and tabs faked.
import { describe, expect, it, vi } from 'vitest';
import { fakeDateFrom, handlerFixture, httpDate } from './sw-fakes.js';

const origin = 'https://s.test';
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
fakeDateFrom(T0);

/** A handler for `query`'s routes whose network answers with what `answer` is given. */
function setup(query = '', maxBytes = 64 * 1024, diskAccepts = true) {
  const f = handlerFixture(origin, query, maxBytes, diskAccepts);
  return { ...f, held: (path: string) => f.memory.lookup(new Request(origin + path)) };
}

/** v1, fresh for 60 s and then servable stale for 600 s more while it is refreshed (RFC 5861):
 *  the refreshes behind the page these tests look at. */
const v1 = (headers: Record<string, string> = {}) => () =>
  new Response('v1', { headers: { 'cache-control': 'max-age=60, stale-while-revalidate=600', date: httpDate(Date.now()), ...headers } });

function redirected(response: Response): Response {
  Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

describe('a 304 refresh', () => {
  it('serves the merged response but removes the copy, memory and disk, when the 304 brings no-store', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}&offline=${encodeURIComponent('/api/*')}`);
    t.answer(v1({ etag: '"1"' }));
    await t.get('/api/me');
    expect(t.disk.puts).toHaveLength(1);
    t.answer(() => new Response(null, { status: 304, headers: { 'cache-control': 'no-store', etag: '"1"' } }));
    const served = await t.get('/api/me');
    expect(t.sent[1]!.headers.get('if-none-match')).toBe('"1"');
    expect([served.status, served.text, served.headers.get('cache-control')]).toEqual([200, 'v1', 'no-store']);
    expect(t.held('/api/me')).toBeNull();
    expect(t.disk.flushed).toEqual([`${origin}/api/me`]);
    expect(t.disk.puts).toHaveLength(1);
  });

  it('makes the copy fresh again: a 304 without Date counts its age from its arrival, without Age drops the stored one', async () => {
    const t = setup();
    t.answer(v1({ etag: '"1"', age: '30' }));
    await t.get('/app.js');
    t.answer(() => new Response(null, { status: 304, headers: { etag: '"1"' } }));
    vi.setSystemTime(T0 + 120_000);
    expect((await t.get('/app.js')).text).toBe('v1'); // stale: served, revalidated behind
    expect(t.sent).toHaveLength(2);
    vi.setSystemTime(T0 + 150_000); // 30 s after the 304: fresh for another 30 s
    expect((await t.get('/app.js')).text).toBe('v1');
    expect(t.sent).toHaveLength(2);
  });
});

describe('a stale copy on a stale-while-revalidate route', () => {
  // RFC 9111 §4.2.4: a cache serves a stale response only when the origin or the client allows
  // it; RFC 5861's stale-while-revalidate=N allows it for N seconds past freshness.
  for (const [what, cacheControl, at] of [
    ['without stale-while-revalidate', 'max-age=60', T0 + 61_000],
    ['past its stale-while-revalidate window', 'max-age=60, stale-while-revalidate=30', T0 + 120_000],
  ] as const) {
    it(`${what} is revalidated before it is served: left to the browser, and a handler asks the server first`, async () => {
      const t = setup();
      t.answer(() => new Response('v1', { headers: { 'cache-control': cacheControl, etag: '"1"', date: httpDate(Date.now()) } }));
      await t.get('/app.js');
      vi.setSystemTime(at);
      // plan() leaves it to the browser, whose HTTP cache revalidates it.
      expect(t.handler.plan(new Request(`${origin}/app.js`), false)).toBeNull();
      // A handler asked to answer anyway (an isolating worker, the Workbox adapter) revalidates.
      t.answer(() => new Response(null, { status: 304, headers: { etag: '"1"', date: httpDate(Date.now()) } }));
      expect((await t.get('/app.js')).text).toBe('v1');
      expect(t.sent).toHaveLength(2);
      expect(t.sent[1].headers.get('if-none-match')).toBe('"1"');
      // Revalidated, the copy is fresh again and served without asking.
      expect((await t.get('/app.js')).text).toBe('v1');
      expect(t.sent).toHaveLength(2);
      // When it has changed, the new version is what the page gets, never the stale one.
      vi.setSystemTime(at + 120_000);
      t.answer(() => new Response('v2', { headers: { 'cache-control': cacheControl, etag: '"2"', date: httpDate(Date.now()) } }));
      expect((await t.get('/app.js')).text).toBe('v2');
      expect(t.sent).toHaveLength(3);
    });
  }

  it('a fresh copy older than the request\'s max-age, or fresh for less than its min-fresh, is revalidated first (RFC 9111 §5.2.1)', async () => {
    const t = setup();
    t.answer(() => new Response('v1', { headers: { 'cache-control': 'max-age=3600, stale-while-revalidate=600', etag: '"1"', date: httpDate(Date.now()) } }));
    await t.get('/app.js');
    vi.setSystemTime(T0 + 300_000); // 5 min old, 55 min left
    for (const cc of ['max-age=10', 'min-fresh=3600']) {
      expect(t.handler.plan(new Request(`${origin}/app.js`, { headers: { 'cache-control': cc } }), false)).toBeNull();
    }
    for (const cc of ['max-age=600', 'min-fresh=600']) {
      expect(t.handler.plan(new Request(`${origin}/app.js`, { headers: { 'cache-control': cc } }), false)).not.toBeNull();
    }
    t.answer(() => new Response('v2', { headers: { 'cache-control': 'max-age=3600', etag: '"2"', date: httpDate(Date.now()) } }));
    expect((await t.get('/app.js', { headers: { 'cache-control': 'max-age=10' } })).text).toBe('v2');
    expect(t.sent[1].headers.get('if-none-match')).toBe('"1"');
  });

  it('within its stale-while-revalidate window is served at once and refreshed behind', async () => {
    const t = setup();
    t.answer(() => new Response('v1', { headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30', etag: '"1"', date: httpDate(Date.now()) } }));
    await t.get('/app.js');
    vi.setSystemTime(T0 + 75_000); // 15 s stale, 15 s left in the window
    expect(t.handler.plan(new Request(`${origin}/app.js`), false)).not.toBeNull();
    t.answer(() => new Response('v2', { headers: { 'cache-control': 'max-age=60', etag: '"2"', date: httpDate(Date.now()) } }));
    expect((await t.get('/app.js')).text).toBe('v1');
    expect((await t.get('/app.js')).text).toBe('v2'); // the refresh behind was kept
    expect(t.sent).toHaveLength(2);
  });
});

describe('a refresh behind the page whose body is not read back', () => {
  it('cancels it (a response that is not kept may be long, or never end), rather than read it all', async () => {
    const t = setup();
    t.answer(v1());
    await t.get('/feed.js');
    vi.setSystemTime(T0 + 120_000);
    let cancelled = false;
    let pulled = 0;
    t.answer(() => new Response(new ReadableStream<Uint8Array>({
      // Long, not endless: a regression that read it all would then fail, not hang the run.
      pull(c) { if (++pulled > 1000) c.close(); else c.enqueue(new Uint8Array(1024)); },
      cancel() { cancelled = true; },
    }), { headers: { 'cache-control': 'no-store' } }));
    expect((await t.get('/feed.js')).text).toBe('v1');
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(1000);
  });
});

describe('a page\'s own conditional request', () => {
  it('is answered 304 from a stored copy that meets it, with the copy\'s validators and age; else the whole copy', async () => {
    const t = setup();
    t.answer(v1({ etag: '"1"' }));
    await t.get('/app.js');
    vi.setSystemTime(T0 + 5_000);
    const met = await t.get('/app.js', { headers: { 'if-none-match': 'W/"1"' } });
    expect([met.status, met.text, met.headers.get('etag'), met.headers.get('age'), met.headers.get('content-type')]).toEqual([304, '', '"1"', '5', null]);
    const unmet = await t.get('/app.js', { headers: { 'if-none-match': '"0"' } });
    expect([unmet.status, unmet.text]).toEqual([200, 'v1']);
    expect(t.sent).toHaveLength(1); // both from the copy
  });
});

describe('a refresh behind the page', () => {
  it('reads the new body to its end rather than cancel it: a large body is kept by reading it back from the HTTP cache, which needs the whole load', async () => {
    const t = setup('', 1 << 20);
    t.answer(v1()); // no validator: the refresh is sent as the page made it, not conditional
    await t.get('/app.js');
    vi.setSystemTime(T0 + 120_000); // stale: served, refreshed behind
    const size = 64 * 1024;
    const headers = { 'cache-control': 'max-age=60', etag: '"2"', 'content-length': String(size), date: httpDate(T0 + 120_000) };
    const basic = (r: Response): Response => Object.defineProperty(r, 'type', { value: 'basic' });
    let cancelled = false;
    let ended = false;
    t.answer((request) => {
      // The keeper's read-back: the HTTP cache's copy, the same version.
      if (request.cache === 'only-if-cached') return basic(new Response(new Uint8Array(size).fill(2), { headers }));
      let sent = 0;
      return basic(new Response(new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent === size) { ended = true; c.close(); return; }
          c.enqueue(new Uint8Array(8192).fill(2));
          sent += 8192;
        },
        cancel() { cancelled = true; },
      }), { headers }));
    });
    expect((await t.get('/app.js')).text).toBe('v1');
    expect({ cancelled, ended }).toEqual({ cancelled: false, ended: true });
    expect(t.held('/app.js')?.body.length).toBe(size); // and the new version was kept
  });
});

describe('a new version that cannot be kept whole', () => {
  it('read back from the HTTP cache as another version (or not there): the copy it replaces is removed all the same', async () => {
    const t = setup('', 1 << 20);
    t.answer(v1());
    await t.get('/app.js');
    expect(t.held('/app.js')).not.toBeNull();
    vi.setSystemTime(T0 + 120_000); // stale: served, refreshed behind
    const size = 64 * 1024;
    const basic = (r: Response): Response => Object.defineProperty(r, 'type', { value: 'basic' });
    const headers = (etag: string) => ({ 'cache-control': 'max-age=60', etag, 'content-length': String(size), date: httpDate(Date.now()) });
    t.answer((request) => request.cache === 'only-if-cached'
      ? basic(new Response(new Uint8Array(size).fill(3), { headers: headers('"3"') })) // the HTTP cache has moved on
      : basic(new Response(new Uint8Array(size).fill(2), { headers: headers('"2"') })));
    expect((await t.get('/app.js')).text).toBe('v1');
    expect(t.held('/app.js')).toBeNull(); // v1 is not served in place of the v2 the page was given
    expect(t.tabsFlushed).toEqual([`${origin}/app.js`]);
  });

  it('on an offline route whose disk refuses it (quota): the older durable copy under its key is removed', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}&offline=${encodeURIComponent('/api/*')}`, 64 * 1024, false);
    t.answer(v1());
    await t.get('/api/me');
    expect(t.disk.puts).toHaveLength(1);
    expect(t.disk.removed).toEqual([`${origin}/api/me`]);
  });
});

describe('a full response that is not kept', () => {
  it.each([
    ['a 404', () => new Response('gone', { status: 404 })],
    ['no-store', () => new Response('v2', { headers: { 'cache-control': 'no-store' } })],
    ['Vary: *', () => new Response('v2', { headers: { vary: '*' } })],
    ['a redirect', () => redirected(new Response('elsewhere'))],
    ['a body over maxBytes', () => new Response(new Uint8Array(2048))],
  ])('removes the copy it refreshed (%s), from memory and an offline route\'s disk', async (_, make) => {
    const t = setup(`?offline=${encodeURIComponent('/app.js')}`, 1024);
    t.answer(v1());
    await t.get('/app.js');
    t.answer(make);
    vi.setSystemTime(T0 + 120_000);
    expect((await t.get('/app.js')).text).toBe('v1'); // stale: served, refreshed behind
    expect(t.held('/app.js')).toBeNull();
    expect(t.disk.flushed).toEqual([`${origin}/app.js`]);
    expect(t.tabsFlushed).toEqual([`${origin}/app.js`]); // the tabs' copies of it go too
    await t.get('/app.js');
    expect(t.sent).toHaveLength(3); // the next request goes to the network
  });

  it('tells the tabs even when its own memory has no copy (a restarted worker: the tabs keep theirs)', async () => {
    const t = setup();
    t.answer(() => new Response('v', { headers: { 'cache-control': 'no-store' } }));
    await t.get('/data.json');
    expect(t.held('/data.json')).toBeNull();
    expect(t.tabsFlushed).toEqual([`${origin}/data.json`]);
  });

  it('an offline route\'s copy survives a network failure and a 5xx (passed on); elsewhere a 5xx removes it', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}&offline=${encodeURIComponent('/api/*')}`);
    t.answer(v1());
    await t.get('/api/me');
    await t.get('/app.js');
    vi.setSystemTime(T0 + 120_000);
    t.answer(() => new Response('busy', { status: 503 }));
    expect((await t.get('/api/me')).status).toBe(503);
    expect((await t.get('/app.js')).text).toBe('v1'); // stale: served, refreshed behind
    expect(t.held('/api/me')).not.toBeNull();
    expect(t.held('/app.js')).toBeNull();
    t.answer(() => { throw new TypeError('Failed to fetch'); });
    expect((await t.get('/api/me')).text).toBe('v1');
    expect(t.held('/api/me')).not.toBeNull();
    expect(t.disk.flushed).toEqual([]);
  });
});

describe('an unsafe request', () => {
  function opaqueRedirect(): Response {
    const response = new Response(null);
    Object.defineProperties(response, { type: { value: 'opaqueredirect' }, status: { value: 0 }, ok: { value: false } });
    return response;
  }

  it.each([
    ['a 200', () => new Response('ok')],
    ['a 303', () => new Response(null, { status: 303, headers: { location: '/items.txt' } })],
    ['an opaqueredirect (redirect: manual)', opaqueRedirect],
  ])('answered with %s invalidates its URL\'s copy', async (_, make) => {
    const t = setup();
    t.answer(v1());
    await t.get('/items.txt');
    t.answer(make);
    await t.get('/items.txt', { method: 'POST', body: 'x', redirect: 'manual' });
    expect(t.held('/items.txt')).toBeNull();
  });

  it('to another origin whose copies a configured route keeps is taken, and invalidates its copy', async () => {
    const cdn = 'https://cdn.test/lib/items.json';
    const t = setup(`?routes=${encodeURIComponent('https://cdn.test/lib/*=cache-first')}`);
    t.answer(() => new Response('v1', { headers: { 'cache-control': 'max-age=600', 'access-control-allow-origin': '*' } }));
    await t.get(cdn, { mode: 'cors' });
    expect(t.memory.lookup(new Request(cdn))).not.toBeNull();
    const post = new Request(cdn, { method: 'POST', body: 'x', mode: 'cors' });
    expect(t.handler.plan(post, false)).not.toBeNull(); // was declined: never seen by the worker
    t.answer(() => new Response('ok'));
    await t.get(cdn, { method: 'POST', body: 'x', mode: 'cors' });
    expect(t.memory.lookup(new Request(cdn))).toBeNull();
    // Another origin's unsafe request no route keeps copies of is still left to the browser,
    // and so is a no-cors one (its opaque answer cannot say it succeeded).
    expect(t.handler.plan(new Request('https://other.test/x', { method: 'POST', body: 'x' }), false)).toBeNull();
    expect(t.handler.plan(new Request(cdn, { method: 'POST', body: 'x', mode: 'no-cors' }), false)).toBeNull();
  });

  it.each([400, 409, 500])('answered with an error (%i) leaves the copy', async (status) => {
    const t = setup();
    t.answer(v1());
    await t.get('/items.txt');
    t.answer(() => new Response('no', { status }));
    await t.get('/items.txt', { method: 'POST', body: 'x' });
    expect(t.held('/items.txt')).not.toBeNull();
  });
});

describe('review mends (2026-12-07)', () => {
  it('a 304 that brings Vary (Accept-Encoding on 304s is common) refreshes the copy as the request\'s variant', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}`);
    t.answer(v1({ etag: '"1"' }));
    await t.get('/api/me', { headers: { 'accept-encoding': 'gzip' } });
    t.answer(() => new Response(null, { status: 304, headers: { etag: '"1"', vary: 'Accept-Encoding', 'cache-control': 'max-age=60' } }));
    const served = await t.get('/api/me', { headers: { 'accept-encoding': 'gzip' } });
    expect([served.status, served.text]).toEqual([200, 'v1']);
    const held = t.memory.lookup(new Request(`${origin}/api/me`, { headers: { 'accept-encoding': 'gzip' } }));
    expect(held && new Headers(held.headers).get('vary')).toBe('Accept-Encoding');
    expect(t.memory.lookup(new Request(`${origin}/api/me`, { headers: { 'accept-encoding': 'br' } }))).toBeNull();
  });

  it('a copy of another origin is refetched in full, without conditional headers (they would need a CORS preflight)', async () => {
    const api = 'https://api.other.test';
    const t = setup(`?routes=${encodeURIComponent(`${api}/*=network-first`)}`);
    t.answer(v1({ etag: '"1"', 'last-modified': httpDate(T0 - 60_000) }));
    await t.get(`${api}/v1/items`);
    expect(t.memory.lookup(new Request(`${api}/v1/items`))).not.toBeNull(); // it is kept
    t.answer(() => new Response('v2', { headers: { 'cache-control': 'max-age=60', etag: '"2"' } }));
    expect((await t.get(`${api}/v1/items`)).text).toBe('v2');
    expect(t.sent).toHaveLength(2);
    expect(t.sent[1]!.headers.get('if-none-match')).toBeNull();
    expect(t.sent[1]!.headers.get('if-modified-since')).toBeNull();
  });

  it('a new version within maxBytes that the memory tier refuses as too large removes the old copy', async () => {
    const t = setup('', 900 * 1024);
    t.answer(v1());
    await t.get('/big.js');
    expect(t.held('/big.js')).not.toBeNull();
    t.answer(() => new Response(new Uint8Array(800 * 1024).fill(7), { headers: { 'cache-control': 'max-age=60' } }));
    vi.setSystemTime(T0 + 120_000);
    expect((await t.get('/big.js')).text).toBe('v1'); // stale: served, refreshed behind
    expect(t.held('/big.js')).toBeNull();
    expect(t.tabsFlushed).toEqual([`${origin}/big.js`]);
  });

  it('when the network fails, a stale copy that says must-revalidate gets a 504 and one that says no-cache the network error; an offline route serves both', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}&offline=${encodeURIComponent('/api/off/*')}`);
    t.answer(v1({ 'cache-control': 'max-age=60, must-revalidate' }));
    await t.get('/api/must');
    await t.get('/api/off/must');
    t.answer(() => new Response('v1', { headers: { 'cache-control': 'no-cache', etag: '"1"' } }));
    await t.get('/api/nocache');
    t.answer(() => new Response('fresh', { headers: { 'cache-control': 'max-age=600, must-revalidate' } }));
    await t.get('/api/fresh');
    vi.setSystemTime(T0 + 120_000);
    t.answer(() => { throw new TypeError('Failed to fetch'); });
    expect((await t.get('/api/must')).status).toBe(504);
    await expect(t.get('/api/nocache')).rejects.toThrow('Failed to fetch');
    expect((await t.get('/api/off/must')).text).toBe('v1');
    expect((await t.get('/api/fresh')).text).toBe('fresh'); // fresh: served whatever it says
    expect(t.held('/api/must')).not.toBeNull(); // a network failure removes nothing
  });
});

describe('responses that land out of order', () => {
  it('a revalidation\'s 304 that arrives after a newer 200 does not put the older copy back', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}`);
    t.answer(v1({ etag: '"1"' }));
    await t.get('/api/me');
    // The first revalidation is held; a second request, sent later, gets version 2 meanwhile.
    let release = (_: Response) => {};
    const held = new Promise<Response>((r) => { release = r; });
    t.answer(() => held as unknown as Response);
    vi.setSystemTime(T0 + 1_000);
    const first = t.get('/api/me');
    await vi.waitFor(() => expect(t.sent).toHaveLength(2));
    vi.setSystemTime(T0 + 2_000);
    t.answer(() => new Response('v2', { headers: { 'cache-control': 'max-age=60', etag: '"2"', date: httpDate(Date.now()) } }));
    expect((await t.get('/api/me')).text).toBe('v2');
    expect(new TextDecoder().decode(t.held('/api/me')!.body)).toBe('v2');
    release(new Response(null, { status: 304, headers: { etag: '"1"' } }));
    expect((await first).text).toBe('v1'); // its own answer: the copy it revalidated
    expect(new TextDecoder().decode(t.held('/api/me')!.body)).toBe('v2');
    expect(t.keeper.stats.outcomes.outdated).toBe(1);
  });

  it('a response to a GET sent before a successful POST to its URL is not put after it (RFC 9111 §4.4)', async () => {
    const t = setup();
    let release = (_: Response) => {};
    const held = new Promise<Response>((r) => { release = r; });
    t.answer(() => held as unknown as Response);
    const first = t.get('/items.txt');
    await vi.waitFor(() => expect(t.sent).toHaveLength(1));
    vi.setSystemTime(T0 + 1_000);
    t.answer(() => new Response('ok'));
    await t.get('/items.txt', { method: 'POST', body: 'x' });
    release(new Response('before the post', { headers: { 'cache-control': 'max-age=60' } }));
    expect((await first).text).toBe('before the post'); // its own answer still
    expect(t.held('/items.txt')).toBeNull();
    expect(t.keeper.stats.outcomes.outdated).toBe(1);
    // A GET sent after the POST is kept.
    vi.setSystemTime(T0 + 2_000);
    t.answer(v1());
    await t.get('/items.txt');
    expect(new TextDecoder().decode(t.held('/items.txt')!.body)).toBe('v1');
  });

  it('a clock that went back does not hold puts off', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}`);
    vi.setSystemTime(T0 + 60_000);
    t.answer(v1());
    await t.get('/api/me');
    vi.setSystemTime(T0); // a minute back
    t.answer(() => new Response('v2', { headers: { 'cache-control': 'max-age=60', date: httpDate(Date.now()) } }));
    await t.get('/api/me');
    expect(new TextDecoder().decode(t.held('/api/me')!.body)).toBe('v2');
  });
});
