// Large scripts of the memory tier copied into Cache Storage, so that Chromium keeps V8's
// compiled code for them.
//
// Chromium keeps a script's compiled code (V8's code cache) beside the copy it loaded the
// script from: the HTTP cache, or the Cache Storage entry a service worker answered with. A
// Response the service worker builds itself (memory-tier.ts's stream or Blob) has no such
// place, so the page compiles the script from source at every load. Measured in Chromium 156
// on the bundle site fixture's 263 KB script (repeat views on localhost, medians of 9): with
// no worker it consumed a 358 KB code cache and the load took 61 ms; answered from memory it
// was compiled again each time (35–115 ms of background compile per load in the traces) and
// the load took 92 ms. A Workbox worker answering from Cache Storage got the code cache from
// the second load it served on (fifth views, 3 samples: 75 ms against 64 ms with no worker).
//
// Chromium writes code cache only beside a Cache Storage entry that came from the network: an
// entry made from a Response the worker constructed never got one (tried: 0 bytes consumed
// over three loads it served). So a large same-origin script kept in memory is copied from
// the browser's HTTP cache (fetch with cache 'only-if-cached', which the keeper reads large
// bodies back from too) into a Cache Storage entry of its own URL (Chromium writes the code
// cache to the entry of the script's URL), and the copy's bytes are checked against the bytes
// the memory tier stored (SHA-256, and the length): a copy of another version is deleted,
// never used. The fetch handler answers with the entry only while the memory tier holds that
// very put (same key, generation and length): the memory tier stays the authority, an entry
// only carries its bytes. An entry left by an earlier life of the service worker is checked
// the same way and reused, its code cache with it. The copies take at most the budget given
// (bytes on disk), least recently used first; entries of earlier lives count too and go first.
//
// Any Cache Storage failure (no `caches`, quota, a broken backing store) is counted and the
// answer falls back to the memory tier's own Response: a copy can only be absent, never wrong.
// A copy is served with the headers of its network response, which the memory tier's record
// was made from (the copy must have the same ETag and Last-Modified to be used), so without the
// current Age that the memory tier's own answers carry (RFC 9111 §4 asks for it): the entry's
// headers cannot be changed (Cache.match gives them immutable), and a Response built over the
// entry's body to set Age is one the worker constructed, which Chromium keeps no code cache
// for. Probed in Chromium 156 on a 320 KB script put into Cache Storage from the network, over
// five views each in a relaunched browser: the entry itself consumed its 320 KB code cache
// from the second view on; `new Response(entry.body, { headers })` with Age set consumed none
// in any view (the entry's headers copied unchanged: none either).
import type { ScriptCopyStats } from '../worker/stats.js';
import { PairFields, type ResourceRecord } from './http/index.js';
import { MIN_BLOB_BYTES } from './answer-blobs.js';

/** Scripts from this size are copied: smaller ones compile in a few milliseconds. */
export const MIN_COPY_BYTES = MIN_BLOB_BYTES;

const SCRIPT_TYPE = /^\s*(?:text|application)\/(?:x-)?(?:java|ecma)script\s*(?:;|$)/i;
/** Headers a copy must share with the record it carries: the same version of the resource. */
const VALIDATORS = ['etag', 'last-modified'] as const;

interface Copy {
  /** The memory tier's put this copy carries (absent: an entry of an earlier life, or one
   *  whose put the memory tier lost, not matched to a put of this one). */
  generation?: number;
  /** Body length, and SHA-256 of the body ('' until read: an entry of an earlier life). */
  length: number;
  digest: string;
  /** The validators of the entry, to tell it from one something else put there. */
  etag: string | null;
  lastModified: string | null;
  /** The entry is in Cache Storage and checked (a put still under way is not). */
  ready: boolean;
}

/** Whether a record is a script this class copies: a whole 200 of one same-origin URL (not a
 *  variant), from MIN_COPY_BYTES, with a validator to tell its versions apart. */
export function isCopiedScript(record: ResourceRecord, origin: string): boolean {
  if (record.status !== 200 || record.body.length < MIN_COPY_BYTES || record.key.includes('\n')) return false;
  if (!record.key.startsWith(`${origin}/`)) return false;
  const headers = new PairFields(record.headers);
  if (VALIDATORS.every((v) => !headers.has(v))) return false;
  return SCRIPT_TYPE.test(headers.get('content-type') ?? '');
}

