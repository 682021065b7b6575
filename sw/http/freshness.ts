// Freshness and revalidation of stored responses, as a private cache computes them
// (RFC 9111 §4.2 and §4.3; stale-while-revalidate from RFC 5861; immutable from RFC 8246).
// All ages and lifetimes are in seconds; clock times are milliseconds since the epoch, as
// Date.now() gives them.

import { deltaSeconds, parseCacheControl } from './cache-control.js';

/** The header reads the freshness rules make: a Headers, or a lighter reader over stored
 *  pairs (lower-case names) where building a Headers per lookup would cost more. */
export type HeaderFields = Pick<Headers, 'get' | 'has'>;

/** When the stored response was requested and received (ms since the epoch). */
export interface Timing {
  requestTime: number;
  responseTime: number;
}

/** Everything a strategy needs to know about a stored response's age. */
export interface Freshness {
  /** Seconds the response stays fresh after it was generated. */
  lifetime: number;
  /** Seconds since the origin generated it (RFC 9111 §4.2.3). */
  age: number;
  /** Usable without asking the server. Never true with no-cache. */
  fresh: boolean;
  /** `immutable`: while fresh, not even a reload needs to revalidate. */
  immutable: boolean;
  /** must-revalidate or no-cache: once stale, never served without a successful check. */
  mustRevalidate: boolean;
  /** must-revalidate itself: when the check cannot be made, a cache answers 504 (RFC 9111
   *  §5.2.2.2) rather than serve it stale. */
  failsDisconnected: boolean;
  /** Seconds past staleness during which it may be served while revalidating (RFC 5861). */
  staleWhileRevalidate: number;
}

/** Share of (Date − Last-Modified) used as a heuristic lifetime (RFC 9111 §4.2.2). */
export const HEURISTIC_FRACTION = 0.1;
/** Cap on heuristic lifetimes: one week, as Firefox caps them. */
export const HEURISTIC_CAP_SECONDS = 7 * 24 * 60 * 60;
// Statuses whose responses are heuristically cacheable (RFC 9110 §15.1), 206 left out since
// partial responses are never stored here.
const HEURISTIC_STATUSES = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

/** Whether a response with this status may be stored, and given a heuristic lifetime, without
 *  explicit freshness (RFC 9110 §15.1; 206 excluded, never stored here). */
export function heuristicallyCacheable(status: number): boolean {
  return HEURISTIC_STATUSES.has(status);
}

// Header fields a 304 must not overwrite (RFC 9111 §3.2): the stored body's own framing,
// hop-by-hop fields, and cookies, which would be replayed on every hit.
const NOT_UPDATED_BY_304 = new Set([
  'content-length', 'content-encoding', 'content-range', 'transfer-encoding', 'connection',
  'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-connection', 'set-cookie',
]);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const RFC850_DATE = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const ASCTIME_DATE = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, RFC 850 or asctime, all UTC) to ms since
 * the epoch; NaN for anything else. Date.parse is not used: it reads "0" as a year and
 * asctime as local time, while a cache must treat an invalid Expires as already expired.
 */
export function parseHttpDate(value: string | null): number {
  if (value === null) return NaN;
  const text = value.trim();
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(+m[3], m[2], +m[1], +m[4], +m[5], +m[6]);
  m = RFC850_DATE.exec(text);
  if (m) {
    // Two-digit years more than 50 years ahead are in the past century (RFC 9110 §5.6.7).
    let year = 2000 + +m[3];
    if (year > new Date().getUTCFullYear() + 50) year -= 100;
    return utc(year, m[2], +m[1], +m[4], +m[5], +m[6]);
  }
  m = ASCTIME_DATE.exec(text);
  if (m) return utc(+m[6], m[1], +m[2].trim(), +m[3], +m[4], +m[5]);
  return NaN;
}

