// A page's own conditional GET answered from a stored copy (RFC 9111 §4.3.2): when the copy
// is one the cache would serve and it matches the request's conditions, the answer is a 304
// (RFC 9110 §13.2.2: If-None-Match first, else If-Modified-Since), as the origin would give.
// Page code sends such requests itself (the browser's HTTP cache, which adds its own, sits
// below the service worker); a 200 with the whole body would be correct too, but costs the
// page what it asked to be spared. Other preconditions (If-Match, If-Unmodified-Since,
// If-Range) are left to the full answer.
import type { ResourceRecord } from '../../worker/cleancache/record/index.js';
import { servedHeaders } from './age.js';
import { parseHttpDate, type HeaderFields } from './freshness.js';
import { PairFields, type HeaderPairs } from './header-pairs.js';

/** The headers a 304 carries (RFC 9110 §15.4.5), and Age (RFC 9111 §5.1). */
const NOT_MODIFIED_FIELDS = new Set(['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'age']);

/** Entity-tags of an If-None-Match list, without their W/ (a weak comparison); null for "*". */
function entityTags(value: string): string[] | null {
  if (value.trim() === '*') return null;
  return value.match(/(?:W\/)?"[^"]*"/g)?.map((tag) => tag.replace(/^W\//, '')) ?? [];
}

/**
 * Whether a stored copy answers the request's own conditions with 304. Only a 2xx copy does:
 * preconditions are not evaluated for an answer that would be anything else (RFC 9110
 * §13.2.1), such as a stored 404.
 * @param status the stored response's status
 * @param request the request's headers
 * @param stored the stored response's headers
 */
export function notModified(status: number, request: HeaderFields, stored: HeaderFields): boolean {
  if (status < 200 || status > 299) return false;
  const inm = request.get('if-none-match');
  if (inm !== null) {
    const tags = entityTags(inm);
    if (tags === null) return true; // "*": any current representation
    const etag = stored.get('etag');
    return etag !== null && tags.includes(etag.trim().replace(/^W\//, ''));
  }
  const since = parseHttpDate(request.get('if-modified-since'));
  const modified = parseHttpDate(stored.get('last-modified'));
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}

/**
 * The 304's headers, from the headers a full answer would carry (Age included): those RFC 9110
 * §15.4.5 names, and Last-Modified when there is no ETag to guide the client.
 */
export function notModifiedHeaders(served: HeaderPairs): [string, string][] {
  const hasEtag = served.some(([name]) => name === 'etag');
  return served.filter(([name]) => NOT_MODIFIED_FIELDS.has(name) || (!hasEtag && name === 'last-modified')) as [string, string][];
}

/**
 * The 304 that answers a request's own conditions from a stored copy about to be served, or
 * null when the request has none or the copy does not meet them (the whole copy is served).
 * Used by the service worker and by the page's webtmem.fetch alike.
 * @param record the stored copy
 * @param request the request's headers
 * @param now when it is served (ms since the epoch), for Age
 */
export function notModifiedResponse(record: ResourceRecord, request: Headers, now: number): Response | null {
  if (!request.has('if-none-match') && !request.has('if-modified-since')) return null;
  if (!notModified(record.status, request, new PairFields(record.headers))) return null;
  return new Response(null, { status: 304, statusText: 'Not Modified', headers: notModifiedHeaders(servedHeaders(record.headers, record, now)) });
}