async function sha256(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Cache Storage copies of large scripts, answered with while the memory tier holds them. */
export class ScriptCopies {
  readonly #name: string;
  readonly #origin: string;
  readonly #budget: number;
  readonly #storage: CacheStorage | null;
  readonly #fetch: typeof fetch;
  // Map order is recency order: an entry kept or used is moved to the end.
  readonly #copies = new Map<string, Copy>();
  #bytes = 0;
  /** The generation of each URL's latest keep() (an earlier one still queued gives way). */
  readonly #wanted = new Map<string, number>();
  /** Every change to Cache Storage, in order (one at a time: a put and a delete of one URL
   *  must land in the order they were made). */
  #queue: Promise<void> = Promise.resolve();
  /** The entries of earlier lives, listed once before the first change. */
  #listed = false;
  readonly #stats = { kept: 0, reused: 0, served: 0, refused: {} as Record<string, number>, errors: 0, lastError: null as string | null };

  /**
   * @param name the Cache Storage cache the copies go in (one per service worker scope)
   * @param origin the service worker's origin (only its scripts are copied)
   * @param budgetBytes the most bytes the copies may hold (0: none are made)
   * @param storage Cache Storage (null where there is none: nothing is copied)
   * @param fetcher fetch (tests give their own)
   */
  constructor(name: string, origin: string, budgetBytes: number, storage: CacheStorage | null = globalThis.caches ?? null, fetcher: typeof fetch = (...a) => fetch(...a)) {
    this.#name = name;
    this.#origin = origin;
    this.#budget = Math.max(0, Math.floor(budgetBytes));
    this.#storage = storage;
    this.#fetch = fetcher;
  }

  /**
   * Copies a record the memory tier has just stored, if it is a large script (else forgets
   * any copy of its URL: the stored version is another one).
   * @param record the record as stored (with the generation the store gave it); its body is
   *   read before this returns, so the caller may reuse the buffer
   * @returns when the copy is in Cache Storage, reused, or given up (it never rejects); null
   *   when there is nothing to do (no copy of the URL, none to make), so most puts schedule no
   *   work
   */
  keep(record: ResourceRecord): Promise<void> | null {
    if (this.#storage === null || this.#budget === 0) return null;
    if (!isCopiedScript(record, this.#origin) || record.body.length > this.#budget) {
      this.#wanted.delete(record.key);
      return this.#copies.has(record.key) ? this.#drop(record.key) : null;
    }
    const url = record.key;
    const generation = record.generation;
    const length = record.body.length;
    const stored = new PairFields(record.headers);
    const validators = { etag: stored.get('etag'), lastModified: stored.get('last-modified') };
    this.#wanted.set(url, generation);
    // WebCrypto reads the bytes when called: the caller may reuse the buffer from here on.
    const digesting = sha256(record.body);
    return this.#enqueue(async (cache) => {
      const digest = await digesting;
      // A later keep() of the URL is queued: this put is stale.
      if (this.#wanted.get(url) !== generation) return;
      this.#wanted.delete(url);
      const current = this.#copies.get(url);
      if (current?.ready && current.length === length && current.etag === validators.etag && current.lastModified === validators.lastModified) {
        if (current.digest === '') current.digest = await this.#digestOf(cache, url);
        if (current.digest === digest) {
          current.generation = generation;
          this.#touch(url);
          this.#stats.reused++;
          return;
        }
      }
      this.#remove(url);
      // The HTTP cache's copy: a response from the network, which Chromium keeps code cache for.
      let fetched: Response;
      try {
        fetched = await this.#fetch(url, { cache: 'only-if-cached', mode: 'same-origin', credentials: 'same-origin' });
      } catch {
        return this.#refuse('uncached');
      }
      if (fetched.status !== 200 || fetched.type !== 'basic' ||
          fetched.headers.get('etag') !== validators.etag || fetched.headers.get('last-modified') !== validators.lastModified) {
        await fetched.body?.cancel();
        return this.#refuse(fetched.status === 200 ? 'changed' : 'uncached');
      }
      await this.#makeRoom(length, cache);
      const copy: Copy = { length, digest, ...validators, ready: false };
      this.#set(url, copy);
      const reading = fetched.clone().arrayBuffer();
      // Awaited below, unless cache.put throws first: then its own failure must not be reported
      // as an unhandled rejection.
      reading.catch(() => undefined);
      try {
        await cache.put(url, fetched);
        const bytes = await reading;
        if (bytes.byteLength !== length || (await sha256(bytes)) !== digest) {
          // Another version of the same validators (a server that reuses an ETag): not used.
          this.#remove(url);
          await cache.delete(url);
          return this.#refuse('changed');
        }
      } catch (e) {
        if (this.#copies.get(url) === copy) this.#remove(url);
        throw e;
      }
      copy.generation = generation;
      copy.ready = true;
      this.#stats.kept++;
    });
  }

  /** Whether a copy of this very put (key, generation, length) is in Cache Storage. */
  holds(record: ResourceRecord): boolean {
    const copy = this.#copies.get(record.key);
    return copy !== undefined && copy.ready && copy.generation === record.generation && copy.length === record.body.length;
  }

  /**
   * The Cache Storage entry of a record the memory tier just looked up, or null (no copy of
   * that very put, or Cache Storage failed).
   * @param record a record as the memory tier's lookup returned it
   */
  async answer(record: ResourceRecord): Promise<Response | null> {
    if (!this.holds(record)) return null;
    const copy = this.#copies.get(record.key)!;
    try {
      const cache = await this.#cache();
      const entry = await cache.match(record.key);
      // The entry changes only through this class's queue: a missing or other entry means
      // something else changed the cache (site code, the user clearing storage).
      if (!entry || entry.headers.get('etag') !== copy.etag || entry.headers.get('last-modified') !== copy.lastModified) {
        await entry?.body?.cancel();
        if (this.#copies.get(record.key) === copy) this.#remove(record.key);
        return null;
      }
      this.#touch(record.key);
      this.#stats.served++;
      return entry;
    } catch (e) {
      this.#failed(e);
      return null;
    }
  }

  /**
   * Stops using the copy of a URL; `deleteEntry` deletes its Cache Storage entry too (an
   * unsafe request changed the resource). A copy only put out of use stays on disk for a
   * later put of the same bytes, within the budget.
   * @returns when Cache Storage has been changed (it never rejects)
   */
  forgetUrl(url: string, deleteEntry = false): Promise<void> {
    this.#wanted.delete(url);
    const copy = this.#copies.get(url);
    if (!copy) return this.#queue;
    if (!deleteEntry) {
      copy.generation = undefined;
      return this.#queue;
    }
    return this.#drop(url);
  }

  /** Counters, entries and bytes. */
  stats(): ScriptCopyStats {
    return { ...this.#stats, refused: { ...this.#stats.refused }, entries: this.#copies.size, bytes: this.#bytes, budgetBytes: this.#budget };
  }

  #cache(): Promise<Cache> {
    if (this.#storage === null) return Promise.reject(new Error('no Cache Storage'));
    return this.#storage.open(this.#name);
  }

  /** Runs `work` after every change made before it; a failure is counted, never thrown. */
  #enqueue(work: (cache: Cache) => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      try {
        const cache = await this.#cache();
        if (!this.#listed) await this.#list(cache);
        await work(cache);
      } catch (e) {
        this.#failed(e);
      }
    });
    return this.#queue;
  }

  /** Takes in the entries an earlier life of the service worker left, as the least recent
   *  (their digests are read when a put may reuse them). */
  async #list(cache: Cache): Promise<void> {
    this.#listed = true;
    for (const request of await cache.keys()) {
      const entry = await cache.match(request);
      if (!entry) continue;
      const length = (await entry.blob()).size;
      this.#set(request.url, {
        length, digest: '', etag: entry.headers.get('etag'), lastModified: entry.headers.get('last-modified'), ready: true,
      });
    }
  }

  async #digestOf(cache: Cache, url: string): Promise<string> {
    const entry = await cache.match(url);
    return entry ? sha256(await entry.arrayBuffer()) : '';
  }

  /** Marks a copy as the most recently used. */
  #touch(url: string): void {
    const copy = this.#copies.get(url);
    if (!copy) return;
    this.#copies.delete(url);
    this.#copies.set(url, copy);
  }

  #set(url: string, copy: Copy): void {
    this.#copies.set(url, copy);
    this.#bytes += copy.length;
  }

  /** Forgets a copy here (its entry is deleted by the caller, or left to be overwritten). */
  #remove(url: string): void {
    const copy = this.#copies.get(url);
    if (!copy) return;
    this.#copies.delete(url);
    this.#bytes -= copy.length;
  }

  /** Evicts the least recently used copies until `size` more bytes fit. */
  async #makeRoom(size: number, cache: Cache): Promise<void> {
    while (this.#bytes + size > this.#budget && this.#copies.size > 0) {
      const url = this.#copies.keys().next().value as string;
      this.#remove(url);
      await cache.delete(url);
    }
  }

  /** Forgets a copy and deletes its entry (in the queue's order). */
  #drop(url: string): Promise<void> {
    this.#remove(url);
    return this.#enqueue(async (cache) => {
      // A put queued since may have made a new copy of the URL: it stays.
      if (!this.#copies.has(url)) await cache.delete(url);
    });
  }

  #refuse(reason: string): void {
    this.#stats.refused[reason] = (this.#stats.refused[reason] ?? 0) + 1;
  }

  #failed(e: unknown): void {
    this.#stats.errors++;
    this.#stats.lastError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}
