// The webtmem service worker (dist/tmem-sw.js, a classic script). Standalone, it activates at
// once, controls its pages, and answers their fetches with the cleancache. Imported into a
// Workbox service worker with `self.webtmemOptions = { standalone: false }` set first, it
// only takes the pages' ports and offers TmemStrategy and tmemPlugin (global `webtmem`).
import { readConfig, serviceWorkerUrl, type SwConfigText } from './config.js';
import { WebtmemService } from './service.js';
import { useService } from './workbox.js';

/** What a host service worker may set on `self.webtmemOptions` before importing this one. */
export interface WebtmemOptions {
  /** false: add no install/activate/fetch listeners (a Workbox service worker routes). */
  standalone?: boolean;
  /** The configuration, as the drop-in's attributes write it. Default: this service worker's
   *  own URL query (where the drop-in puts it). */
  config?: SwConfigText;
}

declare const self: ServiceWorkerGlobalScope & { webtmemOptions?: WebtmemOptions };

const given = self.webtmemOptions?.config;
const search = given ? new URL(serviceWorkerUrl(self.location.href.split('?')[0], given)).search : self.location.search;

/** This service worker's webtmem. */
export const service = new WebtmemService(self, readConfig(search));
useService(service);
service.listenMessages();
if (self.webtmemOptions?.standalone !== false) {
  service.listenLifecycle();
  service.listenFetch();
}

export { TmemStrategy, tmemPlugin, type TmemStrategyOptions } from './workbox.js';
export { readConfig, serviceWorkerUrl, parseMemory, DEFAULT_MEMORY_BYTES, type SwConfig, type SwConfigText, type IsolationMode } from './config.js';
export { WebtmemService, offlineLogName, type ServiceStats } from './service.js';
