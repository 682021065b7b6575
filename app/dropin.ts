// The drop-in script (dist/tmem.js, a classic script for a plain static site):
//
//   <script src="/tmem.js" data-capacity="64MB" data-offline="/,/app.css,/img/*"
//           data-routes="/img/*=cache-first" data-isolate data-panel></script>
//
// It registers tmem-sw.js (next to itself unless data-sw says otherwise) with the
// configuration in its URL, makes the page cross-origin isolated when asked (data-isolate),
// starts the store worker (tmem-worker.js, or data-worker), hands the service worker a port to
// it, and exposes window.webtmem for page code, the panel and the DevTools extension.
// Malformed attributes each give one console error and fall back to their defaults.
import { parseCapacity, parseOffline, parseRoutes } from '../sw/http/index.js';
import { serviceWorkerUrl, type IsolationMode } from '../sw/config.js';
import { serveCleancachePort, mergeCleancacheStats } from '../worker/cleancache/index.js';
import type { StatsSnapshot } from '../worker/stats.js';
import { installPagePanel, type PagePanel } from './panel/index.js';
import { connect } from './connect.js';
import type { TmemClient } from './client.js';
import { PageCleancache, type CachedResource } from './cleancache.js';
import { ensureIsolation, type IsolationOutcome } from './isolation.js';
import { linkServiceWorker, registerServiceWorker, type ServiceWorkerLink } from './sw-link.js';

