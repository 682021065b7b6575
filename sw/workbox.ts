// For sites with their own Workbox service worker: webtmem as a Workbox route handler (a
// strategy) and as a plugin for Workbox's own strategies, so the site keeps its service
// worker (only one may control a scope) and adds the cleancache to it:
//
//   self.webtmemOptions = { standalone: false,         // before the import: no own listeners
//     config: { offline: '/,/app.css', capacity: '64MB' } };   // as the drop-in's attributes
//   importScripts('/tmem-sw.js');
//   registerRoute(({ request }) => request.destination === 'image',
//                 new webtmem.TmemStrategy({ strategy: 'cache-first' }));
//   registerRoute(/\.css$/, new StaleWhileRevalidate({ plugins: [webtmem.tmemPlugin()] }));
//
// Pages load the drop-in with data-sw="none" (it registers nothing, the site registers its own
// service worker); it hands its ports to whichever service worker controls them, and this
// script's message listener takes them.
import type { RouteHandlerCallbackOptions, RouteHandlerObject, WorkboxPlugin } from 'workbox-core';
import type { Strategy } from './http/index.js';
import { fetchContext, type WebtmemService } from './service.js';

/** Options of {@link TmemStrategy}. */
export interface TmemStrategyOptions {
  /** Default: the configured route's strategy for the request (data-routes, defaults). */
  strategy?: Strategy;
  /** Keep durable copies for offline use. Default: the configured offline patterns. */
  offline?: boolean;
}

let service: WebtmemService | null = null;

/** Sets the service the adapters use (sw/index.ts does this when the script loads). */
export function useService(s: WebtmemService): void {
  service = s;
}

function current(): WebtmemService {
  if (service === null) throw new Error('webtmem: the service worker script was not loaded (importScripts tmem-sw.js first)');
  return service;
}

/** A Workbox route handler answering with webtmem's cleancache strategies. */
export class TmemStrategy implements RouteHandlerObject {
  readonly options: TmemStrategyOptions;

  /** @param options strategy and offline flag; defaults come from the configuration */
  constructor(options: TmemStrategyOptions = {}) {
    this.options = { ...options };
  }

  /** Workbox calls this for each matched request. */
  handle = async ({ event, request }: RouteHandlerCallbackOptions): Promise<Response> => {
    const s = current();
    const response = await s.handler.handle(request, fetchContext(event), this.options);
    return response;
  };
}

/**
 * A Workbox plugin for Workbox's own strategies: a Cache Storage miss is answered from the
 * cleancache when it holds the resource, and every successful fetch is kept there too.
 */
export function tmemPlugin(options: { offline?: boolean } = {}): WorkboxPlugin {
  // When each fetch was sent: RFC 9111 §4.2.3 counts the request's time in a copy's age.
  // Workbox hands fetchDidSucceed a clone of the request, not the one requestWillFetch saw, so
  // the time is kept by URL, per strategy run (its plugin `state`, one object per run) or else
  // per event: one event may run several fetches (handleAll, a warm-up of several URLs).
  const sentAt = new WeakMap<object, Map<string, number>>();
  return {
    requestWillFetch: async ({ request, event, state }) => {
      const scope = state ?? event;
      if (scope) {
        let times = sentAt.get(scope);
        if (!times) sentAt.set(scope, times = new Map());
        times.set(request.url, Date.now());
      }
      return request;
    },
    cachedResponseWillBeUsed: async ({ request, cachedResponse, event }) => {
      if (cachedResponse) return cachedResponse;
      const { memory } = current();
      const record = memory.lookup(request);
      return record ? memory.response(record) : null;
    },
    fetchDidSucceed: async ({ request, response, event, state }) => {
      const now = Date.now();
      const scope = state ?? event;
      const times = scope ? sentAt.get(scope) : undefined;
      const requestTime = times?.get(request.url) ?? now;
      times?.delete(request.url);
      const ctx = { ...fetchContext(event), offline: options.offline ?? false };
      return current().keeper.keep(request, response, { requestTime: Math.min(requestTime, now), responseTime: now }, ctx);
    },
  };
}
