// What the cleancache may serve and what it may keep. The cleancache holds clean copies that a
// browser cache could hold; anything else passes through the service worker untouched.
//
// Credentials rule. A service worker never sees the Cookie header of a request (the browser
// adds it below the fetch layer), so "carried cookies to another origin" is inferred:
//   - a request whose URL's origin differs from the service worker's and whose credentials
//     mode is 'include' may have carried cookies, HTTP auth or a client certificate;
//   - a request with an Authorization header (visible when page code set it) carried
//     credentials, whatever its origin;
//   - a Cookie header that is visible (outside browsers) counts for another origin too.
// Same-origin requests carry the site's own cookies by default; like the browser's HTTP
// cache, the cleancache keeps their responses. A site that personalizes a same-origin
// response must say so with Cache-Control: no-store or Vary: Cookie (both never stored).
//
// Opaque responses are never stored, and no option changes that: their bodies are hidden
// from script (response.body is null), so they cannot be copied into pages, and a
// constructed Response cannot be given status 0 to serve one back.

import { deltaSeconds, parseCacheControl } from './cache-control.js';
import { heuristicallyCacheable } from './freshness.js';
import { parseVary } from '../../worker/cleancache/record/cache-key.js';
import type { RequestLike, ResponseLike } from './fetch-like.js';

/** Why a response is not stored. */
export type NoStoreReason =
  | 'method' // not a GET
  | 'range' // the request asked for a byte range
  | 'no-store' // Cache-Control: no-store (either side) or request cache mode 'no-store'
  | 'credentials' // the request carried credentials (see the rule above)
  | 'opaque' // opaque or opaque-redirect response
  | 'status' // network error, 1xx/3xx, 4xx/5xx without cacheErrors, or a status that needs
  //            explicit freshness (201, 202, 500, 503, ...) without it
  | 'partial' // 206 Partial Content
  | 'set-cookie' // the response sets cookies: replaying it would replay them
  | 'vary-star' // Vary: * (or an invalid Vary name)
  | 'vary-unseen' // Vary names a request header a service worker cannot read (Cookie, Sec-*)
  | 'too-large'; // larger than maxBytes

/** Why a request goes to the network without a cleancache lookup. */
export type NoLookupReason = 'method' | 'range' | 'no-store' | 'reload' | 'credentials';

export type StoreDecision = { store: true } | { store: false; reason: NoStoreReason };

export type LookupDecision =
  /** `revalidate`: the request demands a check with the server before a stored copy is
   *  used (cache mode 'no-cache', or Cache-Control: no-cache / max-age=0, Pragma: no-cache).
   *  `anyAge`: the request accepts a stale copy without checking (cache mode 'force-cache'
   *  or 'only-if-cached'). `maxAge`, `minFresh`: the request's own Cache-Control limits on a
   *  copy it takes without checking (RFC 9111 §5.2.1.1, §5.2.1.3; freshness.ts storedUse). */
  | { lookup: true; revalidate: boolean; anyAge: boolean; maxAge?: number; minFresh?: number }
  | { lookup: false; reason: NoLookupReason };

export interface CacheabilityOptions {
  /** The service worker's origin (`self.location.origin`), to tell cross-origin requests. */
  origin: string;
  /** Store 4xx/5xx responses too (one whose status is not heuristically cacheable, such as
   *  500 or 503, only with explicit freshness). Default false. */
  cacheErrors?: boolean;
  /** Largest body to store, in bytes; larger ones pass through. Default: no limit here (the
   *  cleancache's own capacity still applies). */
  maxBytes?: number;
}

/** What the cache rules read of a request apart from its credentials. */
type CacheRequest = Pick<RequestLike, 'method' | 'headers' | 'cache'>;

/**
 * Decides whether a request may be answered from the cleancache at all.
 * @param request the intercepted request
 * @param origin the service worker's origin
 */
export function decideLookup(request: RequestLike, origin: string): LookupDecision {
  const refused = requestRefusal(request, origin);
  return refused !== null ? { lookup: false, reason: refused } : cacheUse(request);
}

/**
 * decideLookup for page code's lookups (webtmem.fetch), which hold no Request: the same rules,
 * with what the credentials rule reads given as it is known there.
 * @param request its method (upper case), headers, cache mode, credentials mode, and whether
 *   its URL is of another origin than the page's
 */
export function decideCacheUse(request: CacheRequest & { credentials: RequestCredentials; crossOrigin: boolean }): LookupDecision {
  const refused = ownRefusal(request) ?? (sendsCredentials(request.headers, request.credentials, request.crossOrigin) ? 'credentials' : null);
  return refused !== null ? { lookup: false, reason: refused } : cacheUse(request);
}

