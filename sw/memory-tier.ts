// The service worker's own memory tier: the core store over a plain ArrayBuffer held in the
// service worker's globals, with the cleancache (worker/cleancache) over it. A service worker's
// globals are shared by every tab of the origin and live until the browser stops it (about
// 30 s idle), so this tier outlives each document and is what a second document or a second
// tab is served from. It is lost when the browser stops the service worker: an ephemeral
// pool may lose anything at any time (tmem rule), and the fetch then goes to the disk tier or
// the network. Every call is synchronous: a lookup is one hash and a page copy, no port hop.
import { attach, createStore, type TmemStore } from '../worker/core/index.js';
import { Cleancache } from '../worker/cleancache/cleancache.js';
import type { OriginTierStats } from '../worker/stats.js';
import type { ResourceRecord, WriteResult } from './http/index.js';
import { DEFAULT_MEMORY_BYTES } from './config.js';

/** Header pairs of a Headers object (forEach: the WebWorker lib types Headers without an
 *  iterator). */
export function headerPairs(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

/** The tier's counters, as the service worker reports them to pages. */
export type MemoryTierStats = OriginTierStats;

/** The origin's memory tier, in the service worker. */
export class MemoryTier {
  readonly #store: TmemStore;
  readonly #cleancache: Cleancache;

  /**
   * @param budgetBytes the tier's budget (page frames); the store's metadata comes on top
   * @throws TmemError 'bad-options' for a budget the core refuses
   */
  constructor(budgetBytes: number = DEFAULT_MEMORY_BYTES) {
    // shared: false: one thread only (the service worker), and no cross-origin isolation needed.
    this.#store = attach(createStore({ capacityBytes: budgetBytes, shared: false }));
    this.#cleancache = new Cleancache(this.#store);
  }

  /** The largest body the tier may hold (a larger one would evict everything for itself). */
  get maxBodyBytes(): number {
    return this.#cleancache.maxPages * this.#store.pageSize;
  }

  /**
   * Looks a request up, synchronously, with the cleancache's whole-or-nothing checks.
   * @param request the request (URL and, for Vary, headers)
   * @returns the whole resource (its body a buffer of its own), or null
   */
  lookup(request: Request): ResourceRecord | null {
    return this.#cleancache.lookup(request.url, request.headers);
  }

  /**
   * Stores a record all or nothing; its body is copied into pages (the caller keeps it).
   * @param record the record
   * @param vary the names its response Varies on
   */
  put(record: ResourceRecord, vary: readonly string[]): WriteResult {
    return this.#cleancache.put(record, vary);
  }

  /** Forgets a URL (after an unsafe request to it). */
  flush(request: Request): void {
    this.#cleancache.flush(request.url, request.headers);
  }

  /** Counters, budget and use. */
  stats(): MemoryTierStats {
    const s = this.#store.stats();
    const pool = s.pools.find((p) => p.id === this.#cleancache.poolId);
    const pageSize = this.#store.pageSize;
    return {
      ...this.#cleancache.stats(),
      budgetBytes: this.#store.budgetFrames * pageSize,
      usedBytes: s.usedFrames * pageSize,
      pages: pool?.pages ?? 0,
    };
  }
}
