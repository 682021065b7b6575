// The service worker's parts, wired together: its own memory tier (the origin's cleancache),
// the disk tier, the links that fill the tabs' stores, the keeper, the strategies, isolation.
// sw/index.ts makes one for the standalone service worker; a Workbox service worker gets the
// same one through sw/workbox.ts.
import { registerQuotaErrorCallback } from 'workbox-core';
import type { SwConfig } from './config.js';
import { DeferredKeep, type DeferredKeepStats } from './deferred-keep.js';
import { FetchHandler, type FetchContext, type HandlerStats, type Plan } from './fetch-handler.js';
import { InstallFill, type InstallFillStats } from './install-fill.js';
import { withIsolation } from './isolation.js';
import { Keeper, type KeeperStats } from './keeper.js';
import { MemoryTier, type MemoryTierStats } from './memory-tier.js';
import { OfflineTier, type OfflineTierStats } from './offline-tier.js';
import { ScriptCopies } from './script-copies.js';
import { addStaticRoutes, staticRoutes } from './static-routes.js';
import { keepOwnFilesOnInstall, removeStaleOwnFilesOnActivate, withOwnFiles } from './own-files.js';
import { keepOfflineUrlsOnInstall } from './offline-urls.js';
import { StoreLink, type StoreLinkStats } from './store-link.js';
import { TabFill, type TabFillStats } from './tab-fill.js';
import { isPageToServiceWorker, type ClaimedReply, type ServiceWorkerStats, type StatsReply } from '../worker/wire/service-worker.js';

/** Everything the service worker counts (answered to a 'sw-stats' message). */
export interface ServiceStats extends ServiceWorkerStats {
  handler: HandlerStats;
  keeper: KeeperStats;
  /** Misses left to the browser while their page loaded, kept after it. */
  deferred: DeferredKeepStats;
  /** A first visit's resources, kept as the service worker installed. */
  install: InstallFillStats;
  /** The origin's memory tier: budget, use, lookups, hits. */
  memory: MemoryTierStats;
  /** Copies sent to the tabs' stores. */
  fill: TabFillStats;
  link: StoreLinkStats;
  offline: OfflineTierStats;
  /** Static routing rules the browser took at install (0 where unsupported). */
  staticRoutes: number;
  /** Whether navigation preload was enabled at activation. */
  navigationPreload: boolean;
}

/** The DiskLog name of the offline copies of a registration's scope. */
export function offlineLogName(scope: string): string {
  return `webtmem-offline:${scope}`;
}

/** The Cache Storage cache of a scope's copies of large scripts (sw/script-copies.ts). */
export function scriptCopiesName(scope: string): string {
  return `webtmem-scripts:${scope}`;
}

/** One service worker's webtmem. */
export class WebtmemService {
  readonly config: SwConfig;
  readonly link: StoreLink;
  readonly memory: MemoryTier;
  readonly tabs: TabFill;
  readonly offline: OfflineTier;
  readonly keeper: Keeper;
  readonly deferred: DeferredKeep;
  readonly handler: FetchHandler;
  readonly installFill: InstallFill;
  readonly #scope: ServiceWorkerGlobalScope;
  readonly #origin: string;
  #staticRoutes = 0;
  /** The configuration as the site gave it, before the drop-in's own files joined it. */
  readonly #siteConfig: SwConfig;
  /** The largest body kept (memory or disk). */
  readonly #maxBytes: number;

