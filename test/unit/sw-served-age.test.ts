// Every answer the service worker gives from a stored copy carries that copy's current Age
// (RFC 9111 §4, §5.1), in place of any it was stored with: a fresh hit, a stale one served
// while it is refreshed, a copy served because the network failed, a disk copy, the Workbox
// plugin's answer; and a copy a 304 just refreshed, whose age counts from the 304 (RFC 9111
// §4.3.4). FetchHandler and Keeper over a real memory tier; the disk and tabs faked; Date is
// the clock, moved by hand.
import { describe, expect, it, vi } from 'vitest';
import type { MemoryTier } from '../../sw/memory-tier.js';
import { resourceKey, toRecord, type ResourceRecord } from '../../sw/http/index.js';
import { fakeDateFrom, handlerFixture, httpDate, rfcAge } from './sw-fakes.js';

const origin = 'https://s.test';
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
fakeDateFrom(T0);

/** A handler for `query`'s routes; the network answers with what `answer` is given, the disk
 *  with `onDisk`. */
function setup(query = '') {
  const f = handlerFixture(origin, query);
  let onDisk: ResourceRecord | null = null;
  f.disk.lookup = async () => onDisk;
  return {
    sent: f.sent, memory: f.memory, answer: f.answer,
    /** Fetches through the handler: the body and the Age answered. */
    get: async (path: string) => {
      const { text, headers } = await f.get(path);
      return { text, age: headers.get('age') };
    },
    onDisk: (record: ResourceRecord) => { onDisk = record; },
  };
}

/** The origin's answer at the clock's time: dated now, `headers` added. */
const v1 = (headers: Record<string, string> = {}) => () =>
  new Response('v1', { headers: { 'cache-control': 'max-age=60, stale-while-revalidate=600', date: httpDate(Date.now()), ...headers } });

