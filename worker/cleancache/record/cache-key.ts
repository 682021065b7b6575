// Cache keys of the cleancache, and how Vary shapes them.
//
// The full key of a stored response is its URL (absolute, without fragment) followed by one
// line per request header its response Varies on, names lowercased and sorted:
//
//   https://example.com/page?q=1
//   accept-language: fr-CH
//   x-flavour                       ← a name alone: the request did not carry that header
//
// Neither URLs (the URL parser drops tabs and newlines) nor header values (Headers rejects CR
// and LF) can hold a newline, so the key is unambiguous. The tmem object id is the key's
// FNV-1a 64 hash. Two keys may share an id; the full key travels in the header page and is
// compared on every read, so a collision is a miss, never another resource.
//
// A lookup does not know the Vary of what was stored, so it goes in two steps:
//   1. read the object of the URL key (the URL alone). There lies either the resource itself,
//      when its response had no Vary, or a small vary record naming the varied headers;
//   2. on a vary record, build the variant key from those names and this request's header
//      values, and read that object.
// So a plain resource costs one lookup, a varied one two. When a URL's Vary changes, the new
// vary record replaces the old one and the old variants become unreachable: they are clean
// copies in an ephemeral pool, so they are simply evicted in time.

import { fnv1a64 } from './hash.js';

/** What a response's Vary header asks of the cache. */
export type VaryDecision =
  | { kind: 'none' }
  | { kind: 'names'; names: string[] }
  /** `Vary: *`: every request is different; never stored. */
  | { kind: 'star' }
  /** Varies on a request header a service worker cannot read, so no key can honour it. */
  | { kind: 'unseen'; name: string };

// Request headers that never reach a service worker's Request object (the browser adds them
// below the fetch layer) yet differ between requests: a key blind to them would serve one
// request's response to another. Sec-* (Sec-Fetch-Dest, client hints) are in this group too,
// and so are the client hints named without the prefix (Save-Data, Device-Memory, DPR, Width,
// Viewport-Width, and the network ones, Downlink, ECT, RTT, which change with the connection).
// Others it cannot see (Accept-Encoding, Origin) are the same for every request of this
// browser and scope, and the cached body is already decoded, so they need no key.
const UNSEEN_VARYING_HEADERS = new Set([
  'cookie', 'cookie2', 'referer',
  'save-data', 'device-memory', 'dpr', 'width', 'viewport-width', 'downlink', 'ect', 'rtt',
]);
const UNSEEN_PREFIX = 'sec-';

// Field names are RFC 9110 tokens.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads a response's Vary header into the names to key on (lowercased, sorted, unique).
 * @param vary the header's value, or null when absent
 */
export function parseVary(vary: string | null): VaryDecision {
  if (vary === null) return { kind: 'none' };
  const names = new Set<string>();
  for (const part of vary.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    if (name === '*') return { kind: 'star' };
    // A name that is not a token cannot match any request header: RFC 9111 says such a
    // response must not be served from cache without revalidation, so treat it as '*'.
    if (!TOKEN.test(name)) return { kind: 'star' };
    if (UNSEEN_VARYING_HEADERS.has(name) || name.startsWith(UNSEEN_PREFIX)) return { kind: 'unseen', name };
    names.add(name);
  }
  return names.size === 0 ? { kind: 'none' } : { kind: 'names', names: [...names].sort() };
}

/**
 * The URL part of every key: absolute, without its fragment (fragments never reach a server).
 * @param url an absolute URL
 */
export function urlKey(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

/**
 * The URL key a resource key starts with: the whole key for a response without Vary, else the
 * part before the first newline (resourceKey).
 * @param key a key from urlKey or resourceKey
 */
export function keyUrl(key: string): string {
  const newline = key.indexOf('\n');
  return newline < 0 ? key : key.slice(0, newline);
}

/**
 * The full key of a request for a response that Varies on `names`.
 * With no names it is the URL key, where a response without Vary is stored.
 * @param url the request's URL
 * @param names sorted lowercase names, as {@link parseVary} gives them
 * @param requestHeaders the request's headers
 */
export function resourceKey(url: string, names: readonly string[], requestHeaders: Headers): string {
  let key = urlKey(url);
  for (const name of names) {
    const value = requestHeaders.get(name);
    key += value === null ? `\n${name}` : `\n${name}: ${value}`;
  }
  return key;
}

/**
 * The tmem object id under which the record of `key` is stored: FNV-1a 64 of its UTF-8.
 * Ids collide rarely; readers compare the full key (resource-pages.ts) before serving.
 */
export function objectIdOf(key: string): bigint {
  return fnv1a64(key);
}
