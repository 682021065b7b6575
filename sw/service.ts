// The service worker's parts, wired together: links to the tabs' stores, the memory and disk
// tiers, the keeper, the strategies, isolation. sw/index.ts makes one for the standalone
// service worker; a Workbox service worker gets the same one through sw/workbox.ts.
import { clientsClaim, registerQuotaErrorCallback } from 'workbox-core';
import type { SwConfig } from './config.js';
import { FetchHandler, type HandlerStats } from './fetch-handler.js';
import { withIsolation } from './isolation.js';
import { Keeper, type KeeperStats } from './keeper.js';
import { MemoryTier } from './memory-tier.js';
import { OfflineTier, type OfflineTierStats } from './offline-tier.js';
import { keepOwnFilesOnInstall, withOwnFiles } from './own-files.js';
import { StoreLink, type StoreLinkStats } from './store-link.js';
import type { PortMessage } from '../worker/cleancache/protocol.js';

/** Everything the service worker counts (answered to a 'sw-stats' message). */
export interface ServiceStats {
  handler: HandlerStats;
  keeper: KeeperStats;
  link: StoreLinkStats;
  offline: OfflineTierStats;
}

/** The DiskLog name of the offline copies of a registration's scope. */
export function offlineLogName(scope: string): string {
  return `webtmem-offline:${scope}`;
}

/** One service worker's webtmem. */
export class WebtmemService {
  readonly config: SwConfig;
  readonly link: StoreLink;
  readonly memory: MemoryTier;
  readonly offline: OfflineTier;
  readonly keeper: Keeper;
  readonly handler: FetchHandler;
  readonly #scope: ServiceWorkerGlobalScope;
  readonly #origin: string;

  /**
   * @param scope the service worker's global scope
   * @param config the configuration (sw/config.ts readConfig)
   */
  constructor(scope: ServiceWorkerGlobalScope, config: SwConfig) {
    config = withOwnFiles(config, scope);
    this.#scope = scope;
    this.#origin = scope.location.origin;
    this.config = config;
    this.link = new StoreLink(scope.clients, config.portTimeoutMs);
    this.memory = new MemoryTier(this.link);
    this.offline = new OfflineTier(offlineLogName(scope.registration?.scope ?? this.#origin + '/'));
    this.keeper = new Keeper(this.memory, this.offline, {
      origin: this.#origin, maxBytes: Math.floor(config.capacityBytes / 2), cacheErrors: config.cacheErrors,
    });
    this.handler = new FetchHandler(this.memory, this.offline, this.keeper, this.#origin, config);
  }

  /** Counters of every part. */
  stats(): ServiceStats {
    return { handler: { ...this.handler.stats }, keeper: structuredClone(this.keeper.stats), link: this.link.stats, offline: this.offline.stats };
  }

  /** Takes the pages' ports and answers 'sw-stats'; asks the open tabs for ports now, since
   *  a service worker that just (re)started has none. */
  listenMessages(): void {
    this.#scope.addEventListener('message', (event: ExtendableMessageEvent) => {
      const data = event.data as { webtmem?: string } | null;
      const source = event.source as Client | null;
      if (data?.webtmem === 'cc-port' && source && 'id' in source) {
        this.link.addPort(source.id, (data as PortMessage).port ?? event.ports[0]);
      } else if (data?.webtmem === 'cc-bye' && source && 'id' in source) {
        this.link.removeClient(source.id);
      } else if (data?.webtmem === 'claim') {
        event.waitUntil(this.#scope.clients.claim());
      } else if (data?.webtmem === 'sw-stats') {
        event.ports[0]?.postMessage({ webtmem: 'sw-stats', stats: this.stats(), config: { ...this.config, routes: this.config.routes.map((r) => ({ ...r, match: String(r.match) })) } });
      }
    });
    this.link.askAll(this.#scope.clients.matchAll({ type: 'window' }).then((clients) => clients.map((c) => c.id)));
  }

  /** Standalone lifecycle: activate at once (skipWaiting, as Workbox now advises calling it
   *  directly) and control open pages (clientsClaim), so a first visit is served at once. */
  listenLifecycle(): void {
    this.#scope.addEventListener('install', () => { void this.#scope.skipWaiting(); });
    keepOwnFilesOnInstall(this.#scope, this.config, this.offline);
    clientsClaim();
    // A full disk first tries compaction (dead slots), which may give back enough room.
    registerQuotaErrorCallback(async () => { await this.offline.compact(); });
  }

  /** Answers every http(s) fetch of the scope. */
  listenFetch(): void {
    this.#scope.addEventListener('fetch', (event: FetchEvent) => {
      if (!event.request.url.startsWith('http') || !this.handler.wants(event.request, this.config.isolate !== null)) return;
      event.respondWith(this.respond(event));
    });
  }

  /**
   * The answer to one fetch event, with isolation headers when configured. A request that
   * fails (network down, nothing stored) fails as it would without a service worker.
   */
  async respond(event: FetchEvent): Promise<Response> {
    const ctx = { clientId: event.clientId || null, waitUntil: (p: Promise<unknown>) => event.waitUntil(p) };
    let response: Response;
    try {
      response = await this.handler.handle(event.request, ctx);
    } catch {
      return Response.error();
    }
    return this.config.isolate ? withIsolation(response, this.config.isolate, this.#origin) : response;
  }
}
