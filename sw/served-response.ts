// The Response the service worker answers a fetch with from a stored record (memory or disk).
// Its body is a stream over the record's bytes, not the bytes themselves: handed to
// respondWith(), a Response over an ArrayBuffer makes Chromium copy the body into a new blob
// on the service worker's thread before the answer leaves, while a stream's chunks go to the
// page through a data pipe as they are read. Measured in Chromium 156 on 26 script responses
// of 3-16 KB per page load: the service worker's thread busy 38 ms per load over bytes, 10 ms
// over a stream, and the loads 11 % faster (the README's site bench shows whole sites).
// A large body, whose stream would reach the page long after its first byte, is answered
// from a Blob the memory tier made when it kept the body (answer-blobs.ts).
// Pages get no such copy (a page reads its webtmem.fetch hits itself), so the page side keeps
// serving the bytes (app/hit-response.ts).
// Every answer carries the copy's current Age (http/age.ts), set in the pairs the Response's
// headers are made from.
import { servedHeaders, toResponse, type HeaderPairs, type ResourceRecord } from './http/index.js';

/** A one-chunk stream of `bytes` (the caller's buffer is read, not copied). */
function streamOf(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * The answer from a stored record (a new Response each call: a body is read once), with Age
 * set to the record's current age at `now`.
 * @param record the record; its body must not change afterwards (a lookup's own buffer)
 * @param headers headers to serve instead of the stored ones (after a 304 merge); the
 *   record's timing still gives the age
 * @param blob a Blob of the record's very bytes to answer with instead of a stream (a large
 *   body, answer-blobs.ts)
 * @param now when it is served (ms since the epoch)
 */
export function servedResponse(record: ResourceRecord, headers?: HeaderPairs, blob?: Blob | null, now: number = Date.now()): Response {
  return toResponse(record, servedHeaders(headers ?? record.headers, record, now), blob ? () => blob : streamOf);
}
