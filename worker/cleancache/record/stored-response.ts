// Between a fetched Response and the ResourceRecord the cleancache keeps. The body is read by
// the caller (it decides about size first); these only shape headers and status.

import type { ResourceRecord } from './resource-pages.js';

// Never stored: hop-by-hop fields describe one connection, cookies would be replayed on
// every hit, and Content-Encoding/Content-Length describe the encoded body while the body a
// service worker reads is already decoded (Content-Length is set again from the real length).
const DROPPED = new Set([
  'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection',
  'proxy-authenticate', 'set-cookie', 'set-cookie2', 'content-encoding', 'content-length',
]);
// Statuses whose responses have no body: the Response constructor refuses one for them.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The headers to keep for a stored response, lowercase name/value pairs in Headers order,
 * with Content-Length set to the stored (decoded) body length.
 * @param headers the fetched response's headers
 * @param bodyBytes length of the body as read
 */
export function headersToStore(headers: Headers, bodyBytes: number): [string, string][] {
  const kept: [string, string][] = [];
  headers.forEach((value, name) => {
    if (!DROPPED.has(name)) kept.push([name, value]);
  });
  kept.push(['content-length', String(bodyBytes)]);
  return kept;
}

/**
 * Builds the record to store for a fetched response.
 * @param key the full cache key (cache-key.ts resourceKey)
 * @param response the fetched response (only status, statusText and headers are read)
 * @param body its body bytes, already read
 * @param timing when the request was sent and the response received (ms since the epoch)
 * @param generation this put's generation (resource-store.ts gives one)
 */
export function toRecord(
  key: string,
  response: Pick<Response, 'status' | 'statusText' | 'headers'>,
  body: Uint8Array<ArrayBuffer>,
  timing: { requestTime: number; responseTime: number },
  generation: number,
): ResourceRecord {
  return {
    kind: 'resource',
    key,
    status: response.status,
    statusText: response.statusText,
    headers: headersToStore(response.headers, body.length),
    body,
    requestTime: timing.requestTime,
    responseTime: timing.responseTime,
    generation,
  };
}

/**
 * A Response that serves a stored record. Each call makes a new Response (a body can be read
 * once); the bytes are shared, not copied.
 * @param record the record, as resource-store.ts read it
 * @param headers headers to serve instead of the stored ones (e.g. after a 304 merge)
 * @param body what the Response is made over, given the bytes (the bytes themselves unless a
 *   thread needs another form: the service worker streams them, sw/served-response.ts)
 */
export function toResponse(
  record: ResourceRecord, headers: HeadersInit = record.headers, body: (bytes: Uint8Array<ArrayBuffer>) => BodyInit = (bytes) => bytes,
): Response {
  return new Response(NULL_BODY_STATUSES.has(record.status) ? null : body(record.body), { status: record.status, statusText: record.statusText, headers });
}