/** window.webtmem, as the drop-in sets it. */
export interface WebtmemDropIn {
  /** The store client once started (null before, or when it failed). */
  client: TmemClient | null;
  mode: 'shared' | 'local' | null;
  /** 'off' without data-isolate. */
  isolation: IsolationOutcome | 'off' | null;
  /** Resolves once the store runs and the service worker is linked. */
  ready: Promise<WebtmemDropIn>;
  /** Why the drop-in could not start, or null. */
  error: string | null;
  registration: ServiceWorkerRegistration | null;
  link: ServiceWorkerLink | null;
  panel: PagePanel | null;
  /** The latest stats snapshot, the cleancache counters of the page and the service worker's
   *  lookups added together (the DevTools extension reads this). */
  readonly lastStats: StatsSnapshot | null;
  stats(): Promise<StatsSnapshot>;
  /** Synchronous lookups in the cleancache from page code (a miss until ready). */
  cleancache: {
    get(url: string | URL, init?: { headers?: HeadersInit }): CachedResource | null;
    has(url: string | URL, init?: { headers?: HeadersInit }): boolean;
    fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
    stats(): ReturnType<PageCleancache['stats']> | null;
  };
  /** fetch() that answers cleancache hits on the page, without the service-worker hop. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

const script = document.currentScript as HTMLScriptElement | null;
const attr = (name: string): string | null => script?.getAttribute(name) ?? null;
const base = script?.src || location.href;

function reported<T>(parsed: { value: T; error?: string }): T {
  if (parsed.error) console.error(parsed.error);
  return parsed.value;
}

// COEP credentialless: Chromium 96+, Firefox 119+; elsewhere require-corp.
function coepMode(): Exclude<IsolationMode, null> {
  const m = /(?:Chrome|Chromium)\/(\d+)|Firefox\/(\d+)/.exec(navigator.userAgent);
  if (m && ((m[1] && Number(m[1]) >= 96) || (m[2] && Number(m[2]) >= 119))) return 'credentialless';
  return 'require-corp';
}

const capacityText = attr('data-capacity');
const capacityBytes = reported(parseCapacity(capacityText));
const offlineText = attr('data-offline');
reported(parseOffline(offlineText));
const routesText = attr('data-routes');
reported(parseRoutes(routesText));
const isolate = script?.hasAttribute('data-isolate') ?? false;
// data-sw="none": the site registers its own service worker (one importing tmem-sw.js, e.g.
// a Workbox one); the drop-in only links to whichever service worker controls the page.
const ownServiceWorker = attr('data-sw')?.trim().toLowerCase() === 'none';
const swScript = serviceWorkerUrl(new URL(ownServiceWorker ? 'tmem-sw.js' : (attr('data-sw') ?? 'tmem-sw.js'), base).href, {
  routes: routesText,
  offline: offlineText,
  isolate: isolate ? coepMode() : null,
  capacity: String(capacityBytes),
});
const workerUrl = new URL(attr('data-worker') ?? 'tmem-worker.js', base);
const scope = attr('data-scope') ?? '/';

let pageCleancache: PageCleancache | null = null;
let resolveReady!: (w: WebtmemDropIn) => void;

const webtmem: WebtmemDropIn = {
  client: null,
  mode: null,
  isolation: isolate ? null : 'off',
  ready: new Promise((resolve) => { resolveReady = resolve; }),
  error: null,
  registration: null,
  link: null,
  panel: null,
  get lastStats() {
    const s = webtmem.client?.lastStats ?? null;
    if (s === null) return null;
    return { ...s, cleancache: mergeCleancacheStats(s.cleancache, pageCleancache?.stats() ?? null) };
  },
  async stats() {
    if (!webtmem.client) throw new Error(`webtmem: not started${webtmem.error ? `: ${webtmem.error}` : ' yet'}`);
    const s = await webtmem.client.stats();
    return { ...s, cleancache: mergeCleancacheStats(s.cleancache, pageCleancache?.stats() ?? null) };
  },
  cleancache: {
    get: (url, init) => pageCleancache?.get(url, init) ?? null,
    has: (url, init) => pageCleancache?.has(url, init) ?? false,
    fetch: (input, init) => (pageCleancache ? pageCleancache.fetch(input, init) : fetch(input, init)),
    stats: () => pageCleancache?.stats() ?? null,
  },
  fetch: (input, init) => webtmem.cleancache.fetch(input, init),
};
(globalThis as { webtmem?: WebtmemDropIn }).webtmem = webtmem;

async function start(): Promise<void> {
  const hasSw = 'serviceWorker' in navigator;
  const register = () => registerServiceWorker(swScript, scope);
  let registering: Promise<ServiceWorkerRegistration> | null = null;
  if (ownServiceWorker) {
    if (isolate) console.error('webtmem: data-isolate needs the webtmem service worker, but data-sw="none"; the isolation headers must come from the site\'s own service worker.');
  } else if (isolate) {
    const outcome = await ensureIsolation({ register: () => (registering = register()), scriptUrl: swScript });
    webtmem.isolation = outcome;
    if (outcome === 'reloading') return; // this document is about to go away
  } else if (hasSw) {
    registering = register();
  } else {
    console.warn('webtmem: no service worker here (an insecure context?); the cleancache is filled by nothing, page code can still use the store.');
  }
  if (attr('data-panel') !== null) {
    webtmem.panel = installPagePanel({ webtmem: () => webtmem, panel: attr('data-panel'), shortcut: attr('data-panel-shortcut') });
  }
  const client = await connect({ capacityBytes, workerUrl });
  webtmem.client = client;
  webtmem.mode = client.mode;
  pageCleancache = new PageCleancache(client);
  if (registering) {
    webtmem.registration = await registering.catch((e: Error) => {
      console.error(`webtmem: the service worker ${swScript} could not be registered: ${e.message}`);
      return null;
    });
  }
  if (hasSw) {
    const cleancache = pageCleancache.cleancache;
    // Shared mode: the store worker answers the service worker. Local mode: the store lives
    // on this thread, so the page answers it itself.
    webtmem.link = linkServiceWorker({
      connectPort: client.mode === 'shared'
        ? (port) => { client.connectPort(port).catch(() => port.close()); }
        : (port) => { serveCleancachePort(port, cleancache); },
    });
  }
}

start().then(
  () => resolveReady(webtmem),
  (e: Error) => {
    webtmem.error = e?.message ?? String(e);
    console.error(`webtmem: could not start: ${webtmem.error}`);
    resolveReady(webtmem);
  },
);