  /**
   * @param scope the service worker's global scope
   * @param config the configuration (sw/config.ts readConfig)
   */
  constructor(scope: ServiceWorkerGlobalScope, config: SwConfig) {
    this.#siteConfig = config;
    config = withOwnFiles(config, scope);
    this.#scope = scope;
    this.#origin = scope.location.origin;
    this.config = config;
    this.link = new StoreLink(scope.clients, config.portTimeoutMs);
    const scopeUrl = scope.registration?.scope ?? `${this.#origin}/`;
    this.memory = new MemoryTier(config.memoryBytes, new ScriptCopies(scriptCopiesName(scopeUrl), this.#origin, config.memoryBytes));
    this.tabs = new TabFill(this.link);
    this.link.onPort((clientId) => this.tabs.replayFlushes(clientId));
    this.offline = new OfflineTier(offlineLogName(scopeUrl));
    // No body larger than the smaller of the tab's half and the memory tier's share is read.
    const maxBytes = Math.min(Math.floor(config.capacityBytes / 2), this.memory.maxBodyBytes);
    this.#maxBytes = maxBytes;
    this.keeper = new Keeper(this.memory, this.offline, this.tabs, { origin: this.#origin, maxBytes, cacheErrors: config.cacheErrors });
    this.deferred = new DeferredKeep(this.keeper, (clientId) => this.link.has(clientId));
    this.handler = new FetchHandler(this.memory, this.offline, this.keeper, this.#origin, config, this.deferred);
    this.installFill = new InstallFill(this.keeper, (request) => this.handler.keeps(request));
  }

  /** Counters of every part. */
  stats(): ServiceStats {
    return {
      handler: { ...this.handler.stats },
      keeper: structuredClone(this.keeper.stats),
      deferred: { ...this.deferred.stats },
      install: { ...this.installFill.stats },
      memory: this.memory.stats(),
      fill: structuredClone(this.tabs.stats),
      link: this.link.stats,
      offline: this.offline.stats,
      staticRoutes: this.#staticRoutes,
      navigationPreload: this.#preloading(),
    };
  }

  /** Takes the pages' ports and the installing page's list of what it loaded ('cc-loaded'),
   *  answers 'sw-stats', and claims the pages on 'claim' (a page that found this worker active
   *  but not controlling it); asks the open tabs for ports now, since a service worker that
   *  just (re)started has none. */
  listenMessages(): void {
    this.#scope.addEventListener('message', (event: ExtendableMessageEvent) => {
      const data: unknown = event.data;
      if (!isPageToServiceWorker(data)) return;
      const source = event.source;
      const clientId = source && 'id' in source ? source.id : null;
      switch (data.webtmem) {
        case 'cc-port':
          if (clientId !== null) {
            this.link.addPort(clientId, data.port);
            this.deferred.listed(clientId, data.loaded ?? []);
          }
          break;
        case 'cc-loaded':
          this.installFill.listed(data.urls, (p) => event.waitUntil(p));
          break;
        case 'cc-bye':
          if (clientId !== null) {
            this.link.removeClient(clientId);
            this.tabs.forget(clientId);
            this.deferred.forget(clientId);
          }
          break;
        case 'sw-stats': {
          const config = { ...this.config, routes: this.config.routes.map((r) => ({ ...r, match: String(r.match) })) };
          event.ports[0]?.postMessage({ webtmem: 'sw-stats', stats: this.stats(), config } satisfies StatsReply);
          break;
        }
        case 'claim':
          event.waitUntil(this.#scope.clients.claim().then(
            () => event.ports[0]?.postMessage({ webtmem: 'claimed', ok: true } satisfies ClaimedReply),
            (e: Error) => event.ports[0]?.postMessage({ webtmem: 'claimed', ok: false, error: e?.message ?? String(e) } satisfies ClaimedReply),
          ));
          break;
      }
    });
    this.link.askAll(this.#scope.clients.matchAll({ type: 'window' }).then((clients) => clients.map((c) => c.id)));
  }

  /** Standalone lifecycle: activate at once (skipWaiting, as Workbox now advises calling it
   *  directly), send what it would only pass through straight to the network (static
   *  routing), keep what the registering page loaded when the configuration asks
   *  (fillOnInstall), enable navigation preload for the navigations it answers, and control
   *  open pages (clients.claim), so a first visit is served at once. */
  listenLifecycle(): void {
    this.#scope.addEventListener('install', (event: ExtendableEvent) => {
      void this.#scope.skipWaiting();
      event.waitUntil(addStaticRoutes(event, staticRoutes(this.config, this.#origin)).then((n) => { this.#staticRoutes = n; }));
      if (this.config.fillOnInstall) this.installFill.install(event);
    });
    this.#scope.addEventListener('activate', (event: ExtendableEvent) => {
      const preload = this.#scope.registration?.navigationPreload;
      event.waitUntil(Promise.all([
        this.#scope.clients.claim(),
        // Only navigations the service worker takes use it (offline routes, isolation); one it
        // declines goes to the network as if it had none. Chromium only: in Firefox ESR 153 a
        // navigation whose preload request fails (the network gone) is aborted with
        // NS_ERROR_NET_RESET although the handler answers it from the offline tier, so offline
        // reloads broke (test/firefox/drop-in.test.mjs); userAgentData is Chromium's.
        preload && this.#preloading() ? preload.enable().catch(() => {}) : preload?.disable().catch(() => {}),
      ]));
    });
    keepOwnFilesOnInstall(this.#scope, this.#siteConfig, this.offline);
    keepOfflineUrlsOnInstall(this.#scope, this.#siteConfig, this.offline, this.#maxBytes);
    removeStaleOwnFilesOnActivate(this.#scope, this.#siteConfig, this.offline);
    // A full disk first tries compaction (dead slots), which may give back enough room.
    registerQuotaErrorCallback(async () => { await this.offline.compact(); });
  }

  /** Answers the http(s) fetches of the scope it has something to do with (handler.plan). */
  listenFetch(): void {
    const isolating = this.config.isolate !== null;
    this.#scope.addEventListener('fetch', (event: FetchEvent) => {
      if (!event.request.url.startsWith('http')) return;
      const ctx = fetchContext(event);
      const plan = this.handler.plan(event.request, isolating, ctx);
      if (plan !== null) event.respondWith(this.respond(event, plan, ctx));
      else if (event.request.mode === 'navigate' && this.#preloading()) event.respondWith(this.#preloaded(event));
      // else: left to the browser, as if there were no service worker.
    });
  }

  /**
   * The answer to one fetch event, with isolation headers when configured. A request that
   * fails (network down, nothing stored) fails as it would without a service worker.
   */
  async respond(event: FetchEvent, plan?: Plan, ctx: FetchContext = fetchContext(event)): Promise<Response> {
    let response: Response;
    try {
      response = await this.handler.handle(event.request, ctx, {}, plan);
    } catch {
      return Response.error();
    }
    return this.config.isolate ? withIsolation(response, this.config.isolate, this.#origin, event.request.destination) : response;
  }

  /**
   * A navigation it would decline while navigation preload is on: the browser has sent the
   * preload request already, and declining would make it send a second one. The preloaded
   * response is the answer (no clone, nothing kept).
   */
  async #preloaded(event: FetchEvent): Promise<Response> {
    const preloaded = (await (event.preloadResponse as Promise<Response | undefined>).catch(() => undefined)) ?? null;
    if (preloaded) this.handler.stats.preloaded++;
    return preloaded ?? fetch(event.request);
  }

  /** Whether navigation preload is on: activate enables it exactly when navigations may be
   *  taken, in Chromium only (see activate), known from the configuration and the browser
   *  alone, so a restarted service worker knows it. Elsewhere a declined navigation is left
   *  to the browser, not fetched through the worker. */
  #preloading(): boolean {
    return !!this.#scope.registration?.navigationPreload && this.#takesNavigations() && 'userAgentData' in this.#scope.navigator;
  }

  /** Whether navigations are answered by the handler (isolation headers, the offline tier).
   *  A navigation only a configured route claims is fetched by the handler itself: enabling
   *  preload for such routes would make every other navigation wait on the service worker. */
  #takesNavigations(): boolean {
    return this.config.isolate !== null || this.config.offline.length > 0;
  }
}

/**
 * The context of a fetch event (the standalone listener's, or the one Workbox hands a route
 * handler or plugin; Workbox may call a plugin with no event, whose work then runs unextended).
 * @param event the fetch event
 */
export function fetchContext(event: ExtendableEvent | undefined): FetchContext {
  const fetchEvent = event as FetchEvent | undefined;
  return {
    clientId: fetchEvent?.clientId || fetchEvent?.resultingClientId || null,
    waitUntil: (p: Promise<unknown>) => (event ? event.waitUntil(p) : void p.catch(() => {})),
    preloadResponse: fetchEvent?.request?.mode === 'navigate' ? (fetchEvent.preloadResponse as Promise<Response | undefined> | undefined) : undefined,
  };
}
