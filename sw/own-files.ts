// webtmem's own files, kept for offline use: whenever any offline route is configured, the
// service worker keeps tmem.js, its chunks, the store worker and itself durably, so an offline
// reload starts webtmem although the site listed only its own files. The build writes the list
// into this service worker (scripts/build.mjs: names relative to tmem-sw.js, each with its
// SRI hash but tmem-sw.js's own), so a new build is a new service worker, which fetches the new
// files when it installs. Their URLs join the offline patterns, so they are served like any
// offline route: from memory, else from disk when the network fails.
//
// A new build names its chunks anew (content hashes), so the old chunks kept by the service
// worker before it would stay on disk for good: when the new one activates (its install has
// kept the files it lists), it removes from the offline tier the chunks next to its script
// that its list does not name. tmem.js, tmem-worker.js and tmem-sw.js keep their names, so
// the new copies replaced the old ones already.
//
// Only the standalone service worker does this: a site's own Workbox service worker that
// imports tmem-sw.js runs at another URL, so it lists these files in its own precache.
import type { SwConfig } from './config.js';
import { urlKey } from './http/index.js';
import { keepUrls, type KeepUrl, type KeptUrls } from './install-keep.js';
import type { OfflineTier } from './offline-tier.js';

/** One of the drop-in's files, as the build lists it. */
export interface OwnFile {
  /** Relative to the service worker's script. */
  path: string;
  /** Subresource Integrity of the built file ("sha256-…"); absent for tmem-sw.js itself. */
  integrity?: string;
}

/** A file to keep: its absolute URL and integrity. */
export type OwnFileUrl = KeepUrl;

/** How keeping the files went. */
export type KeptOwnFiles = KeptUrls;

// Replaced by scripts/build.mjs; absent when this source runs unbuilt.
declare const __WEBTMEM_OWN_FILES__: readonly OwnFile[] | undefined;

/** The list the build wrote (empty in an unbuilt service worker). */
export const BUILT_OWN_FILES: readonly OwnFile[] = typeof __WEBTMEM_OWN_FILES__ === 'undefined' ? [] : __WEBTMEM_OWN_FILES__;

/** What this module needs of the service worker's global scope (plain types, so Node tests
 *  can pass their own). */
export interface OwnFilesScope {
  location: { href: string; origin: string };
  /** Set by a host service worker before importing tmem-sw.js (sw/index.ts). */
  webtmemOptions?: { standalone?: boolean };
  addEventListener(type: 'install' | 'activate', listener: (event: { waitUntil(promise: Promise<unknown>): void }) => void): void;
}

/** The names scripts/build.mjs gives the drop-in's content-hashed chunks. */
const HASHED_CHUNK = /^tmem\.[\w-]+\.[\w-]{8,}\.js$/;

/** True when the configuration keeps anything offline. */
export function hasOfflineRoutes(config: Pick<SwConfig, 'offline' | 'routes'>): boolean {
  return config.offline.length > 0 || config.routes.some((r) => r.offline === true);
}

/**
 * The own files' URLs.
 * @param scriptUrl the service worker's script URL (with its configuration query)
 * @param files the list (default: the built one)
 */
export function ownFileUrls(scriptUrl: string, files: readonly OwnFile[] = BUILT_OWN_FILES): OwnFileUrl[] {
  const self = new URL(scriptUrl);
  return files.map((f) => {
    const url = new URL(f.path, self);
    // This very script: its URL carries the configuration.
    const href = url.pathname === self.pathname ? self.href : url.href;
    return f.integrity ? { url: href, integrity: f.integrity } : { url: href };
  });
}

/**
 * The configuration with the own files among the offline patterns, when it has offline routes
 * and this is the standalone service worker.
 * @param config the configuration read from the script URL
 * @param scope the service worker's global scope
 * @param files the list (default: the built one)
 */
export function withOwnFiles(config: SwConfig, scope: Pick<OwnFilesScope, 'location' | 'webtmemOptions'>, files: readonly OwnFile[] = BUILT_OWN_FILES): SwConfig {
  if (!hasOfflineRoutes(config) || files.length === 0 || scope.webtmemOptions?.standalone === false) return config;
  const origin = scope.location.origin;
  const patterns = ownFileUrls(scope.location.href, files).map(({ url }) => {
    const u = new URL(url);
    return u.origin === origin ? u.pathname : u.origin + u.pathname;
  });
  return { ...config, offline: [...config.offline, ...patterns.filter((p) => !config.offline.includes(p))] };
}