/**
 * The freshness lifetime in seconds (RFC 9111 §4.2.1): max-age, else Expires − Date, else the
 * Last-Modified heuristic ({@link HEURISTIC_FRACTION}, capped), else 0. s-maxage is for
 * shared caches and ignored here.
 * @param status the stored status
 * @param headers the stored response headers
 * @param responseTime when the response arrived (stands in for a missing Date)
 */
export function freshnessLifetime(status: number, headers: HeaderFields, responseTime: number): number {
  const cc = parseCacheControl(headers.get('cache-control'));
  const maxAge = deltaSeconds(cc, 'max-age');
  if (maxAge !== undefined) return maxAge;
  const date = dateOf(headers, responseTime);
  if (headers.has('expires')) {
    const expires = parseHttpDate(headers.get('expires'));
    return Number.isNaN(expires) ? 0 : Math.max(0, (expires - date) / 1000);
  }
  const lastModified = parseHttpDate(headers.get('last-modified'));
  if (!Number.isNaN(lastModified) && (heuristicallyCacheable(status) || cc.has('public'))) {
    return Math.min(HEURISTIC_CAP_SECONDS, Math.max(0, Math.floor(((date - lastModified) / 1000) * HEURISTIC_FRACTION)));
  }
  return 0;
}

/**
 * The current age in seconds (RFC 9111 §4.2.3): the corrected initial age (the larger of the
 * apparent age from Date and the Age header plus the request's round trip) plus the time
 * spent in this cache.
 * @param headers the stored response headers
 * @param timing when the response was requested and received
 * @param now the time of the lookup
 */
export function currentAge(headers: HeaderFields, timing: Timing, now: number): number {
  // Age repeated (Headers joins the fields with ", "): RFC 9111 §5.1 takes the first value.
  const ageText = headers.get('age')?.split(',')[0].trim() ?? '';
  const ageValue = /^\d+$/.test(ageText) ? Number(ageText) : 0;
  const apparentAge = Math.max(0, (timing.responseTime - dateOf(headers, timing.responseTime)) / 1000);
  const responseDelay = Math.max(0, (timing.responseTime - timing.requestTime) / 1000);
  const correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
  const residentTime = Math.max(0, (now - timing.responseTime) / 1000);
  return correctedInitialAge + residentTime;
}

/**
 * Everything about a stored response's freshness at `now`.
 * @param status the stored status
 * @param headers the stored response headers
 * @param timing when it was requested and received
 * @param now the time of the lookup (ms since the epoch)
 */
export function freshness(status: number, headers: HeaderFields, timing: Timing, now: number): Freshness {
  const cc = parseCacheControl(headers.get('cache-control'));
  const lifetime = freshnessLifetime(status, headers, timing.responseTime);
  const age = currentAge(headers, timing, now);
  const noCache = cc.has('no-cache');
  return {
    lifetime,
    age,
    fresh: !noCache && age < lifetime,
    immutable: cc.has('immutable'),
    mustRevalidate: noCache || cc.has('must-revalidate'),
    failsDisconnected: cc.has('must-revalidate'),
    staleWhileRevalidate: deltaSeconds(cc, 'stale-while-revalidate') ?? 0,
  };
}

/** True when the stored response may be served without asking the server. */
export function isFresh(status: number, headers: HeaderFields, timing: Timing, now: number): boolean {
  return freshness(status, headers, timing, now).fresh;
}

/**
 * Whether a stored response meets the request's own limits on what it takes without asking
 * the server (RFC 9111 §5.2.1): no older than its max-age, fresh for at least its min-fresh
 * more seconds. A copy that fails them is revalidated first.
 * @param f the stored response's freshness now
 * @param limits the request's max-age and min-fresh (cacheability.ts decideLookup)
 */
function meetsRequest(f: Freshness, limits: { maxAge?: number; minFresh?: number }): boolean {
  return (limits.maxAge === undefined || f.age <= limits.maxAge) &&
    (limits.minFresh === undefined || f.lifetime - f.age >= limits.minFresh);
}

