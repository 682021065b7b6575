// Page code's side of the cleancache: synchronous lookups straight in the shared pool, on this
// thread, with no service-worker hop (the page holds the store's memory). The service worker
// fills the pool as the page fetches; page code reads it back here in microseconds.
//
//   const hit = webtmem.cleancache.get('/img/tile-3.png');   // sync: CachedResource | null
//   const res = await webtmem.cleancache.fetch('/data.json'); // a hit, else a real fetch
import type { CleancacheStats } from '../worker/stats.js';
import { TmemError } from '../worker/core/errors.js';
import { BodyPool, Cleancache, type CleancacheStore } from '../worker/cleancache/index.js';
import { keyUrl, type BodyAllocator, type ResourceRecord } from '../worker/cleancache/record/index.js';
import { freshness, storedUse } from '../sw/http/freshness.js';
import { PairFields } from '../sw/http/header-pairs.js';
import { decideCacheUse } from '../sw/http/cacheability.js';
import { notModifiedResponse } from '../sw/http/conditional.js';
import { hitResponse } from './hit-response.js';

/** A resource found in the cleancache. */
export interface CachedResource {
  /** The stored key's URL (absolute, without fragment). */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  /** The headers as stored (an Age among them is the one the response came with). */
  readonly headers: Headers;
  /**
   * The body as stored (decoded), a copy owned by the caller. A small body (≤ 8 KiB) may be a
   * view into a larger ArrayBuffer shared with other bodies, as Node's pooled Buffers are:
   * mind `byteOffset`, and copy it (`body.slice()`) before transferring its `buffer`.
   */
  readonly body: Uint8Array;
  /** When the stored response was requested and received (ms since the epoch). */
  readonly requestTime: number;
  readonly responseTime: number;
  /** A new Response serving this resource, with Age set to its current age at the call (each
   *  call makes one; the bytes are shared). */
  response(): Response;
}

const EMPTY_HEADERS = new Headers();
const ownBuffer: BodyAllocator = (length) => new Uint8Array(length);

/** The cleancache as page code sees it. */
export class PageCleancache {
  /** The tier over this page's view of the store (counts this page's lookups). */
  readonly cleancache: Cleancache;
  readonly #base: string;
  /** The page's origin and a '/': the start of every same-origin href. */
  readonly #origin: string;
  // Resolving a relative URL costs more than the lookup itself; page code asks for the same
  // few URLs over and over.
  readonly #resolved = new Map<string, string>();

  /**
   * @param store the page's client (any attached store)
   * @param baseUrl what relative URLs resolve against (default: the document's URL)
   */
  constructor(store: CleancacheStore, baseUrl: string = globalThis.location?.href ?? 'http://localhost/') {
    this.cleancache = new Cleancache(store, { bodies: new BodyPool().take });
    this.#base = baseUrl;
    this.#origin = `${new URL(baseUrl).origin}/`;
  }

  /**
   * Looks a URL up, synchronously.
   * @param url absolute or relative to the page
   * @param init request headers, for resources whose response Varies on some
   * @returns the whole resource, or null
   * @throws TmemError 'bad-options' for a URL that does not parse
   */
  get(url: string | URL, init: { headers?: HeadersInit } = {}): CachedResource | null {
    const record = this.#lookup(url, init.headers);
    return record === null ? null : resourceOf(record);
  }

  /** True when get() would hit now (it counts as a lookup). */
  has(url: string | URL, init: { headers?: HeadersInit } = {}): boolean {
    return this.get(url, init) !== null;
  }