/** The cache mode's and headers' say, once nothing refuses the request. */
function cacheUse(request: CacheRequest): LookupDecision {
  if (request.cache === 'reload') return { lookup: false, reason: 'reload' };
  const cc = parseCacheControl(request.headers.get('cache-control'));
  // Invalid values count as 0 (deltaSeconds): the strictest reading.
  const maxAge = deltaSeconds(cc, 'max-age');
  const minFresh = deltaSeconds(cc, 'min-fresh');
  const revalidate =
    request.cache === 'no-cache' ||
    cc.has('no-cache') ||
    maxAge === 0 ||
    (!request.headers.has('cache-control') && /(^|,)\s*no-cache\s*(,|$)/i.test(request.headers.get('pragma') ?? ''));
  const anyAge = request.cache === 'force-cache' || request.cache === 'only-if-cached';
  const decision: LookupDecision = { lookup: true, revalidate, anyAge };
  if (maxAge !== undefined) decision.maxAge = maxAge;
  if (minFresh !== undefined) decision.minFresh = minFresh;
  return decision;
}

/**
 * Decides whether a fetched response may be kept in the cleancache. Checks what the headers
 * tell; a body without Content-Length is measured again with {@link decideSize} once read.
 * @param request the request that was sent
 * @param response its response (the body is not read)
 * @param opts origin, cacheErrors, maxBytes
 */
export function decideStore(request: RequestLike, response: ResponseLike, opts: CacheabilityOptions): StoreDecision {
  const refused = requestRefusal(request, opts.origin);
  if (refused !== null) return { store: false, reason: refused };
  if (response.type === 'opaque' || response.type === 'opaqueredirect') return { store: false, reason: 'opaque' };
  const { status } = response;
  if (response.type === 'error' || status === 0) return { store: false, reason: 'status' };
  if (status === 206) return { store: false, reason: 'partial' };
  const ok = status >= 200 && status < 300;
  const error = status >= 400 && status < 600;
  if (!ok && !(error && opts.cacheErrors === true)) return { store: false, reason: 'status' };
  const cc = parseCacheControl(response.headers.get('cache-control'));
  if (cc.has('no-store')) return { store: false, reason: 'no-store' };
  // RFC 9111 §3: a response is stored only when its status is heuristically cacheable (200,
  // 204, 404, ...) or the origin marks it cacheable: explicit freshness (max-age, Expires), or
  // public / private (this is a private cache). Any other (201, 202, 205, 207; a 500 or 503
  // under cacheErrors) answers one request, not the resource: kept, it would be replayed.
  const explicit = cc.has('max-age') || response.headers.has('expires') || cc.has('public') || cc.has('private');
  if (!heuristicallyCacheable(status) && !explicit) return { store: false, reason: 'status' };
  if (response.headers.has('set-cookie')) return { store: false, reason: 'set-cookie' };
  const vary = parseVary(response.headers.get('vary'));
  if (vary.kind === 'star') return { store: false, reason: 'vary-star' };
  if (vary.kind === 'unseen') return { store: false, reason: 'vary-unseen' };
  const length = response.headers.get('content-length');
  // Content-Length may be the encoded size (the body arrives decoded, larger); decideSize on
  // the real byte count is the final word, this only refuses early before reading.
  if (length !== null && /^\d+$/.test(length.trim())) return decideSize(Number(length.trim()), opts);
  return { store: true };
}

/**
 * Decides on the measured size of a body: over `maxBytes` passes through uncached.
 * @param bodyBytes the body's length in bytes
 * @param opts maxBytes (no limit when absent)
 */
export function decideSize(bodyBytes: number, opts: Pick<CacheabilityOptions, 'maxBytes'>): StoreDecision {
  if (opts.maxBytes !== undefined && bodyBytes > opts.maxBytes) return { store: false, reason: 'too-large' };
  return { store: true };
}

/**
 * True when the request may have carried credentials that the cleancache must not let
 * another request reuse (the rule at the top of this file).
 */
export function carriesCredentials(request: RequestLike, origin: string): boolean {
  return sendsCredentials(request.headers, request.credentials, new URL(request.url).origin !== origin);
}

function sendsCredentials(headers: Headers, credentials: RequestCredentials, crossOrigin: boolean): boolean {
  if (headers.has('authorization')) return true;
  return crossOrigin && (credentials === 'include' || headers.has('cookie'));
}

// The refusals that apply alike to looking up and to storing.
function requestRefusal(request: RequestLike, origin: string): 'method' | 'range' | 'no-store' | 'credentials' | null {
  return ownRefusal(request) ?? (carriesCredentials(request, origin) ? 'credentials' : null);
}

/** requestRefusal's rules that read only the method, headers and cache mode. */
function ownRefusal(request: CacheRequest): 'method' | 'range' | 'no-store' | null {
  if (request.method !== 'GET') return 'method';
  if (request.headers.has('range')) return 'range';
  if (request.cache === 'no-store') return 'no-store';
  if (parseCacheControl(request.headers.get('cache-control')).has('no-store')) return 'no-store';
  return null;
}
