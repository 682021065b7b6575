// The wire between the service worker and a tab's cleancache service (in the store worker, or
// on the page in 'local' mode), over the MessagePort the page hands to both (types only, as
// comlink keeps its protocol). Every message carries `webtmem: <kind>`; bodies travel as
// transferred ArrayBuffers, never copied.
import type { ResourceRecord } from './record/index.js';
import type { OriginTierStats } from '../stats.js';

export type { OriginTierStats };

/** Page → service worker: the counters, answered on the message's port as
 *  `{ webtmem: 'sw-stats', stats, config }`. */
export interface StatsRequestMessage {
  webtmem: 'sw-stats';
}

/** Service worker → service: look a request up. */
export interface LookupRequest {
  webtmem: 'cc-lookup';
  id: number;
  url: string;
  /** The request's headers (for Vary), as name/value pairs. */
  headers: [string, string][];
}

/** Service → service worker: the stored resource, or null on a miss. */
export interface LookupReply {
  webtmem: 'cc-found';
  id: number;
  record: ResourceRecord | null;
}

/** Service worker → service: keep a fetched response (all or nothing). */
export interface PutRequest {
  webtmem: 'cc-put';
  id: number;
  /** Names the response Varies on (sorted, lowercase); [] for none. */
  vary: string[];
  /** The record; its key is resourceKey(url, vary, request headers). Its generation is
   *  replaced by the service's own. */
  record: ResourceRecord;
}

/** Service → service worker: what became of a put. */
export interface PutReply {
  webtmem: 'cc-stored';
  id: number;
  result: 'stored' | 'too-large' | 'rejected' | 'failed';
}

/** Service worker → service: forget a URL (e.g. after an unsafe method on it). */
export interface FlushRequest {
  webtmem: 'cc-flush';
  id: number;
  url: string;
  headers: [string, string][];
}

/** Service → service worker: the flush is done. */
export interface FlushReply {
  webtmem: 'cc-flushed';
  id: number;
}

export type ToService = LookupRequest | PutRequest | FlushRequest;
export type FromService = LookupReply | PutReply | FlushReply;

/** Page → service worker: a port leading to this tab's cleancache service. */
export interface PortMessage {
  webtmem: 'cc-port';
  port: MessagePort;
}

/** Service worker → page: send me a port (the service worker restarted and lost its ports). */
export interface NeedPortMessage {
  webtmem: 'cc-need-port';
}

/** Page → service worker: this page is going away (pagehide); forget its port. */
export interface ByeMessage {
  webtmem: 'cc-bye';
}
