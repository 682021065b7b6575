// window.webtmem as the drop-in sets it: there from the moment tmem.js runs, its members filled
// in as the on-demand runtime starts. Until then the synchronous calls answer as on an empty
// cleancache (a miss), fetch() goes to the network, stats() waits for the runtime.
import type { StatsSnapshot } from '../../worker/stats.js';
import type { TmemClient } from '../client.js';
import type { CachedResource, PageCleancache } from '../cleancache.js';
import type { IsolationOutcome } from '../isolation.js';
import type { PanelHandle } from '../panel/panel-handle.js';
import type { ServiceWorkerLink } from '../sw-link.js';
import type { DropInRuntime } from './runtime.js';

/** window.webtmem, as the drop-in sets it. */
export interface WebtmemDropIn {
  /** The store client once started (null before, or when it failed). */
  client: TmemClient | null;
  mode: 'shared' | 'local' | null;
  /** 'off' without data-isolate. */
  isolation: IsolationOutcome | 'off' | null;
  /** Resolves once the store runs and the service worker is linked (also after a failure:
   *  then `error` says why). */
  ready: Promise<WebtmemDropIn>;
  /** Why the drop-in could not start, or null. */
  error: string | null;
  registration: ServiceWorkerRegistration | null;
  link: ServiceWorkerLink | null;
  /** Why no service worker controls this page, once that is known; null while it is
   *  controlled or not yet known. */
  uncontrolled: string | null;
  /** The stats panel; its code loads when it is first opened. */
  panel: PanelHandle;
  /** The latest stats snapshot, the cleancache counters of the page and the service worker's
   *  lookups added together (the DevTools extension reads this). */
  readonly lastStats: StatsSnapshot | null;
  /** A fresh snapshot (waits for the store to start; rejects when it could not). */
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

/** The global and the loader's hands on it. */
export interface WebtmemControl {
  webtmem: WebtmemDropIn;
  /** The runtime started: fill in its members. */
  started(runtime: DropInRuntime): void;
  /** Resolves `ready`, with the error that stopped the start, if any. */
  settle(error?: string): void;
}

/**
 * Makes window.webtmem (not yet set on window).
 * @param isolate whether data-isolate was given
 * @param panel the panel handle
 */
export function createWebtmem(isolate: boolean, panel: PanelHandle): WebtmemControl {
  let runtime: DropInRuntime | null = null;
  let resolveReady!: (w: WebtmemDropIn) => void;
  const ready = new Promise<WebtmemDropIn>((resolve) => { resolveReady = resolve; });
  const webtmem: WebtmemDropIn = {
    client: null,
    mode: null,
    isolation: isolate ? null : 'off',
    ready,
    error: null,
    registration: null,
    link: null,
    uncontrolled: null,
    panel,
    get lastStats() {
      return runtime?.lastStats() ?? null;
    },
    async stats() {
      await ready;
      if (!runtime) throw new Error(`webtmem: not started${webtmem.error ? `: ${webtmem.error}` : ''}`);
      return runtime.stats();
    },
    cleancache: {
      get: (url, init) => runtime?.cleancache.get(url, init) ?? null,
      has: (url, init) => runtime?.cleancache.has(url, init) ?? false,
      fetch: (input, init) => (runtime ? runtime.cleancache.fetch(input, init) : fetch(input, init)),
      stats: () => runtime?.cleancache.stats() ?? null,
    },
    fetch: (input, init) => webtmem.cleancache.fetch(input, init),
  };
  return {
    webtmem,
    started(r) {
      runtime = r;
      webtmem.client = r.client;
      webtmem.mode = r.client.mode;
      webtmem.link = r.link;
    },
    settle(error) {
      if (error !== undefined) {
        webtmem.error = error;
        console.error(`webtmem: could not start: ${error}`);
      }
      resolveReady(webtmem);
    },
  };
}
