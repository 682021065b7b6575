// The service worker's HTTP rules and the cleancache page format: pure logic over Fetch
// standard types, usable in a service worker, a store worker or Node.

export type { RequestLike, ResponseLike } from './fetch-like.js';
export { parseCacheControl, deltaSeconds, type Directives } from './cache-control.js';
export {
  decideLookup, decideStore, decideSize, carriesCredentials,
  type CacheabilityOptions, type LookupDecision, type StoreDecision, type NoStoreReason, type NoLookupReason,
} from './cacheability.js';
export { parseVary, urlKey, resourceKey, objectIdOf, type VaryDecision } from './cache-key.js';
export {
  freshness, freshnessLifetime, currentAge, isFresh, usableWhileRevalidating, revalidationHeaders,
  mergeNotModified, parseHttpDate, HEURISTIC_FRACTION, HEURISTIC_CAP_SECONDS, type Freshness, type Timing,
} from './freshness.js';
export {
  resolveRoute, defaultStrategy, matches, isPattern, STRATEGIES,
  type Route, type RouteConfig, type RouteMatch, type ResolvedRoute, type Strategy,
} from './routes.js';
export {
  parseCapacity, parseOffline, parseRoutes, parseSize, DEFAULT_CAPACITY, MIN_CAPACITY, MAX_CAPACITY,
  type Parsed,
} from './drop-in-options.js';
export {
  encodePages, decodePages, peekHeader, pagesFor, FORMAT_VERSION, FIXED_HEADER_BYTES, MIN_PAGE_SIZE,
  type PageRecord, type ResourceRecord, type VaryRecord, type HeaderPeek, type BodyAllocator,
} from './resource-pages.js';
export { headersToStore, toRecord, toResponse } from './stored-response.js';
export { readResource, writeResource, flushResource, newGeneration, type PageIO, type WriteResult } from './resource-store.js';
export { fnv1a64 } from './hash.js';
