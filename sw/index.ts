// The webtmem service worker (dist/tmem-sw.js, a classic script). Standalone, it activates at
// once, controls its pages, and answers their fetches with the cleancache. Imported into a
// Workbox service worker with `self.webtmemOptions = { standalone: false }` set first, it
// only takes the pages' ports and offers TmemStrategy and tmemPlugin (global `webtmem`).
import './process-env.js';
import { readConfig } from './config.js';
import { WebtmemService } from './service.js';
import { useService } from './workbox.js';

declare const self: ServiceWorkerGlobalScope & { webtmemOptions?: { standalone?: boolean } };

/** This service worker's webtmem. */
export const service = new WebtmemService(self, readConfig(self.location.search));
useService(service);
service.listenMessages();
if (self.webtmemOptions?.standalone !== false) {
  service.listenLifecycle();
  service.listenFetch();
}

export { TmemStrategy, tmemPlugin, type TmemStrategyOptions } from './workbox.js';
export { readConfig, serviceWorkerUrl, type SwConfig, type SwConfigText, type IsolationMode } from './config.js';
export { WebtmemService, offlineLogName, type ServiceStats } from './service.js';