/**
 * How a stored response may answer a request without asking the server first: 'fresh' (fresh
 * and within the request's limits), 'while-revalidating' (stale within its own
 * stale-while-revalidate window, and within the request's limits: served, refreshed behind),
 * or 'revalidate' (asked about first). One rule for the service worker and the page.
 * @param f the stored response's freshness now
 * @param limits the request's max-age and min-fresh (cacheability.ts decideLookup)
 */
export function storedUse(f: Freshness, limits: { maxAge?: number; minFresh?: number }): 'fresh' | 'while-revalidating' | 'revalidate' {
  if (!meetsRequest(f, limits)) return 'revalidate';
  if (f.fresh) return 'fresh';
  return usableWhileRevalidating(f) ? 'while-revalidating' : 'revalidate';
}

/**
 * True when a stale response may still be served while it is revalidated in the background:
 * within its stale-while-revalidate window and not bound by must-revalidate or no-cache.
 */
export function usableWhileRevalidating(f: Freshness): boolean {
  return !f.fresh && !f.mustRevalidate && f.age < f.lifetime + f.staleWhileRevalidate;
}

/**
 * The conditional headers that revalidate a stored response: If-None-Match from its ETag,
 * If-Modified-Since from its Last-Modified. Empty when it has neither (then a plain GET).
 */
export function revalidationHeaders(stored: Headers): Headers {
  const conditional = new Headers();
  const etag = stored.get('etag');
  if (etag !== null) conditional.set('if-none-match', etag);
  const lastModified = stored.get('last-modified');
  if (lastModified !== null) conditional.set('if-modified-since', lastModified);
  return conditional;
}

/**
 * Merges a 304 Not Modified into the stored headers (RFC 9111 §4.3.4, §3.2): the 304's
 * fields replace the stored ones except framing, hop-by-hop fields and cookies. Returns null
 * when both carry an ETag and the tags differ: the 304 is about another representation, so
 * the caller must fetch without conditions. The tags are compared weakly: the copy is the one
 * stored response whose own tag the request sent, and servers that weaken an ETag when they
 * compress (nginx's gzip) send the strong one on the 304; a strong comparison there (§4.3.4's
 * rule for choosing among several stored responses) would refetch every one in full. After a
 * merge, the stored Timing becomes the 304's.
 * The revalidation resets the copy's age: a 304 without Date is dated when it arrived (RFC
 * 9110 §6.6.1: a recipient that keeps a response without Date adds one), and the stored Age
 * goes unless the 304 brings its own; the old ones would count the copy's age from its first
 * fetch and make a copy just revalidated stale at once.
 * @param receivedAt when the 304 arrived (ms since the epoch)
 */
export function mergeNotModified(stored: Headers, notModified: Headers, receivedAt: number): Headers | null {
  const storedTag = stored.get('etag');
  const newTag = notModified.get('etag');
  if (storedTag !== null && newTag !== null && opaqueTag(storedTag) !== opaqueTag(newTag)) return null;
  const merged = new Headers(stored);
  // forEach, not for-of: the service-worker lib types Headers without its iterator.
  notModified.forEach((value, name) => {
    if (!NOT_UPDATED_BY_304.has(name) && !name.startsWith('proxy-')) merged.set(name, value);
  });
  if (!notModified.has('date')) merged.set('date', new Date(receivedAt).toUTCString());
  if (!notModified.has('age')) merged.delete('age');
  return merged;
}

// Weak comparison (RFC 9110 §8.8.3.2): W/"x" and "x" name the same representation here
// (mergeNotModified says why).
function opaqueTag(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

function dateOf(headers: HeaderFields, fallback: number): number {
  const date = parseHttpDate(headers.get('date'));
  return Number.isNaN(date) ? fallback : date;
}

function utc(year: number, month: string, day: number, h: number, min: number, s: number): number {
  const m = MONTHS.indexOf(month.toLowerCase());
  if (m < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return NaN;
  return Date.UTC(year, m, day, h, min, s);
}