/**
 * Fetches the files (revalidating: a stale HTTP-cache copy of tmem.js would not match its
 * integrity) and writes each to the offline tier, keyed as the fetch handler looks it up.
 * Never rejects: a file that fails is named in the result.
 * @param offline the offline tier
 * @param files what to keep
 * @param fetcher fetch (tests pass their own)
 */
export function keepOwnFiles(offline: Pick<OfflineTier, 'put'>, files: readonly OwnFileUrl[], fetcher: typeof fetch = fetch): Promise<KeptOwnFiles> {
  return keepUrls(offline, files, { fetcher });
}

/**
 * On install, keeps the own files when the configuration has offline routes. The install
 * waits for them (an active service worker has its files), but does not fail with them: a
 * file that could not be kept is reported on the console and fetched again by the next
 * service worker.
 * @param scope the service worker's global scope
 * @param config the configuration (before {@link withOwnFiles})
 * @param offline the offline tier
 * @param files the list (default: the built one)
 * @param fetcher fetch (tests pass their own)
 */
export function keepOwnFilesOnInstall(
  scope: OwnFilesScope, config: SwConfig, offline: Pick<OfflineTier, 'put'>, files: readonly OwnFile[] = BUILT_OWN_FILES, fetcher: typeof fetch = fetch,
): void {
  if (!hasOfflineRoutes(config) || files.length === 0 || scope.webtmemOptions?.standalone === false) return;
  scope.addEventListener('install', (event) => {
    event.waitUntil(keepOwnFiles(offline, ownFileUrls(scope.location.href, files), fetcher).then(({ failed }) => {
      if (failed.length > 0) {
        console.warn(`webtmem: could not keep these drop-in files for offline use: ${failed.map((f) => `${f.url} (${f.reason})`).join(', ')}`);
      }
    }));
  });
}

/**
 * The offline tier's keys of chunks an earlier build kept that this build does not list:
 * content-hashed chunk names (tmem.<name>.<hash>.js) in the service worker script's directory.
 * Nothing this build lists, and nothing outside that directory or of another name, is chosen.
 * @param keys the offline tier's keys (a URL key, or a variant's: the URL, then header lines)
 * @param scriptUrl the service worker's script URL
 * @param files this build's list
 */
export function staleOwnKeys(keys: readonly string[], scriptUrl: string, files: readonly OwnFile[]): string[] {
  const dir = new URL('.', scriptUrl).href;
  const listed = new Set(ownFileUrls(scriptUrl, files).map(({ url }) => urlKey(url)));
  return keys.filter((key) => {
    const url = key.split('\n', 1)[0];
    if (!url.startsWith(dir) || listed.has(url)) return false;
    const name = url.slice(dir.length);
    return HASHED_CHUNK.test(name);
  });
}

/**
 * Removes the stale chunks ({@link staleOwnKeys}) from the offline tier. Never rejects.
 * @returns the keys removed ([] when none, or when the disk failed: its stats say why)
 */
export async function removeStaleOwnFiles(offline: Pick<OfflineTier, 'keys' | 'remove'>, scriptUrl: string, files: readonly OwnFile[] = BUILT_OWN_FILES): Promise<string[]> {
  const stale = staleOwnKeys(await offline.keys(), scriptUrl, files);
  if (stale.length === 0) return [];
  return (await offline.remove(stale)) ? stale : [];
}

/**
 * On activate, removes the chunks of earlier builds when the configuration has offline routes
 * (the install before it kept this build's files).
 * @param scope the service worker's global scope
 * @param config the configuration (before {@link withOwnFiles})
 * @param offline the offline tier
 * @param files the list (default: the built one)
 */
export function removeStaleOwnFilesOnActivate(
  scope: OwnFilesScope, config: SwConfig, offline: Pick<OfflineTier, 'keys' | 'remove'>, files: readonly OwnFile[] = BUILT_OWN_FILES,
): void {
  if (!hasOfflineRoutes(config) || files.length === 0 || scope.webtmemOptions?.standalone === false) return;
  scope.addEventListener('activate', (event) => {
    event.waitUntil(removeStaleOwnFiles(offline, scope.location.href, files));
  });
}
