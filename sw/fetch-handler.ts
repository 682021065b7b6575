// The service worker's answer to one fetch: pick the route's strategy, look in memory (the
// service worker's own tier, synchronously) and, for offline routes, on disk, go to the
// network when the strategy or the HTTP rules say so, keep what may be kept. Never throws for
// a request it cannot cache: that request simply goes to the network as if there were no
// service worker.
//
//   cache-first              stored copy (any age) → else network, kept
//   stale-while-revalidate   fresh copy → served; stale copy within the response's own
//                            stale-while-revalidate window (RFC 5861) → served, revalidated
//                            behind; any other stale copy → revalidated first (RFC 9111
//                            §4.2.4: a cache serves a stale response only when allowed)
//   network-first            network (conditional when a copy has validators) → 304 serves
//                            the copy; a network failure serves memory, then disk
//   network-only             network
// A request that demands revalidation (cache mode 'no-cache', Cache-Control: no-cache) is
// handled network-first; one the cache may not answer (non-GET, Range, credentials,
// 'no-store', 'reload') goes straight to the network.
//
// What the service worker would only send to the network is not taken at all (plan() returns
// null, no respondWith): the browser then does the same with its own HTTP cache, which
// revalidates a `no-cache` resource faster than a handler can (no clone, no second request
// object, no hop through the service worker's thread). That covers network-only routes,
// requests the cache may not answer, requests demanding revalidation, default network-first
// routes (navigations, APIs) and a stored copy that must be revalidated before use — each
// unless an offline route or isolation headers need the service worker's hand. A miss of a
// page that is still loading is not taken either: the browser fetches it, and it is kept
// after the load (sw/deferred-keep.ts).
import {
  decideLookup, freshness, headerPairs, mergeNotModified, notModifiedResponse, PairFields, resolveRoute,
  revalidationHeaders, storedUse,
  type LookupDecision, type ResolvedRoute, type ResourceRecord, type Route, type Strategy,
} from './http/index.js';
import type { DeferredKeep } from './deferred-keep.js';
import type { KeepContext, Keeper } from './keeper.js';
import type { MemoryTier } from './memory-tier.js';
import type { OfflineTier } from './offline-tier.js';

/** What a handler needs of the fetch event. */
export interface FetchContext {
  /** The tab the response goes to (event.clientId, or a navigation's resultingClientId). */
  clientId: string | null;
  waitUntil(promise: Promise<unknown>): void;
  /** A navigation's preloaded response (event.preloadResponse), when enabled. */
  preloadResponse?: Promise<Response | undefined>;
}

/** Where answers came from (a type, not an interface, so it is a Record<string, number> as the
 *  service worker's stats reply declares its counters). */
export type HandlerStats = {
  memoryHits: number;
  diskHits: number;
  network: number;
  /** 304s from the network that refreshed a stored copy. */
  notModified: number;
  /** 304s answered from a stored copy to the page's own conditional requests. */
  notModifiedAnswers: number;
  passThrough: number;
  networkErrors: number;
  /** Requests left to the browser (no respondWith): the service worker would only have
   *  passed them to the network. */
  declined: number;
  /** Navigations answered with the navigation preload response. */
  preloaded: number;
};

/** How a taken request will be answered (plan()). */
export interface Plan {
  strategy: Strategy;
  offline: boolean;
  lookup: LookupDecision;
  /** The memory tier's copy when plan() already looked (undefined: not looked up). */
  stored?: ResourceRecord | null;
}

/** Whether responses on a route are kept: every strategy but network-only, where a network-
 *  first route keeps them only when configured (its copies answer a network failure) or
 *  offline; the default one (documents, APIs) does what the browser does anyway. */
function routeKeeps(resolved: ResolvedRoute): boolean {
  if (resolved.strategy === 'network-only') return false;
  return resolved.strategy !== 'network-first' || resolved.offline || resolved.routeIndex >= 0;
}

/** Answers fetches with the cleancache strategies. */
export class FetchHandler {
  readonly #memory: MemoryTier;
  readonly #offline: OfflineTier;
  readonly #keeper: Keeper;
  readonly #origin: string;
  readonly #config: { routes: readonly Route[]; offline: readonly string[] };
  readonly #deferred: DeferredKeep | null;
  readonly stats: HandlerStats = { memoryHits: 0, diskHits: 0, network: 0, notModified: 0, notModifiedAnswers: 0, passThrough: 0, networkErrors: 0, declined: 0, preloaded: 0 };

