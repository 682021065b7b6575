// The service worker's configuration travels in its own script URL's query
// (/tmem-sw.js?offline=…&isolate=…): it survives every service-worker restart without a
// database read, and a changed configuration is a changed script URL, which the browser
// installs as an update. The page builds the URL (the drop-in from its data-* attributes);
// the service worker reads it back from self.location. Platform-neutral.
import { parseCapacity, parseOffline, parseRoutes, type Route, type RouteConfig } from './http/index.js';

/** How the service worker adds cross-origin isolation headers, or null for none. */
export type IsolationMode = 'credentialless' | 'require-corp' | null;

/** Everything the service worker is told by the page. */
export interface SwConfig extends RouteConfig {
  routes: Route[];
  offline: string[];
  isolate: IsolationMode;
  /** The store's capacity in bytes: no body larger than half of it is read for a put. */
  capacityBytes: number;
  /** Bound on each request to a tab's store worker, in ms. */
  portTimeoutMs: number;
  /** Store 4xx/5xx responses too. */
  cacheErrors: boolean;
}

/** The string form of a configuration, as the drop-in's attributes give it. */
export interface SwConfigText {
  routes?: string | null;
  offline?: string | null;
  isolate?: IsolationMode;
  capacity?: string | null;
  portTimeoutMs?: number;
  cacheErrors?: boolean;
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
  if (text.portTimeoutMs !== undefined) set('timeout', String(text.portTimeoutMs));
  if (text.cacheErrors) set('errors', '1');
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
    portTimeoutMs: Number.isFinite(timeout) && timeout >= 5 && timeout <= 5000 ? timeout : DEFAULT_PORT_TIMEOUT_MS,
    cacheErrors: q.get('errors') === '1',
  };
}
