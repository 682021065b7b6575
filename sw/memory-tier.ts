// The service worker's own memory tier: the core store over a plain ArrayBuffer held in the
// service worker's globals, with the cleancache (worker/cleancache) over it. A service worker's
// globals are shared by every tab of the origin and live until the browser stops it (about
// 30 s idle), so this tier outlives each document and is what a second document or a second
// tab is served from. It is lost when the browser stops the service worker: an ephemeral
// pool may lose anything at any time (tmem rule), and the fetch then goes to the disk tier or
// the network. Every call is synchronous: a lookup is one hash and a page copy, no port hop.
// Large bodies are held a second time as Blobs to answer with (answer-blobs.ts); their bytes
// come out of the same budget. Large scripts are also copied into Cache Storage and answered
// from there, where Chromium keeps their compiled code (script-copies.ts); those bytes are on
// disk, within a budget of the same size.
//
// The store is made at the first put, not when the service worker starts: a worker that has
// just started has nothing in memory, so its first lookups miss either way, and its start is
// on the path of every request its pages make meanwhile (making the store allocates the whole
// budget, which may also set off a garbage collection).
import { attach, createStore, type TmemStore } from '../worker/core/index.js';
import { checkStoreOptions } from '../worker/core/validate.js';
import { Cleancache, DEFAULT_MAX_SHARE } from '../worker/cleancache/cleancache.js';
import type { OriginTierStats } from '../worker/stats.js';
import { headerPairs, urlKey, type HeaderPairs, type ResourceRecord, type WriteResult } from './http/index.js';
import { AnswerBlobs, MIN_BLOB_BYTES } from './answer-blobs.js';
import { DEFAULT_MEMORY_BYTES } from './config.js';
import { ScriptCopies } from './script-copies.js';
import { servedResponse } from './served-response.js';

/** The share of the budget that Blobs of large bodies may take. */
const BLOB_SHARE = 0.25;

/** The tier's counters, as the service worker reports them to pages. */
export type MemoryTierStats = OriginTierStats;

/** The origin's memory tier, in the service worker. */
export class MemoryTier {
  #store: TmemStore | null = null;
  #cleancache: Cleancache | null = null;
  readonly #capacityBytes: number;
  readonly #pageSize: number;
  readonly #budgetBytes: number;
  /** Lookups made before the store was (all misses). */
  #earlyLookups = 0;
  /** Puts lost because the store could not be allocated (the keeper counts them too). */
  #noMemory = 0;
  readonly #blobs: AnswerBlobs;
  readonly #copies: ScriptCopies | null;
  /** Records this tier's lookups returned, whose Blob or copy (if any) may answer for them. */
  readonly #looked = new WeakSet<ResourceRecord>();

  /**
   * @param budgetBytes the tier's budget (page frames); the store's metadata comes on top
   * @param copies where large scripts are copied to be answered from (null: none are)
   * @throws TmemError 'bad-options' for a budget the core refuses
   */
  constructor(budgetBytes: number = DEFAULT_MEMORY_BYTES, copies: ScriptCopies | null = null) {
    // The options the store will be made with, checked now: a bad budget fails at start.
    // shared: false: one thread only (the service worker), and no cross-origin isolation needed.
    const { pageSize, totalFrames } = checkStoreOptions({ capacityBytes: budgetBytes, shared: false });
    this.#capacityBytes = budgetBytes;
    this.#pageSize = pageSize;
    this.#budgetBytes = totalFrames * pageSize; // a new store's budget is all its frames
    this.#blobs = new AnswerBlobs(this.#budgetBytes * BLOB_SHARE);
    this.#copies = copies;
  }

  /** The store and its cleancache, made at the first call. */
  #made(): { store: TmemStore; cleancache: Cleancache } {
    if (this.#store === null || this.#cleancache === null) {
      this.#store = attach(createStore({ capacityBytes: this.#capacityBytes, shared: false }));
      this.#cleancache = new Cleancache(this.#store);
    }
    return { store: this.#store, cleancache: this.#cleancache };
  }

  /** The largest body the tier may hold (a larger one would evict everything for itself). */
  get maxBodyBytes(): number {
    const frames = this.#store ? this.#store.budgetFrames : this.#budgetBytes / this.#pageSize;
    return Math.floor(frames * DEFAULT_MAX_SHARE) * this.#pageSize;
  }

