// The wire between a page and its controlling service worker (postMessage on the controller and
// on navigator.serviceWorker, and replies on a port the request carries): one interface per
// message, a discriminated union per direction, and readers that check a received value's
// fields before narrowing it. Every message carries `webtmem: <kind>`; a site's own service
// worker may see the page's messages, and answers 'claim' if it is to be claimed by the drop-in.
import type { OriginTierStats } from '../stats.js';
import { isFields, isPort, isString, isStringArray, unionReader } from './shape.js';

/** Page → service worker: the counters, answered on the message's port with a
 *  {@link StatsReply}. */
export interface StatsRequestMessage {
  webtmem: 'sw-stats';
}

/** Page → service worker: a port leading to this tab's cleancache service, with the
 *  same-origin resources the page has finished loading (resource timing entry names): the
 *  service worker keeps those of them it left to the browser during the load
 *  (sw/deferred-keep.ts). */
export interface PortMessage {
  webtmem: 'cc-port';
  port: MessagePort;
  loaded?: string[];
}

/** Page → the installing service worker it registered: the page's URL and the same-origin
 *  resources it loaded before any service worker controlled it (resource timing entry names),
 *  for the install to keep (sw/install-fill.ts). */
export interface LoadedMessage {
  webtmem: 'cc-loaded';
  urls: string[];
}

/** Page → service worker: this page is going away (pagehide); forget its port. */
export interface ByeMessage {
  webtmem: 'cc-bye';
}

/** Page → the active service worker that does not control the page: claim your pages
 *  (clients.claim()), answered on the message's port, when it has one, with a
 *  {@link ClaimedReply}. */
export interface ClaimMessage {
  webtmem: 'claim';
}

/** Service worker → page: send me a port (the service worker restarted and lost its ports). */
export interface NeedPortMessage {
  webtmem: 'cc-need-port';
}

/** What the service worker reports of itself (the parts pages show; the rest is whatever its
 *  parts count). */
export interface ServiceWorkerStats {
  /** The origin's memory tier: budget, use, lookups and hits of every tab. */
  memory: OriginTierStats;
  handler: Record<string, number>;
  [part: string]: unknown;
}

/** Service worker → page, on the request's port: its counters and configuration. */
export interface StatsReply {
  webtmem: 'sw-stats';
  stats: ServiceWorkerStats;
  /** The configuration in force, as text-safe values (routes' patterns as strings). */
  config: unknown;
}

/** Service worker → page, on the request's port: whether clients.claim() succeeded. */
export interface ClaimedReply {
  webtmem: 'claimed';
  ok: boolean;
  /** Why the claim failed. */
  error?: string;
}

/** What a page posts to its service worker. */
export type PageToServiceWorker = StatsRequestMessage | PortMessage | LoadedMessage | ByeMessage | ClaimMessage;
/** What the service worker posts to a page (on navigator.serviceWorker, or on a request's port). */
export type ServiceWorkerToPage = NeedPortMessage | StatsReply | ClaimedReply;
/** The kinds of this channel. */
export type ServiceWorkerKind = PageToServiceWorker['webtmem'] | ServiceWorkerToPage['webtmem'];

/** Whether a value received by the service worker is one of a page's messages. */
export const isPageToServiceWorker = unionReader<PageToServiceWorker>({
  'sw-stats': () => true,
  'cc-port': (m) => isPort(m.port) && (m.loaded === undefined || isStringArray(m.loaded)),
  'cc-loaded': (m) => isStringArray(m.urls),
  'cc-bye': () => true,
  claim: () => true,
});

/** Whether a value received by a page from its service worker is one of the worker's messages. */
export const isServiceWorkerToPage = unionReader<ServiceWorkerToPage>({
  'cc-need-port': () => true,
  'sw-stats': (m) => isFields(m.stats) && isFields(m.stats.memory) && isFields(m.stats.handler),
  claimed: (m) => typeof m.ok === 'boolean' && (m.error === undefined || isString(m.error)),
});
