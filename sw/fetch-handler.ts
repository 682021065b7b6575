// The service worker's answer to one fetch: pick the route's strategy, look in memory (a tab's
// cleancache) and, for offline routes, on disk, go to the network when the strategy or the
// HTTP rules say so, keep what may be kept. Never throws for a request it cannot cache: that
// request simply goes to the network as if there were no service worker.
//
//   cache-first              stored copy (any age) → else network, kept
//   stale-while-revalidate   fresh copy → served; stale copy → served, revalidated behind
//   network-first            network (conditional when a copy has validators) → 304 serves
//                            the copy; a network failure serves memory, then disk
//   network-only             network
// A request that demands revalidation (cache mode 'no-cache', Cache-Control: no-cache) is
// handled network-first; one the cache may not answer (non-GET, Range, credentials,
// 'no-store', 'reload') goes straight to the network.
import {
  decideLookup, freshness, mergeNotModified, resolveRoute, revalidationHeaders, toResponse,
  type ResourceRecord, type Route, type Strategy,
} from './http/index.js';
import type { KeepContext, Keeper } from './keeper.js';
import type { MemoryTier } from './memory-tier.js';
import type { OfflineTier } from './offline-tier.js';

/** What a handler needs of the fetch event. */
export interface FetchContext {
  /** The fetching client (event.clientId), or null for a navigation. */
  clientId: string | null;
  waitUntil(promise: Promise<unknown>): void;
}

/** Where answers came from. */
export interface HandlerStats {
  memoryHits: number;
  diskHits: number;
  network: number;
  notModified: number;
  passThrough: number;
  networkErrors: number;
}

/** Answers fetches with the cleancache strategies. */
export class FetchHandler {
  readonly #memory: MemoryTier;
  readonly #offline: OfflineTier;
  readonly #keeper: Keeper;
  readonly #origin: string;
  readonly #config: { routes: readonly Route[]; offline: readonly string[] };
  readonly stats: HandlerStats = { memoryHits: 0, diskHits: 0, network: 0, notModified: 0, passThrough: 0, networkErrors: 0 };

  constructor(
    memory: MemoryTier, offline: OfflineTier, keeper: Keeper, origin: string,
    config: { routes: readonly Route[]; offline: readonly string[] },
  ) {
    this.#memory = memory;
    this.#offline = offline;
    this.#keeper = keeper;
    this.#origin = origin;
    this.#config = config;
  }

