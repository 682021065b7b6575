// Which strategy answers a request. Configured routes are tried in order, first match wins;
// when none matches, the defaults below apply.
//
// String patterns:
//   - '/…' matches same-origin URLs by path: '/' is the root only, '/app.css' that file.
//   - 'https://host/…' (or http) matches URLs of that origin, for cross-origin routes.
//   - '*' matches any run of characters, '/' included: '/img/*' covers '/img/a/b.png'.
//   - The query is ignored unless the pattern holds a '?': '/api/*' matches '/api/x?y=1'.
// RegExp patterns are tested against the URL without its fragment; as in Workbox, for a
// cross-origin URL the match must start at index 0, so /\.js$/ does not catch CDN scripts.
// Function patterns get (url, request) and decide alone.
//
// Defaults: navigations → network-first; other same-origin requests for static files (by
// destination or file extension) → stale-while-revalidate; other same-origin requests
// (fetch/XHR: APIs) → network-first; cross-origin → network-only.

import type { RequestLike } from './fetch-like.js';

export type Strategy = 'cache-first' | 'stale-while-revalidate' | 'network-first' | 'network-only';

export const STRATEGIES: readonly Strategy[] = ['cache-first', 'stale-while-revalidate', 'network-first', 'network-only'];

export type RouteMatch = string | RegExp | ((url: URL, request: RequestLike) => boolean);

export interface Route {
  match: RouteMatch;
  strategy: Strategy;
  /** Keep this route's responses for offline use. Default: whether an offline pattern
   *  matches the URL. */
  offline?: boolean;
}

export interface RouteConfig {
  routes?: readonly Route[];
  /** Patterns (string syntax above) of URLs the app wants available offline. */
  offline?: readonly string[];
}

export interface ResolvedRoute {
  strategy: Strategy;
  offline: boolean;
  /** Index of the configured route that matched, or -1 for a default. */
  routeIndex: number;
}

const STATIC_DESTINATIONS = new Set<RequestDestination>([
  'script', 'style', 'image', 'font', 'manifest', 'worker', 'sharedworker', 'track', 'xslt',
]);
const STATIC_EXTENSIONS = /\.(?:m?js|css|png|jpe?g|gif|webp|avif|svg|ico|bmp|woff2?|ttf|otf|eot|wasm|map|txt|xml|webmanifest)$/i;
const SCHEME = /^https?:\/\//i;

const compiled = new Map<string, RegExp>();

/** True when `pattern` is a string pattern this module understands. */
export function isPattern(pattern: string): boolean {
  if (pattern.startsWith('/')) return true;
  if (!SCHEME.test(pattern)) return false;
  try {
    new URL(pattern.replaceAll('*', 'x'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Tests a URL against a route pattern (string syntax at the top of this file, RegExp or
 * function).
 * @param match the pattern
 * @param url the request's URL
 * @param request the request (for function patterns)
 * @param origin the service worker's origin
 */
export function matches(match: RouteMatch, url: URL, request: RequestLike, origin: string): boolean {
  if (typeof match === 'function') return match(url, request);
  const href = url.href.slice(0, url.href.length - url.hash.length);
  if (match instanceof RegExp) {
    match.lastIndex = 0; // a /g or /y pattern keeps state between calls
    const m = match.exec(href);
    return m !== null && (url.origin === origin || m.index === 0);
  }
  if (match.startsWith('/')) {
    if (url.origin !== origin) return false;
    return globRegExp(match).test(match.includes('?') ? url.pathname + url.search : url.pathname);
  }
  return globRegExp(match).test(match.includes('?') ? href : url.origin + url.pathname);
}

/**
 * The strategy for a request when no configured route matches it (rules at the top).
 * @param request the intercepted request
 * @param origin the service worker's origin
 */
export function defaultStrategy(request: RequestLike, origin: string): Strategy {
  const url = new URL(request.url);
  if (request.method !== 'GET') return 'network-only';
  if (request.mode === 'navigate') return 'network-first';
  if (url.origin !== origin) return 'network-only';
  if (STATIC_DESTINATIONS.has(request.destination) || STATIC_EXTENSIONS.test(url.pathname)) {
    return 'stale-while-revalidate';
  }
  return 'network-first';
}

/**
 * Resolves a request to its strategy and offline flag: the first configured route that
 * matches, else the default.
 * @param request the intercepted request
 * @param origin the service worker's origin
 * @param config configured routes and offline patterns
 */
export function resolveRoute(request: RequestLike, origin: string, config: RouteConfig = {}): ResolvedRoute {
  const url = new URL(request.url);
  const offlineByPattern = () => (config.offline ?? []).some((p) => matches(p, url, request, origin));
  const routes = config.routes ?? [];
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    if (matches(route.match, url, request, origin)) {
      return { strategy: route.strategy, offline: route.offline ?? offlineByPattern(), routeIndex: i };
    }
  }
  return { strategy: defaultStrategy(request, origin), offline: offlineByPattern(), routeIndex: -1 };
}

function globRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re === undefined) {
    const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    // Schemes and hosts are case-insensitive, paths are not: lowercase only the origin part.
    re = new RegExp(`^${SCHEME.test(pattern) ? lowerOrigin(body) : body}$`);
    compiled.set(pattern, re);
  }
  return re;
}

function lowerOrigin(escaped: string): string {
  const slash = escaped.indexOf('/', escaped.indexOf('//') + 2);
  return slash < 0 ? escaped.toLowerCase() : escaped.slice(0, slash).toLowerCase() + escaped.slice(slash);
}