describe('the service worker serves a stored copy with its current Age', () => {
  it('a fresh hit, stored with Age: 5, 40 s later: the current age, not 5', async () => {
    const t = setup();
    t.answer(v1({ age: '5' }));
    expect((await t.get('/app.js')).age).toBe('5'); // the network's answer, as it came
    vi.setSystemTime(T0 + 40_000);
    const hit = await t.get('/app.js');
    expect(t.sent).toHaveLength(1);
    expect(hit.age).toBe(String(rfcAge({ date: T0, age: 5, requestTime: T0, responseTime: T0, now: T0 + 40_000 })));
    expect(hit.age).toBe('45');
  });

  it('a stale copy served while it is refreshed, and a cache-first copy of any age', async () => {
    const t = setup(`?routes=${encodeURIComponent('/img/*=cache-first')}`);
    t.answer(v1());
    await t.get('/app.js');
    await t.get('/img/a.png');
    vi.setSystemTime(T0 + 100_000);
    const expected = String(rfcAge({ date: T0, requestTime: T0, responseTime: T0, now: T0 + 100_000 }));
    expect(await t.get('/app.js')).toEqual({ text: 'v1', age: expected }); // stale: refreshed behind
    expect(await t.get('/img/a.png')).toEqual({ text: 'v1', age: expected });
  });

  it('a copy served because the network failed (network-first)', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}`);
    t.answer(v1());
    await t.get('/api/me');
    vi.setSystemTime(T0 + 100_000);
    t.answer(() => { throw new TypeError('Failed to fetch'); });
    expect(await t.get('/api/me')).toEqual({ text: 'v1', age: '100' });
  });

  it('a disk copy (offline route, nothing in memory), stored with Age: 7', async () => {
    const t = setup(`?offline=${encodeURIComponent('/app.js')}`);
    const at = T0 - 100_000;
    const response = { status: 200, statusText: 'OK', headers: new Headers({ 'cache-control': 'max-age=600', date: httpDate(at), age: '7' }) };
    t.onDisk(toRecord(resourceKey(`${origin}/app.js`, [], new Headers()), response, new TextEncoder().encode('disk'), { requestTime: at, responseTime: at }, 0));
    const served = await t.get('/app.js');
    expect(t.sent).toHaveLength(0);
    expect(served).toEqual({ text: 'disk', age: String(rfcAge({ date: at, age: 7, requestTime: at, responseTime: at, now: T0 })) });
    expect(served.age).toBe('107');
  });

  it('the Workbox plugin\'s answer from memory', async () => {
    const t = setup();
    t.answer(v1({ age: '5' }));
    await t.get('/app.js');
    // workbox-core's logger reads `self` when it loads, as a service worker has it.
    vi.stubGlobal('self', globalThis);
    // sw/workbox.ts reaches sw/service.ts, typed against the service-worker lib that the tests'
    // tsconfig (DOM) lacks: it is imported by a path tsc does not follow, the names used typed here.
    const workbox = '../../sw/workbox.js';
    const { tmemPlugin, useService } = (await import(workbox)) as {
      useService(service: { memory: MemoryTier }): void;
      tmemPlugin(): { cachedResponseWillBeUsed(options: { request: Request; cachedResponse?: Response }): Promise<Response | null> };
    };
    useService({ memory: t.memory });
    vi.setSystemTime(T0 + 30_000);
    const plugin = tmemPlugin();
    const served = await plugin.cachedResponseWillBeUsed({ request: new Request(`${origin}/app.js`) });
    expect(served?.headers.get('age')).toBe('35');
  });
});

describe('tmemPlugin in a Workbox strategy', () => {
  it('keeps a fetched response with the time its request was sent, not only when it arrived', async () => {
    vi.stubGlobal('self', globalThis);
    const workbox = '../../sw/workbox.js';
    type Timing = { requestTime: number; responseTime: number };
    type Hook = (options: { request: Request; response?: Response; event?: object; state?: object }) => Promise<unknown>;
    const { tmemPlugin, useService } = (await import(workbox)) as {
      useService(service: { keeper: { keep(request: Request, response: Response, timing: Timing): Response } }): void;
      tmemPlugin(): { requestWillFetch: Hook; fetchDidSucceed: Hook };
    };
    const timings: Timing[] = [];
    useService({ keeper: { keep: (_request, response, timing) => { timings.push(timing); return response; } } });
    const plugin = tmemPlugin();
    const event = { clientId: 'tab', waitUntil: () => {} };
    const request = new Request(`${origin}/app.js`);
    const other = new Request(`${origin}/other.js`);
    const state = {};
    expect(await plugin.requestWillFetch({ request, event, state })).toBe(request);
    vi.setSystemTime(T0 + 1_000);
    await plugin.requestWillFetch({ request: other, event }); // another fetch of the same event
    vi.setSystemTime(T0 + 3_000); // the server took 3 s
    await plugin.fetchDidSucceed({ request: request.clone(), response: new Response('x'), event, state });
    await plugin.fetchDidSucceed({ request: other.clone(), response: new Response('o'), event });
    // Without an event or state to key the time on (a strategy called directly): the arrival.
    await plugin.fetchDidSucceed({ request, response: new Response('y') });
    expect(timings).toEqual([
      { requestTime: T0, responseTime: T0 + 3_000 },
      { requestTime: T0 + 1_000, responseTime: T0 + 3_000 },
      { requestTime: T0 + 3_000, responseTime: T0 + 3_000 },
    ]);
  });
});

describe('a copy a 304 refreshed', () => {
  it('is served, on the 304, with its age counted from the 304: 0 when it has no Date, its Date\'s age when it has one', async () => {
    const t = setup(`?routes=${encodeURIComponent('/api/*=network-first')}`);
    t.answer(v1({ etag: '"1"', age: '30' }));
    await t.get('/api/me');
    vi.setSystemTime(T0 + 120_000);
    t.answer(() => new Response(null, { status: 304, headers: { etag: '"1"' } }));
    // Dated when it arrived (requested and received at the same instant of this clock).
    expect(await t.get('/api/me')).toEqual({ text: 'v1', age: String(rfcAge({ date: T0 + 120_000, requestTime: T0 + 120_000, responseTime: T0 + 120_000, now: T0 + 120_000 })) });
    vi.setSystemTime(T0 + 200_000);
    t.answer(() => new Response(null, { status: 304, headers: { etag: '"1"', date: httpDate(T0 + 198_000) } }));
    expect(await t.get('/api/me')).toEqual({ text: 'v1', age: '2' });
    expect(t.sent).toHaveLength(3);
  });

  it('behind a stale hit, then answers fresh with the age the merged headers and the 304\'s timing give', async () => {
    const t = setup();
    t.answer(v1({ etag: '"1"', age: '30' }));
    await t.get('/app.js');
    t.answer(() => new Response(null, { status: 304, headers: { etag: '"1"' } }));
    vi.setSystemTime(T0 + 120_000);
    expect((await t.get('/app.js')).age).toBe('150'); // stale, served with its old age; refreshed behind
    vi.setSystemTime(T0 + 150_000);
    const hit = await t.get('/app.js');
    expect(t.sent).toHaveLength(2);
    expect(hit.age).toBe(String(rfcAge({ date: T0 + 120_000, requestTime: T0 + 120_000, responseTime: T0 + 120_000, now: T0 + 150_000 })));
    expect(hit.age).toBe('30');
  });
});