  /**
   * Whether the service worker has anything to do with a request at all. One it would only
   * pass to the network (cross-origin network-only, Range, credentials) is better left to the
   * browser: no respondWith, no second fetch from the service worker. Unsafe same-origin
   * requests are taken, to invalidate their URL's copies after success.
   * @param request the intercepted request
   * @param isolating whether isolation headers are added (documents and workers need them)
   */
  wants(request: Request, isolating: boolean): boolean {
    if (isolating && (request.mode === 'navigate' || request.destination === 'worker' || request.destination === 'sharedworker')) return true;
    if (request.method !== 'GET') return new URL(request.url).origin === this.#origin && request.method !== 'HEAD';
    if (!decideLookup(request, this.#origin).lookup) return false;
    return resolveRoute(request, this.#origin, this.#config).strategy !== 'network-only';
  }

  /**
   * Answers a request.
   * @param request the intercepted request
   * @param ctx the client and the event's waitUntil
   * @param override a strategy and offline flag to use instead of the configured route's
   *   (the Workbox adapter)
   */
  async handle(request: Request, ctx: FetchContext, override: { strategy?: Strategy; offline?: boolean } = {}): Promise<Response> {
    const resolved = resolveRoute(request, this.#origin, this.#config);
    const route = { strategy: override.strategy ?? resolved.strategy, offline: override.offline ?? resolved.offline };
    const lookup = decideLookup(request, this.#origin);
    const chosen = route.strategy;
    if (!lookup.lookup || chosen === 'network-only') return this.#passThrough(request, ctx, route.offline, lookup.lookup ? null : lookup.reason);
    const keep = { clientId: ctx.clientId, offline: route.offline, waitUntil: ctx.waitUntil };
    if (lookup.revalidate || chosen === 'network-first') return this.#networkFirst(request, keep, route.offline);

    const stored = await this.#stored(request, keep, route.offline);
    if (stored === null) return this.#network(request, keep, null);
    if (chosen === 'cache-first' || lookup.anyAge) return toResponse(stored);
    const f = freshness(stored.status, new Headers(stored.headers), stored, Date.now());
    if (f.fresh) return toResponse(stored);
    if (f.mustRevalidate) return this.#networkFirst(request, keep, route.offline, stored);
    // Stale: serve it now, refresh it behind the page's back.
    ctx.waitUntil(this.#network(request, keep, stored).then((r) => r.body?.cancel(), () => {}));
    return toResponse(stored);
  }

  /** A stored copy: memory first, then (offline routes) disk, which refills memory. */
  async #stored(request: Request, keep: KeepContext, offline: boolean): Promise<ResourceRecord | null> {
    const fromMemory = await this.#memory.lookup(keep.clientId, request);
    if (fromMemory) {
      this.stats.memoryHits++;
      return fromMemory;
    }
    if (!offline) return null;
    const fromDisk = await this.#offline.lookup(request);
    if (fromDisk) {
      this.stats.diskHits++;
      this.#keeper.putRecord(fromDisk, { ...keep, offline: false });
    }
    return fromDisk;
  }

  async #networkFirst(request: Request, keep: KeepContext, offline: boolean, known?: ResourceRecord): Promise<Response> {
    // A navigation cannot carry added headers (its Request cannot be rebuilt), so only other
    // requests revalidate a copy conditionally.
    const stored = known ?? (request.mode === 'navigate' ? null : await this.#memory.lookup(keep.clientId, request));
    try {
      return await this.#network(request, keep, stored);
    } catch (e) {
      this.stats.networkErrors++;
      const fallback = stored ?? (await this.#stored(request, keep, offline));
      if (fallback) return toResponse(fallback);
      throw e;
    }
  }

  /**
   * Fetches, revalidating `stored` when it has validators and the request none of its own,
   * and keeps the result.
   */
  async #network(request: Request, keep: KeepContext, stored: ResourceRecord | null): Promise<Response> {
    const requestTime = Date.now();
    const conditional = stored && request.mode !== 'navigate' ? conditionalRequest(request, stored, this.#origin) : null;
    this.stats.network++;
    const response = await fetch(conditional ?? request);
    const timing = { requestTime, responseTime: Date.now() };
    if (conditional && stored && response.status === 304) {
      const merged = mergeNotModified(new Headers(stored.headers), response.headers);
      if (merged === null) return this.#network(request, keep, null);
      this.stats.notModified++;
      const pairs: [string, string][] = [];
      merged.forEach((value, name) => pairs.push([name, value]));
      const refreshed: ResourceRecord = { ...stored, headers: pairs, ...timing };
      this.#keeper.putRecord(refreshed, keep);
      return toResponse(refreshed);
    }
    return this.#keeper.keep(request, response, timing, keep);
  }

  async #passThrough(request: Request, ctx: FetchContext, offline: boolean, reason: string | null): Promise<Response> {
    this.stats.passThrough++;
    const response = await fetch(request);
    // RFC 9111 §4.4: a successful unsafe request invalidates the stored copies of its URL.
    if (reason === 'method' && !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(request.method) && response.ok) {
      ctx.waitUntil(this.#keeper.track(Promise.all([this.#memory.flush(ctx.clientId, request), offline ? this.#offline.flush(request) : null])));
    }
    return response;
  }
}

/** The request with If-None-Match / If-Modified-Since from the stored copy, or null when the
 *  copy has no validators or the request brought its own conditions. */
function conditionalRequest(request: Request, stored: ResourceRecord, origin: string): Request | null {
  if (request.headers.has('if-none-match') || request.headers.has('if-modified-since')) return null;
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
  const sameOrigin = new URL(request.url).origin === origin;
  return new Request(request, { headers, ...(request.mode === 'no-cors' && sameOrigin ? { mode: 'same-origin' as const } : {}) });
}
