// The page's link to the service worker: registers it, and hands it a MessagePort leading to
// this tab's cleancache service, again whenever the controller changes (an update, a first
// claim) and whenever the service worker asks (it restarted and lost its ports).
import { TmemError } from '../worker/core/errors.js';
import { bufferedResources } from './loaded-resources.js';
import {
  isServiceWorkerToPage, type ByeMessage, type LoadedMessage, type PortMessage, type ServiceWorkerStats, type StatsRequestMessage,
} from '../worker/wire/service-worker.js';

export type { ServiceWorkerStats };

/**
 * Asks the controlling service worker for its counters.
 * @param timeoutMs bound on the wait (a service worker that is starting answers later)
 * @returns its stats, or null when no service worker controls the page or none answered
 */
export function serviceWorkerStats(timeoutMs = 1000): Promise<ServiceWorkerStats | null> {
  const controller = navigator.serviceWorker?.controller;
  if (!controller) return Promise.resolve(null);
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const timer = setTimeout(() => { port1.close(); resolve(null); }, timeoutMs);
    port1.onmessage = (e: MessageEvent) => {
      clearTimeout(timer);
      port1.close();
      const reply: unknown = e.data;
      resolve(isServiceWorkerToPage(reply) && reply.webtmem === 'sw-stats' ? reply.stats : null);
    };
    controller.postMessage({ webtmem: 'sw-stats' } satisfies StatsRequestMessage, [port2]);
  });
}

/** Options of {@link linkServiceWorker}. */
export interface ServiceWorkerLinkOptions {
  /** Where the other end of each new port goes: the store worker (client.connectPort) or,
   *  in 'local' mode, a service on this page. */
  connectPort(port: MessagePort): void;
  /** The same-origin resources the page has finished loading, sent with each port (the
   *  service worker keeps those it left to the browser during the load). Default: the
   *  browser's resource timing buffer (app/loaded-resources.ts). */
  loaded?: () => readonly string[];
}

/** A live link; close() stops re-sending ports. */
export interface ServiceWorkerLink {
  /** Ports sent so far. */
  readonly portsSent: number;
  /** Sends a fresh port now (if a service worker controls the page). */
  sendPort(): boolean;
  /** The service worker's latest counters (serviceStats() refreshes them), or null. */
  readonly lastServiceStats: ServiceWorkerStats | null;
  /** Asks the service worker for its counters now and keeps them in lastServiceStats. */
  serviceStats(): Promise<ServiceWorkerStats | null>;
  close(): void;
}

/**
 * Registers the service worker with the HTTP cache bypassed for its script (updateViaCache:
 * 'none', so a changed configuration or build is seen at once), and hands a worker that
 * installs this page's URL and the same-origin resources it has loaded (a worker whose URL has
 * `fillOnInstall` waits for that list to keep them, sw/install-fill.ts; another ignores it).
 * When `scope` is refused (the server does not send Service-Worker-Allowed for a script
 * outside it), registers with the script's default scope instead and says so.
 * @param script the service worker URL (with its configuration query)
 * @param scope the scope to control
 * @param loaded the resources the page has loaded (default: the browser's resource timing
 *   buffer, app/loaded-resources.ts)
 */
export async function registerServiceWorker(script: string, scope: string, loaded: () => readonly string[] = bufferedResources): Promise<ServiceWorkerRegistration> {
  const container = serviceWorkers('registerServiceWorker');
  let registration: ServiceWorkerRegistration;
  try {
    registration = await container.register(script, { scope, updateViaCache: 'none' });
  } catch (e) {
    const fallback = new URL('./', script).href;
    if (new URL(scope, location.href).href === fallback) throw e;
    console.error(
      `webtmem: registering ${script} with scope ${scope} failed (${(e as Error).message}); ` +
        `using its default scope ${fallback}, which covers only pages below it. Serve the script with ` +
        `"Service-Worker-Allowed: ${scope}" or place it at the root of the site.`,
    );
    registration = await container.register(script, { updateViaCache: 'none' });
  }
  try {
    // The document itself too: resource timing lists only what it loaded.
    const page = typeof location === 'undefined' ? [] : [location.href];
    registration.installing?.postMessage({ webtmem: 'cc-loaded', urls: [...page, ...loaded()] } satisfies LoadedMessage);
  } catch (e) {
    // The list only spares the next view some requests: a failure to make or send it does not
    // fail the registration (a worker that waits for it goes on after its bound).
    console.warn(`webtmem: could not hand the installing service worker this page's resources: ${(e as Error)?.message ?? String(e)}`);
  }
  return registration;
}

/**
 * Keeps the controlling service worker supplied with a port to this tab's cleancache.
 * @param options where each port's other end goes
 */
export function linkServiceWorker(options: ServiceWorkerLinkOptions): ServiceWorkerLink {
  const container = serviceWorkers('linkServiceWorker');
  let sent = 0;
  let closed = false;
  let lastServiceStats: ServiceWorkerStats | null = null;
  const sendPort = (): boolean => {
    const controller = container.controller;
    if (closed || controller === null) return false;
    const { port1, port2 } = new MessageChannel();
    options.connectPort(port1);
    controller.postMessage({ webtmem: 'cc-port', port: port2, loaded: [...(options.loaded ?? bufferedResources)()] } satisfies PortMessage, [port2]);
    sent++;
    return true;
  };
  const onMessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (isServiceWorkerToPage(message) && message.webtmem === 'cc-need-port') sendPort();
  };
  // A page leaving (navigation, reload, close) takes its store worker with it; telling the
  // service worker spares the next page's first fetches a wait on a dead port. (Not sent when
  // the page may come back from the back/forward cache: its port stays valid then.)
  const onPageHide = (event: PageTransitionEvent) => {
    if (!event.persisted) container.controller?.postMessage({ webtmem: 'cc-bye' } satisfies ByeMessage);
  };
  container.addEventListener('controllerchange', sendPort);
  container.addEventListener('message', onMessage);
  addEventListener('pagehide', onPageHide);
  // Messages from the service worker wait in a queue until the document has loaded or this
  // is called; a restarted service worker's request for a port must not wait that long.
  container.startMessages();
  sendPort();
  return {
    get portsSent() {
      return sent;
    },
    get lastServiceStats() {
      return lastServiceStats;
    },
    async serviceStats() {
      const stats = await serviceWorkerStats();
      if (stats) lastServiceStats = stats;
      return stats;
    },
    sendPort,
    close() {
      closed = true;
      container.removeEventListener('controllerchange', sendPort);
      container.removeEventListener('message', onMessage);
      removeEventListener('pagehide', onPageHide);
    },
  };
}

/** navigator.serviceWorker, or a TmemError saying why there is none (an insecure context, or
 *  service workers blocked by the browser's settings). */
function serviceWorkers(caller: string): ServiceWorkerContainer {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (!container) {
    throw new TmemError('not-supported', `${caller}: no service workers here (navigator.serviceWorker is missing: an insecure context, or blocked by the browser's settings)`);
  }
  return container;
}
