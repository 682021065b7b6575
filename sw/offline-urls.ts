// The exact URLs a site lists offline, kept when the service worker installs (as a Workbox
// precache would), so the app shell is on disk after a first visit alone. Without this a page
// listed offline reached the disk only when a controlled view fetched it: a reload made while
// the service worker was still activating went to the network uncontrolled, and an offline
// reload after it failed (net::ERR_FAILED), though the site had listed the page.
//
// Exact means a same-origin string pattern with no '*' ('/', '/app.css', '/data.json?v=2');
// wildcards, other origins, RegExp and function patterns name no URL to fetch, so their
// resources are kept as the site fetches them. The HTTP rules of every other keep hold: what
// may not be stored (no-store, Set-Cookie, an error status, a redirect, Vary on what a service
// worker cannot see, a body over the size limit) is not kept, and the install does not fail
// for it: it is named on the console and kept later if a controlled view fetches it.
import type { SwConfig } from './config.js';
import { decideStore } from './http/index.js';
import { keepUrls, type KeptUrls } from './install-keep.js';
import type { OfflineTier } from './offline-tier.js';

/** What this module needs of the service worker's global scope (plain types, so Node tests
 *  can pass their own). */
export interface OfflineUrlsScope {
  location: { origin: string };
  addEventListener(type: 'install', listener: (event: { waitUntil(promise: Promise<unknown>): void }) => void): void;
}

/**
 * The absolute URLs named exactly by the offline patterns and by offline routes' string
 * patterns, each once, in the order given.
 * @param config the site's configuration (before the drop-in's own files are added)
 * @param origin the service worker's origin
 */
export function exactOfflineUrls(config: Pick<SwConfig, 'offline' | 'routes'>, origin: string): string[] {
  const patterns = [...config.offline, ...config.routes.filter((r) => r.offline === true).map((r) => r.match)];
  const urls = patterns.filter((p): p is string => typeof p === 'string' && p.startsWith('/') && !p.startsWith('//') && !p.includes('*'))
    .map((p) => new URL(p, origin).href);
  return [...new Set(urls)];
}

/**
 * Keeps the exact offline URLs ({@link exactOfflineUrls}) under the HTTP rules. Never rejects.
 * @param offline the offline tier
 * @param urls absolute URLs
 * @param limits origin (for the credentials rule) and the largest body kept
 * @param fetcher fetch (tests pass their own)
 */
export function keepOfflineUrls(
  offline: Pick<OfflineTier, 'put'>, urls: readonly string[], limits: { origin: string; maxBytes: number }, fetcher: typeof fetch = fetch,
): Promise<KeptUrls> {
  return keepUrls(offline, urls.map((url) => ({ url })), {
    fetcher,
    maxBytes: limits.maxBytes,
    refuse: (request, response) => {
      const decision = decideStore(request, response, { origin: limits.origin, maxBytes: limits.maxBytes });
      return decision.store ? null : `not storable (${decision.reason})`;
    },
  });
}

/**
 * On install, keeps the exact offline URLs. The install waits for them but does not fail with
 * them: a URL that could not be kept is named on the console.
 * @param scope the service worker's global scope
 * @param config the site's configuration (before the drop-in's own files are added)
 * @param offline the offline tier
 * @param maxBytes the largest body kept (the keeper's limit)
 * @param fetcher fetch (tests pass their own)
 */
export function keepOfflineUrlsOnInstall(
  scope: OfflineUrlsScope, config: Pick<SwConfig, 'offline' | 'routes'>, offline: Pick<OfflineTier, 'put'>, maxBytes: number, fetcher: typeof fetch = fetch,
): void {
  const origin = scope.location.origin;
  const urls = exactOfflineUrls(config, origin);
  if (urls.length === 0) return;
  scope.addEventListener('install', (event) => {
    event.waitUntil(keepOfflineUrls(offline, urls, { origin, maxBytes }, fetcher).then(({ failed }) => {
      if (failed.length > 0) {
        console.warn(`webtmem: could not keep these offline URLs when installing (kept when a page fetches them): ${failed.map((f) => `${f.url} (${f.reason})`).join(', ')}`);
      }
    }));
  });
}
