// The service worker's HTTP rules (RFC 9111 cacheability, freshness, routes, the drop-in's
// option formats): pure logic over Fetch standard types. The cleancache record format they
// work with lives in worker/cleancache/record (shared by every thread) and is re-exported.

export type { RequestLike, ResponseLike } from './fetch-like.js';
export { parseCacheControl, deltaSeconds, type Directives } from './cache-control.js';
export {
  decideLookup, decideCacheUse, decideStore, decideSize, carriesCredentials,
  type CacheabilityOptions, type LookupDecision, type StoreDecision, type NoStoreReason, type NoLookupReason,
} from './cacheability.js';
export {
  freshness, freshnessLifetime, currentAge, isFresh, storedUse, usableWhileRevalidating, revalidationHeaders,
  mergeNotModified, parseHttpDate, heuristicallyCacheable, HEURISTIC_FRACTION, HEURISTIC_CAP_SECONDS,
  type Freshness, type HeaderFields, type Timing,
} from './freshness.js';
export { ageValue, servedHeaders, MAX_AGE_SECONDS } from './age.js';
export { notModified, notModifiedHeaders, notModifiedResponse } from './conditional.js';
export { headerPairs, PairFields, type HeaderPairs } from './header-pairs.js';
export {
  resolveRoute, defaultStrategy, matches, isPattern, STRATEGIES,
  type Route, type RouteConfig, type RouteMatch, type ResolvedRoute, type Strategy,
} from './routes.js';
export {
  parseCapacity, parseOffline, parseRoutes, parseSize, DEFAULT_CAPACITY, MIN_CAPACITY, MAX_CAPACITY,
  type Parsed,
} from './drop-in-options.js';
export * from '../../worker/cleancache/record/index.js';