  /**
   * A fresh copy as a Response without leaving the page; anything else is fetched for real
   * (through the service worker, whose route decides, and which keeps the response for next
   * time). Answered here, as a private HTTP cache would answer without asking the server
   * (RFC 9111 §4): a GET that the service worker's request rules (decideCacheUse) let look
   * up without revalidating (no Range; not cache mode `reload`, `no-store` or `no-cache`; no
   * `Cache-Control: no-cache`, `no-store` or `max-age=0`; no `Pragma: no-cache`; no
   * `Authorization`, and no credentials to another origin), for a copy fresh by its own
   * headers (never one marked `no-cache`) and within the request's own `max-age` and
   * `min-fresh`, or of any age under cache mode `force-cache` or `only-if-cached`, with Age
   * set to its current age. A stale copy found
   * counts as a lookup hit in the stats and is fetched again. A request with its own
   * If-None-Match or If-Modified-Since that the copy meets gets a 304, as from the server.
   * A request with `integrity` or an aborted `signal` goes to fetch(), which checks them, and
   * so does one whose lookup fails (the store refuses it: `store-busy`): this never rejects
   * where fetch() would not.
   * @param input a URL or a Request
   * @param init fetch options
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    try {
      const hit = this.#pageAnswer(input, init);
      if (hit !== null) return hit;
    } catch {
      // The page's copy is a shortcut, never a new way to fail: a lookup the store refuses (a
      // bucket left locked by a thread that died: store-busy), or input fetch() itself will
      // judge (a bad URL), goes to fetch().
    }
    return fetch(input, init);
  }

  /** webtmem.fetch's answer from the page's copy, or null when fetch() must answer. */
  #pageAnswer(input: string | URL | Request, init: RequestInit | undefined): Response | null {
    const request = input instanceof Request ? input : null;
    // Subresource Integrity is checked by fetch() on what it receives; an aborted signal
    // rejects there with AbortError. Neither is the copy's to answer.
    if ((init?.integrity ?? request?.integrity ?? '') !== '' || (init?.signal ?? request?.signal)?.aborted) return null;
    const given = init?.headers ?? request?.headers;
    const headers = given === undefined ? EMPTY_HEADERS : given instanceof Headers ? given : new Headers(given);
    const absolute = this.#absolute(request?.url ?? (input as string | URL));
    // The service worker's own request rules (a Range, no-store, reload, no-cache, credentials
    // a copy may not answer for, ...).
    const use = decideCacheUse({
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      headers,
      cache: init?.cache ?? request?.cache ?? 'default',
      credentials: init?.credentials ?? request?.credentials ?? 'same-origin',
      // An href always has a '/' after its host, so this prefix is the origin whole.
      crossOrigin: !absolute.startsWith(this.#origin),
    });
    if (use.lookup && !use.revalidate) {
      // The body goes into a buffer of its own, which the Response hands over whole when it is
      // read (arrayBuffer, bytes): one allocation and one copy per hit, where a pooled body
      // would need a second of each (in Chromium, allocating the ArrayBuffer is most of a hit).
      const record = this.#lookup(absolute, headers, ownBuffer);
      const now = Date.now();
      if (record !== null && (use.anyAge || takenAsIs(record, use, now))) {
        // The caller's own conditional request: a 304 when the copy meets it, as the server's.
        return notModifiedResponse(record, headers, now) ?? hitResponse(record, true, now);
      }
    }
    return null;
  }

  /** This page's lookups (the service worker's are in the store worker's snapshot). */
  stats(): CleancacheStats {
    return this.cleancache.stats();
  }

  #lookup(url: string | URL, headers: HeadersInit | undefined, bodies?: BodyAllocator): ResourceRecord | null {
    const absolute = this.#absolute(url);
    const requestHeaders = headers === undefined ? EMPTY_HEADERS : headers instanceof Headers ? headers : new Headers(headers);
    return this.cleancache.lookup(absolute, requestHeaders, bodies);
  }

  #absolute(url: string | URL): string {
    if (url instanceof URL) return url.href;
    if (typeof url !== 'string') throw new TmemError('bad-options', `cleancache.get: url must be a string or URL, got ${typeof url}`);
    let absolute = this.#resolved.get(url);
    if (absolute === undefined) {
      try {
        absolute = new URL(url, this.#base).href;
      } catch {
        throw new TmemError('bad-options', `cleancache.get: "${url}" is not a URL`);
      }
      if (this.#resolved.size > 1024) this.#resolved.clear();
      this.#resolved.set(url, absolute);
    }
    return absolute;
  }
}

/** Whether a copy may be answered without asking the server: fresh by its own headers, and
 *  within the request's own max-age and min-fresh. */
function takenAsIs(record: ResourceRecord, limits: { maxAge?: number; minFresh?: number }, now: number): boolean {
  return storedUse(freshness(record.status, new PairFields(record.headers), record, now), limits) === 'fresh';
}

function resourceOf(record: ResourceRecord): CachedResource {
  return new Hit(record);
}

/** A hit: a class, not an object literal with closures, since page code may make thousands a
 *  second (each closure would be one more allocation per hit). */
class Hit implements CachedResource {
  readonly #record: ResourceRecord;
  #headers: Headers | null = null;

  constructor(record: ResourceRecord) {
    this.#record = record;
  }

  get url(): string {
    return keyUrl(this.#record.key);
  }

  get status(): number {
    return this.#record.status;
  }

  get statusText(): string {
    return this.#record.statusText;
  }

  /** Built on first use: most page code wants only the body. */
  get headers(): Headers {
    this.#headers ??= new Headers(this.#record.headers);
    return this.#headers;
  }

  get body(): Uint8Array {
    return this.#record.body;
  }

  get requestTime(): number {
    return this.#record.requestTime;
  }

  get responseTime(): number {
    return this.#record.responseTime;
  }

  response(): Response {
    // The body is the caller's too (this.body), so the Response copies it when read.
    return hitResponse(this.#record, false);
  }
}
