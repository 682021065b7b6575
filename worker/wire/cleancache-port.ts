// The wire between the service worker and a tab's cleancache service (in the store worker, or
// on the page in 'local' mode), over the MessagePort the page hands to both: one interface per
// message, a discriminated union per direction, and readers that check a received value's
// fields before narrowing it. Every message carries `webtmem: <kind>`; bodies travel as
// transferred ArrayBuffers, never copied.
import type { ResourceRecord } from '../cleancache/record/index.js';
import { isFields, isId, isString, isStringArray, isStringPairs, numbersIn, unionReader, type Fields } from './shape.js';

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

/** What became of a put. */
export type PutResult = 'stored' | 'too-large' | 'rejected' | 'failed';

/** Service → service worker: what became of a put. */
export interface PutReply {
  webtmem: 'cc-stored';
  id: number;
  result: PutResult;
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

/** What the service worker asks of a tab's cleancache service. */
export type ToService = LookupRequest | PutRequest | FlushRequest;
/** What the service answers, one reply per request, with the request's id. */
export type FromService = LookupReply | PutReply | FlushReply;
/** The kinds of this channel. */
export type CleancachePortKind = ToService['webtmem'] | FromService['webtmem'];

const PUT_RESULTS: ReadonlySet<unknown> = new Set<PutResult>(['stored', 'too-large', 'rejected', 'failed']);
const RECORD_NUMBERS = ['status', 'requestTime', 'responseTime', 'generation'] as const satisfies readonly (keyof ResourceRecord)[];

/** Whether a value is a resource record as cleancache stores it (its body a Uint8Array). */
export function isResourceRecord(v: unknown): v is ResourceRecord {
  return isFields(v) && v.kind === 'resource' && isString(v.key) && isString(v.statusText) &&
    numbersIn(v, RECORD_NUMBERS) && isStringPairs(v.headers) && v.body instanceof Uint8Array;
}

const isAddressed = (m: Fields): boolean => isId(m.id) && isString(m.url) && isStringPairs(m.headers);

/** Whether a value received by a tab's cleancache service is one of the service worker's
 *  requests. */
export const isToService = unionReader<ToService>({
  'cc-lookup': isAddressed,
  'cc-put': (m) => isId(m.id) && isStringArray(m.vary) && isResourceRecord(m.record),
  'cc-flush': isAddressed,
});

/** Whether a value received by the service worker on a tab's port is one of the service's
 *  replies. */
export const isFromService = unionReader<FromService>({
  'cc-found': (m) => isId(m.id) && (m.record === null || isResourceRecord(m.record)),
  'cc-stored': (m) => isId(m.id) && PUT_RESULTS.has(m.result),
  'cc-flushed': (m) => isId(m.id),
});