  constructor(
    memory: MemoryTier, offline: OfflineTier, keeper: Keeper, origin: string,
    config: { routes: readonly Route[]; offline: readonly string[] }, deferred: DeferredKeep | null = null,
  ) {
    this.#memory = memory;
    this.#offline = offline;
    this.#keeper = keeper;
    this.#origin = origin;
    this.#config = config;
    this.#deferred = deferred;
  }

  /**
   * Whether and how the service worker answers a request; null leaves it to the browser (see
   * the top of this file). Synchronous: one memory lookup at most.
   * @param request the intercepted request
   * @param isolating whether isolation headers are added (documents and workers need them)
   * @param ctx the fetch event's client and waitUntil: with them a miss of a loading page may
   *   be left to the browser and kept later (without, it is taken)
   */
  plan(request: Request, isolating: boolean, ctx?: FetchContext): Plan | null {
    const needed = isolating && (request.mode === 'navigate' || request.destination === 'worker' || request.destination === 'sharedworker');
    const resolved = resolveRoute(request, this.#origin, this.#config);
    const lookup = decideLookup(request, this.#origin);
    const plan: Plan = { strategy: resolved.strategy, offline: resolved.offline, lookup };
    // Unsafe requests are taken where copies of their URL may be kept (the origin's, and those
    // of a configured route that keeps, another origin's too), to invalidate them after success.
    // Another origin's no-cors answer is opaque (status 0): its success cannot be seen, so it
    // is left to the browser.
    if (request.method !== 'GET') {
      const mayHoldCopies = new URL(request.url).origin === this.#origin || (routeKeeps(resolved) && request.mode !== 'no-cors');
      return needed || (request.method !== 'HEAD' && mayHoldCopies) ? plan : this.#decline();
    }
    if (needed) return plan;
    if (!lookup.lookup || resolved.strategy === 'network-only') return this.#decline();
    if (resolved.offline) return plan;
    if (resolved.strategy === 'cache-first') {
      if (lookup.revalidate) return plan;
      const stored = this.#memory.lookup(request);
      return stored === null && this.#leave(request, ctx) ? null : { ...plan, stored };
    }
    if (lookup.revalidate) return this.#decline();
    if (resolved.strategy === 'network-first') return routeKeeps(resolved) ? plan : this.#decline();
    const stored = this.#memory.lookup(request);
    if (stored === null && this.#leave(request, ctx)) return null;
    if (stored && !lookup.anyAge) {
      // A stale copy outside its stale-while-revalidate window, or one older than the request
      // takes, must be revalidated before use: the browser does that with its own HTTP cache.
      const f = freshness(stored.status, new PairFields(stored.headers), stored, Date.now());
      if (storedUse(f, lookup) === 'revalidate') return this.#decline();
    }
    return { ...plan, stored };
  }

  /**
   * Whether the handler keeps a response to `request` when it fetches it, for a response the
   * browser fetched on its own (a first visit's, sw/install-fill.ts): a same-origin GET the
   * cache may answer, on a cache-first or stale-while-revalidate route, a configured
   * network-first route, or an offline route.
   * @param request the request as it would come
   * @returns null when not kept; else whether a durable copy is kept too
   */
  keeps(request: Request): { offline: boolean } | null {
    if (request.method !== 'GET' || new URL(request.url).origin !== this.#origin) return null;
    const resolved = resolveRoute(request, this.#origin, this.#config);
    if (!decideLookup(request, this.#origin).lookup || !routeKeeps(resolved)) return null;
    return { offline: resolved.offline };
  }

  /** Whether a miss is left to the browser, to be kept after its page's load
   *  (sw/deferred-keep.ts); never without the fetch event's context. */
  #leave(request: Request, ctx: FetchContext | undefined): boolean {
    if (!ctx || !this.#deferred) return false;
    return this.#deferred.leave(request, { clientId: ctx.clientId, offline: false, waitUntil: ctx.waitUntil });
  }

  /**
   * Answers a request.
   * @param request the intercepted request
   * @param ctx the client and the event's waitUntil
   * @param override a strategy and offline flag to use instead of the configured route's
   *   (the Workbox adapter)
   * @param given what plan() found, to spare a second lookup
   */
  async handle(request: Request, ctx: FetchContext, override: { strategy?: Strategy; offline?: boolean } = {}, given?: Plan): Promise<Response> {
    const planned = given ?? (() => {
      const resolved = resolveRoute(request, this.#origin, this.#config);
      return { strategy: resolved.strategy, offline: resolved.offline, lookup: decideLookup(request, this.#origin) } as Plan;
    })();
    const route = { strategy: override.strategy ?? planned.strategy, offline: override.offline ?? planned.offline };
    const lookup = planned.lookup;
    const chosen = route.strategy;
    if (!lookup.lookup || chosen === 'network-only') return this.#passThrough(request, ctx, route.offline, lookup.lookup ? null : lookup.reason);
    const keep: KeepContext = { clientId: ctx.clientId, offline: route.offline, waitUntil: ctx.waitUntil };
    if (lookup.revalidate || chosen === 'network-first') return this.#networkFirst(request, keep, route.offline, ctx);

    // plan() looked in memory already when it says what it found (null: a miss, and no disk
    // to look on since plan() only looks for routes that are not offline).
    const stored = planned.stored === undefined ? await this.#stored(request, keep, route.offline)
      : planned.stored === null ? null : this.#served(planned.stored, keep);
    if (stored === null) return this.#network(request, keep, null, ctx);
    if (chosen === 'cache-first' || lookup.anyAge) return this.#answer(request, stored);
    const f = freshness(stored.status, new PairFields(stored.headers), stored, Date.now());
    const use = storedUse(f, lookup);
    if (use === 'fresh') return this.#answer(request, stored);
    if (use === 'revalidate') return this.#networkFirst(request, keep, route.offline, ctx, stored);
    // Stale within its window: serve it now, refresh it behind the page's back. Nobody reads the refresh's
    // answer: its body is cancelled, unless the keeper reads it back from the HTTP cache,
    // whose entry a cancelled load would leave incomplete: then it is read to its end.
    const drop = (r: Response) => (this.#keeper.readsBack(r) ? r.body?.pipeTo(new WritableStream()) : r.body?.cancel());
    ctx.waitUntil(this.#network(request, keep, stored, ctx).then(drop, () => {}).catch(() => {}));
    return this.#answer(request, stored);
  }

  /** A stored copy as the answer: a 304 when it meets the request's own conditions
   *  (http/conditional.ts), else the whole copy. */
  #answer(request: Request, record: ResourceRecord): Response | Promise<Response> {
    const notModified = notModifiedResponse(record, request.headers, Date.now());
    if (notModified === null) return this.#memory.response(record);
    this.stats.notModifiedAnswers++;
    return notModified;
  }

  #decline(): null {
    this.stats.declined++;
    return null;
  }

  /** Counts a memory hit and sends the tab its copy (page code may look it up). */
  #served(record: ResourceRecord, keep: KeepContext): ResourceRecord {
    this.stats.memoryHits++;
    this.#keeper.fillTab(record, null, keep);
    return record;
  }

  /** A stored copy: memory first, then (offline routes) disk, which refills memory. */
  async #stored(request: Request, keep: KeepContext, offline: boolean): Promise<ResourceRecord | null> {
    const fromMemory = this.#memory.lookup(request);
    if (fromMemory) return this.#served(fromMemory, keep);
    if (!offline) return null;
    const fromDisk = await this.#offline.lookup(request);
    if (fromDisk) {
      this.stats.diskHits++;
      this.#keeper.putRecord(fromDisk, { ...keep, offline: false });
    }
    return fromDisk;
  }

  async #networkFirst(request: Request, keep: KeepContext, offline: boolean, ctx: FetchContext, known?: ResourceRecord): Promise<Response> {
    // A navigation cannot carry added headers (its Request cannot be rebuilt), so only other
    // requests revalidate a copy conditionally.
    const stored = known ?? (request.mode === 'navigate' ? null : this.#memory.lookup(request));
    try {
      return await this.#network(request, keep, stored, ctx);
    } catch (e) {
      this.stats.networkErrors++;
      const fallback = stored ?? (await this.#stored(request, keep, offline));
      if (!fallback) throw e;
      // RFC 9111 §4.2.4: a stale copy with must-revalidate or no-cache is not served without
      // validation; with must-revalidate a disconnected cache answers 504 (§5.2.2.2). An offline
      // route is the site's own instruction to answer from its copy when the network fails, as
      // a Workbox network-first route does, so its copies are served whatever they say.
      const f = freshness(fallback.status, new PairFields(fallback.headers), fallback, Date.now());
      if (!f.fresh && f.mustRevalidate && !offline) {
        if (f.failsDisconnected) return new Response(null, { status: 504, statusText: 'Gateway Timeout' });
        throw e;
      }
      if (stored) this.#served(stored, keep);
      return this.#answer(request, fallback);
    }
  }

  /**
   * Fetches (a navigation: its preloaded response when there is one), revalidating `stored`
   * when it has validators and the request none of its own, and keeps the result (what may not
   * be kept removes the copy it answers for: Keeper.keep, Keeper.keepRefreshed).
   */
  async #network(request: Request, keep: KeepContext, stored: ResourceRecord | null, ctx: FetchContext): Promise<Response> {
    const requestTime = Date.now();
    const conditional = stored && request.mode !== 'navigate' ? conditionalRequest(request, stored, this.#origin) : null;
    this.stats.network++;
    const preloaded = request.mode === 'navigate' && ctx.preloadResponse ? await ctx.preloadResponse.catch(() => undefined) : undefined;
    if (preloaded) this.stats.preloaded++;
    const response = preloaded ?? (await fetch(conditional ?? request));
    const timing = { requestTime, responseTime: Date.now() };
    if (conditional && stored && response.status === 304) {
      const merged = mergeNotModified(new Headers(stored.headers), response.headers, timing.responseTime);
      if (merged === null) return this.#network(request, keep, null, ctx);
      this.stats.notModified++;
      const refreshed: ResourceRecord = { ...stored, headers: headerPairs(merged), ...timing };
      this.#keeper.keepRefreshed(request, refreshed, keep);
      return this.#memory.response(refreshed);
    }
    return this.#keeper.keep(request, response, timing, keep, conditional ?? request);
  }

  async #passThrough(request: Request, ctx: FetchContext, offline: boolean, reason: string | null): Promise<Response> {
    this.stats.passThrough++;
    const response = await fetch(request);
    // RFC 9111 §4.4: an unsafe request answered with a non-error status (2xx or 3xx)
    // invalidates the stored copies of its URL, in the service worker's memory, every tab's
    // store and (offline routes) the disk. A redirect fetched with redirect: 'manual' (a form
    // post's 303) comes as an opaqueredirect, whose status reads 0.
    const succeeded = (response.status >= 200 && response.status < 400) || response.type === 'opaqueredirect';
    if (reason === 'method' && !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(request.method) && succeeded) {
      this.#keeper.forget(request, { clientId: ctx.clientId, offline, waitUntil: ctx.waitUntil });
    }
    return response;
  }
}

/** The request with If-None-Match / If-Modified-Since from the stored copy, or null when the
 *  copy has no validators or the request brought its own conditions. */
function conditionalRequest(request: Request, stored: ResourceRecord, origin: string): Request | null {
  if (request.headers.has('if-none-match') || request.headers.has('if-modified-since')) return null;
  // If-None-Match and If-Modified-Since are not CORS-safelisted: added to a cross-origin
  // request they would need a preflight the server may refuse (every refresh would then fail),
  // and cost one more round trip where it allows it. Such a copy is refetched in full.
  const sameOrigin = new URL(request.url).origin === origin;
  if (!sameOrigin) return null;
  const conditions = revalidationHeaders(new Headers(stored.headers));
  let any = false;
  const headers = new Headers(request.headers);
  conditions.forEach((value, name) => {
    any = true;
    headers.set(name, value);
  });
  if (!any) return null;
  // A no-cors request (an <img>, a classic <script>) silently drops non-safelisted headers;
  // same-origin, the same request in 'same-origin' mode keeps them and sees the same response.
  return new Request(request, { headers, ...(request.mode === 'no-cors' ? { mode: 'same-origin' as const } : {}) });
}
