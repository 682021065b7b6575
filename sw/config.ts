// The service worker's configuration travels in its own script URL's query
// (/tmem-sw.js?offline=…&isolate=…): it survives every service-worker restart without a
// database read, and a changed configuration is a changed script URL, which the browser
// installs as an update. The page builds the URL (the drop-in from its data-* attributes);
// the service worker reads it back from self.location. Platform-neutral.
import {
  MAX_CAPACITY, MIN_CAPACITY, parseOffline, parseCapacity, parseRoutes, parseSize, type Parsed, type Route, type RouteConfig,
} from './http/index.js';

/** The default budget of the service worker's memory tier: 32 MiB, enough for a typical
 *  site's assets several times over, a small share of a phone's memory per origin. */
export const DEFAULT_MEMORY_BYTES = 32 * 1024 * 1024;

/**
 * Reads the drop-in's data-memory attribute (the service worker's memory budget).
 * @param attr "32MB", "64MiB", "1GB", a byte count, or null for the default
 * @returns the bytes, with an error message when the text was refused (1 MiB..4 GiB)
 */
export function parseMemory(attr: string | null): Parsed<number> {
  if (attr === null || attr.trim() === '') return { value: DEFAULT_MEMORY_BYTES };
  const bytes = parseSize(attr);
  if (bytes === null || bytes < MIN_CAPACITY || bytes > MAX_CAPACITY) {
    return {
      value: DEFAULT_MEMORY_BYTES,
      error: `webtmem: data-memory="${attr}" is not a size between 1 MiB and 4 GiB (e.g. "32MB"); using ${DEFAULT_MEMORY_BYTES / 1048576} MiB`,
    };
  }
  return { value: bytes };
}

/** How the service worker adds cross-origin isolation headers, or null for none. */
export type IsolationMode = 'credentialless' | 'require-corp' | null;

/** Everything the service worker is told by the page. */
export interface SwConfig extends RouteConfig {
  routes: Route[];
  offline: string[];
  isolate: IsolationMode;
  /** The store's capacity in bytes: no body larger than half of it is read for a put. */
  capacityBytes: number;
  /** The budget of the service worker's own memory tier (the origin's cleancache shared by
   *  its tabs), in bytes: the drop-in's data-memory, default 32 MiB. */
  memoryBytes: number;
  /** Bound on each request to a tab's store worker, in ms. */
  portTimeoutMs: number;
  /** Store 4xx/5xx responses too. */
  cacheErrors: boolean;
  /** The registering page sends its URL and the resources it loaded; the install waits for
   *  that list and keeps them (sw/install-fill.ts). */
  fillOnInstall: boolean;
}

/** The string form of a configuration, as the drop-in's attributes give it. */
export interface SwConfigText {
  routes?: string | null;
  offline?: string | null;
  isolate?: IsolationMode;
  capacity?: string | null;
  /** The service worker's memory budget (data-memory: "32MB", "64MiB", bytes). */
  memory?: string | null;
  portTimeoutMs?: number;
  cacheErrors?: boolean;
  /** The page that registers the service worker sends it its URL and the resources it loaded
   *  (registerServiceWorker does), and its install waits for them (at most 2 s) to keep them:
   *  the next view is answered from memory. Set by the drop-in. */
  fillOnInstall?: boolean;
}

export const DEFAULT_PORT_TIMEOUT_MS = 100;

/**
 * The service worker's script URL carrying a configuration.
 * @param script the script's URL (absolute)
 * @param text the configuration as text
 */
export function serviceWorkerUrl(script: string, text: SwConfigText): string {
  const url = new URL(script);
  const set = (name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, value);
  };
  set('routes', text.routes);
  set('offline', text.offline);
  set('isolate', text.isolate ?? null);
  set('capacity', text.capacity);
  set('memory', text.memory);
  if (text.portTimeoutMs !== undefined) set('timeout', String(text.portTimeoutMs));
  if (text.cacheErrors) set('errors', '1');
  if (text.fillOnInstall) set('fill', '1');
  return url.href;
}

/**
 * Reads the configuration from the service worker's query. Malformed parts fall back to their
 * defaults silently: the page already reported them once, where the author can see them.
 * @param search `self.location.search`
 */
export function readConfig(search: string): SwConfig {
  const q = new URLSearchParams(search);
  const isolate = q.get('isolate');
  const timeout = Number(q.get('timeout'));
  return {
    routes: parseRoutes(q.get('routes')).value,
    offline: parseOffline(q.get('offline')).value,
    isolate: isolate === 'credentialless' || isolate === 'require-corp' ? isolate : null,
    capacityBytes: parseCapacity(q.get('capacity')).value,
    memoryBytes: parseMemory(q.get('memory')).value,
    portTimeoutMs: Number.isFinite(timeout) && timeout >= 5 && timeout <= 5000 ? timeout : DEFAULT_PORT_TIMEOUT_MS,
    cacheErrors: q.get('errors') === '1',
    fillOnInstall: q.get('fill') === '1',
  };
}
