// Stand-ins the service-worker unit tests share: an offline tier that records its writes, a
// fetch that answers from a table and records its requests, a fetch handler over a real memory
// tier with the rest faked, and RFC 9111's age formula.
import { afterEach, beforeEach, vi } from 'vitest';
import { FetchHandler } from '../../sw/fetch-handler.js';
import { Keeper } from '../../sw/keeper.js';
import { MemoryTier } from '../../sw/memory-tier.js';
import { readConfig } from '../../sw/config.js';
import type { ResourceRecord } from '../../sw/http/index.js';
import type { OfflineTier } from '../../sw/offline-tier.js';
import type { TabFill } from '../../sw/tab-fill.js';

/** An offline tier that records its puts and flushes and has nothing to look up; `accept`
 *  false refuses every write. */
export function fakeTier(accept = true) {
  const puts: { record: ResourceRecord; vary: readonly string[] }[] = [];
  const flushed: string[] = [];
  const removed: string[] = [];
  return {
    puts,
    flushed,
    removed,
    put: async (record: ResourceRecord, vary: readonly string[]) => { puts.push({ record, vary }); return accept; },
    flush: async (request: Request) => { flushed.push(request.url); },
    remove: async (keys: readonly string[]) => { removed.push(...keys); return true; },
    lookup: async (_request: Request): Promise<ResourceRecord | null> => null,
  };
}

/** A fetch answering each URL from a table (an unknown URL fails as the network would);
 *  records the requests. */
export function fakeFetch(answers: Record<string, () => Response | Promise<Response>>) {
  const requests: Request[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    const request = input as Request;
    requests.push(request);
    const answer = answers[request.url];
    if (!answer) throw new TypeError(`Failed to fetch ${request.url}`);
    return answer();
  }) as typeof fetch;
  return { requests, fetcher };
}

/**
 * A stored response's current age in whole seconds, RFC 9111 §4.2.3 written out step by step
 * (tests compare the code's Age with it; it is not the code's currentAge). Times in ms.
 */
export function rfcAge(r: { date: number; age?: number; requestTime: number; responseTime: number; now: number }): number {
  const apparentAge = Math.max(0, r.responseTime - r.date) / 1000;
  const responseDelay = (r.responseTime - r.requestTime) / 1000;
  const correctedAgeValue = (r.age ?? 0) + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = (r.now - r.responseTime) / 1000;
  return Math.floor(correctedInitialAge + residentTime);
}

/**
 * FetchHandler and Keeper for `query`'s routes over a real memory tier, the disk (fakeTier) and
 * the tabs faked, with the global fetch stubbed to answer with what `answer` is given (a network
 * failure until then). The caller unstubs the globals.
 */
export function handlerFixture(origin: string, query = '', maxBytes = 64 * 1024, diskAccepts = true) {
  const memory = new MemoryTier(1024 * 1024);
  const disk = fakeTier(diskAccepts);
  const tabsFlushed: string[] = [];
  const tabs = { fill: () => null, flush: async (request: Request) => { tabsFlushed.push(request.url); return 0; } } as unknown as TabFill;
  const keeper = new Keeper(memory, disk as unknown as OfflineTier, tabs, { origin, maxBytes, cacheErrors: false });
  const handler = new FetchHandler(memory, disk as unknown as OfflineTier, keeper, origin, readConfig(query));
  const sent: Request[] = [];
  let respond: (request: Request) => Response = () => { throw new TypeError('Failed to fetch'); };
  vi.stubGlobal('fetch', async (request: Request) => {
    sent.push(request);
    return respond(request);
  });
  /** Fetches `path` (on the origin, or a whole URL) through the handler, reads the body, and
   *  waits for what the fetch left running (a refresh behind the page, the puts). */
  async function get(path: string, init: RequestInit = {}) {
    const request = new Request(/^https?:/.test(path) ? path : origin + path, init);
    const waits: Promise<unknown>[] = [];
    const ctx = { clientId: null, waitUntil: (p: Promise<unknown>) => { waits.push(p); } };
    const response = await handler.handle(request, ctx, {}, handler.plan(request, false) ?? undefined);
    const text = await response.text();
    while (waits.length > 0) await waits.shift();
    return { status: response.status, text, headers: response.headers };
  }
  return {
    memory, disk, tabsFlushed, get, sent, keeper, handler,
    answer: (f: (request: Request) => Response) => { respond = f; },
  };
}

/** An HTTP date (IMF-fixdate) for ms since the epoch. */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** Fakes Date from `t0` in every test of the file (timers and performance.now keep running),
 *  and puts the real clock and every stubbed global back after each. */
export function fakeDateFrom(t0: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(t0);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
}