  /**
   * Looks a request up, synchronously, with the cleancache's whole-or-nothing checks.
   * @param request the request (URL and, for Vary, headers)
   * @returns the whole resource (its body a buffer of its own), or null
   */
  lookup(request: Request): ResourceRecord | null {
    if (this.#cleancache === null) {
      this.#earlyLookups++;
      return null;
    }
    const record = this.#cleancache.lookup(request.url, request.headers);
    // Only a body that may have a Blob is remembered (a WeakSet entry costs the collector).
    if (record) { if (record.body.length >= MIN_BLOB_BYTES) this.#looked.add(record); }
    // A miss: the URL's pages were evicted, or this variant was never kept. Its Blobs (every
    // variant's: a miss does not tell which key) go, and their bytes back to the pages; its
    // copy is no longer used (it stays on disk for a later put of the same bytes).
    else {
      const url = urlKey(request.url);
      if (this.#blobs.bytes > 0 && this.#blobs.forgetUrl(url)) this.#fitBudget();
      void this.#copies?.forgetUrl(url);
    }
    return record;
  }

  /**
   * The answer for a record this tier's lookup returned: the Cache Storage copy of a large
   * script made for that very put (a promise then), else a Response over the Blob kept for
   * that put, else over a stream of its bytes. These two carry the record's current Age; the
   * copy carries the headers its entry was put with (script-copies.ts says why).
   * @param record a record (from this tier, or any other: those get a stream)
   * @param headers headers to serve instead of the stored ones (after a 304 merge: never a
   *   copy, which has the stored ones)
   */
  response(record: ResourceRecord, headers?: HeaderPairs): Response | Promise<Response> {
    const looked = this.#looked.has(record);
    if (looked && headers === undefined && this.#copies?.holds(record)) return this.#copy(record);
    return servedResponse(record, headers, looked ? this.#blobs.take(record) : null);
  }

  async #copy(record: ResourceRecord): Promise<Response> {
    return (await this.#copies?.answer(record)) ?? servedResponse(record, undefined, this.#blobs.take(record));
  }

  /**
   * Stores a record all or nothing; its body is copied into pages (the caller keeps it).
   * @param record the record
   * @param vary the names its response Varies on
   * @param waitUntil given the copy of a large script into Cache Storage, which ends after
   *   this returns (it never rejects)
   */
  put(record: ResourceRecord, vary: readonly string[], waitUntil?: (copying: Promise<void>) => void): WriteResult | 'no-memory' {
    let made: { store: TmemStore; cleancache: Cleancache };
    try {
      made = this.#made();
    } catch (e) {
      // The budget could not be allocated (a phone short of memory, a 32-bit browser): a put
      // is allowed to be lost, and the request that made it (a disk hit answered, a 304)
      // must still be answered. The next put tries again.
      this.#noMemory++;
      if (this.#noMemory === 1) console.warn(`webtmem: the service worker's memory tier could not allocate its ${this.#capacityBytes} bytes (${(e as Error)?.message}); responses are not kept in memory until it can`);
      return 'no-memory';
    }
    let changed = false;
    const copying: Promise<void>[] = [];
    const result = made.cleancache.put(record, vary, (stored) => {
      changed = this.#blobs.keep(stored);
      const copy = this.#copies?.keep(stored);
      if (copy) copying.push(copy);
    });
    if (changed) this.#fitBudget();
    if (waitUntil) for (const c of copying) waitUntil(c);
    return result;
  }

  /** Forgets a URL (after an unsafe request to it, or a response that replaces its copy);
   *  true when this tier had a copy of it. */
  flush(request: Request): boolean {
    if (this.#cleancache === null) return false; // nothing stored yet
    const had = this.#cleancache.flush(request.url, request.headers);
    const url = urlKey(request.url);
    if (this.#blobs.forgetUrl(url)) this.#fitBudget();
    void this.#copies?.forgetUrl(url, true);
    return had;
  }

  /** The pages' budget: what the Blobs leave of the tier's (lowering it evicts pages). */
  #fitBudget(): void {
    this.#made().store.setBudget(Math.floor((this.#budgetBytes - this.#blobs.bytes) / this.#pageSize));
  }

  /** Counters, budget and use. */
  stats(): MemoryTierStats {
    const early = this.#earlyLookups;
    const blobs = this.#blobs.stats();
    const copies = this.#copies?.stats() ?? null;
    if (this.#store === null || this.#cleancache === null) {
      return {
        lookups: early, hits: 0, misses: early, puts: 0, bytesServed: 0, evictions: 0, resources: 0, top: [],
        budgetBytes: this.#budgetBytes, usedBytes: 0, pages: 0, blobs, copies,
      };
    }
    const s = this.#store.stats();
    const c = this.#cleancache.stats();
    const pool = s.pools.find((p) => p.id === this.#cleancache?.poolId);
    return {
      ...c,
      lookups: c.lookups + early,
      misses: c.misses + early,
      budgetBytes: this.#budgetBytes,
      usedBytes: s.usedFrames * this.#pageSize + this.#blobs.bytes,
      pages: pool?.pages ?? 0,
      blobs,
      copies,
    };
  }
}
