// The drop-in's runtime: the part of webtmem that the loader (dist/tmem.js) imports as an ES
// module chunk next to itself, off the page's critical path. It starts the store (connect()),
// the page's cleancache, and the link that hands the service worker ports to the store.
import { mergeCleancacheStats, serveCleancachePort } from '../../worker/cleancache/index.js';
import type { StatsSnapshot } from '../../worker/stats.js';
import type { TmemClient } from '../client.js';
import { PageCleancache } from '../cleancache.js';
import { connect } from '../connect.js';
import type { ResourceWatch } from '../loaded-resources.js';
import { linkServiceWorker, type ServiceWorkerLink } from '../sw-link.js';

/** Options of {@link startRuntime}, read from the drop-in's tag. */
export interface RuntimeOptions {
  capacityBytes: number;
  /** The store worker's script (data-worker, else tmem-worker.js next to tmem.js). */
  workerUrl: URL;
  /** Hand ports to the controlling service worker (false where there is none). */
  linkServiceWorker: boolean;
  /** The page's completed resource loads, watched since the loader ran (until the runtime
   *  has started: misses after the link are the service worker's own); listed with each
   *  port. */
  resources?: ResourceWatch;
}

/** A started runtime. */
export interface DropInRuntime {
  readonly client: TmemClient;
  readonly cleancache: PageCleancache;
  readonly link: ServiceWorkerLink | null;
  /** The latest published snapshot, with this page's cleancache lookups added in. */
  lastStats(): StatsSnapshot | null;
  /** A fresh snapshot from the store worker, with this page's cleancache lookups added in. */
  stats(): Promise<StatsSnapshot>;
}

/**
 * Starts the store and links the service worker to it.
 * @param options capacity, store worker URL, whether to link a service worker
 * @throws TmemError as connect() does
 */
export async function startRuntime(options: RuntimeOptions): Promise<DropInRuntime> {
  const client = await connect({ capacityBytes: options.capacityBytes, workerUrl: options.workerUrl });
  const cleancache = new PageCleancache(client);
  let link: ServiceWorkerLink | null = null;
  // The tab's counters and this page's lookups, with the origin's memory tier as the service
  // worker last reported it (stats() asks it afresh).
  const merged = (s: StatsSnapshot): StatsSnapshot => {
    const tab = mergeCleancacheStats(s.cleancache, cleancache.stats());
    return { ...s, cleancache: tab && { ...tab, serviceWorker: link?.lastServiceStats?.memory ?? null } };
  };
  if (options.linkServiceWorker) {
    // Shared mode: the store worker answers the service worker. Local mode: the store lives on
    // this thread, so the page answers it itself.
    link = linkServiceWorker({
      connectPort: client.mode === 'shared'
        ? (port) => { client.connectPort(port).catch(() => port.close()); }
        : (port) => { serveCleancachePort(port, cleancache.cleancache); },
      loaded: options.resources?.list,
    });
  }
  return {
    client,
    cleancache,
    link,
    lastStats: () => (client.lastStats === null ? null : merged(client.lastStats)),
    stats: async () => {
      const [snapshot] = await Promise.all([client.stats(), link?.serviceStats().catch(() => null)]);
      return merged(snapshot);
    },
  };
}
