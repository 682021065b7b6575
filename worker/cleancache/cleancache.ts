// The cleancache tier: fetched resources in a shared ephemeral pool of a store, read and
// written whole (worker/cleancache/record/resource-store.ts), with the counters the panel
// shows. The service worker keeps one over its own store (sw/memory-tier.ts: the origin's
// tier, shared by the tabs). In each tab, one instance takes the copies the service worker
// sends (the store worker, or the page in 'local' mode) and one on the page answers page
// code's synchronous lookups; both open the same pool by its uuid, so they see the same
// resources.
import type { PoolFlags, TmemStats } from '../core/types.js';
import { TmemError } from '../core/errors.js';
import type { CleancacheStats } from '../stats.js';
import {
  fnv1a64, newGeneration, writeResource, flushResource, type BodyAllocator, type ResourceRecord, type WriteResult,
} from './record/index.js';
import { ResourceReader, type ReaderIO } from './reader.js';

/** What the cleancache needs of a store: page I/O, a pool, the budget, and the store's
 *  stats as either the core (`stats()`) or a page client (`storeStats()`) offers them. */
export interface CleancacheStore extends ReaderIO {
  readonly budgetFrames: number;
  newPool(flags: PoolFlags): number;
  storeStats?(): TmemStats;
  stats(): TmemStats | Promise<unknown>;
}

/** The cleancache pool's uuid: the same on every thread, so every instance opens one pool. */
export const CLEANCACHE_UUID = hex64(fnv1a64('webtmem-cleancache')) + hex64(fnv1a64('webtmem-cleancache/1'));

/** Share of the budget one resource may take: a larger one passes through uncached, so one
 *  big download never empties the cache of everything else. */
export const DEFAULT_MAX_SHARE = 0.5;

// Bounds on the bookkeeping kept beside the pool (the pool itself is bounded by the budget).
const TRACKED_URLS = 4096;
const TOP_COUNT = 10;

interface Tracked {
  hits: number;
  bytes: number;
}

/** A cleancache over one store. */
export class Cleancache {
  readonly poolId: number;
  readonly #store: CleancacheStore;
  readonly #maxShare: number;
  readonly #reader: ResourceReader;
  // URLs put and not seen missing since (insertion order = age, for trimming).
  readonly #tracked = new Map<string, Tracked>();
  readonly #counts = { lookups: 0, hits: 0, misses: 0, puts: 0, bytesServed: 0 };

  /**
   * @param store the attached store (core, AttachedStore or TmemClient)
   * @param options maxShare: largest share of the budget one resource may take (0 < x <= 1);
   *   bodies: where hits' bodies go (default: a buffer each, which a reply may transfer)
   * @throws TmemError 'bad-options' for a maxShare outside (0, 1]
   */
  constructor(store: CleancacheStore, options: { maxShare?: number; bodies?: BodyAllocator } = {}) {
    const maxShare = options.maxShare ?? DEFAULT_MAX_SHARE;
    if (typeof maxShare !== 'number' || !(maxShare > 0 && maxShare <= 1)) {
      throw new TmemError('bad-options', `cleancache: maxShare must be a number in (0, 1], got ${String(maxShare)}`);
    }
    this.#store = store;
    this.#maxShare = maxShare;
    // Shared, hence non-exclusive gets: a resource survives its first hit (tmem rule 5).
    this.poolId = store.newPool({ persistent: false, shared: true, uuid: CLEANCACHE_UUID });
    this.#reader = new ResourceReader(store, this.poolId, options.bodies);
  }

  /** The most pages one resource may take now. */
  get maxPages(): number {
    return Math.floor(this.#store.budgetFrames * this.#maxShare);
  }

  /**
   * Looks a request up; counts a lookup and a hit or a miss.
   * @param url the request's absolute URL
   * @param headers the request's headers (for Vary)
   * @param bodies where a hit's body goes this time (default: the instance's `bodies`)
   * @returns the whole resource, or null
   */
  lookup(url: string, headers: Headers, bodies?: BodyAllocator): ResourceRecord | null {
    this.#counts.lookups++;
    const record = this.#reader.read(url, headers, bodies);
    const key = this.#reader.keyOf(url);
    if (record === null) {
      this.#counts.misses++;
      this.#tracked.delete(key);
      return null;
    }
    this.#counts.hits++;
    this.#counts.bytesServed += record.body.length;
    const t = this.#tracked.get(key);
    if (t) t.hits++;
    return record;
  }

  /**
   * Stores a resource all or nothing, with a fresh generation.
   * @param record the record (key = resourceKey(url, vary, request headers))
   * @param vary the names its response Varies on, [] for none
   * @param stored told the record as stored (with its generation) when it was
   */
  put(record: ResourceRecord, vary: readonly string[], stored?: (record: ResourceRecord) => void): WriteResult {
    const url = record.key.split('\n', 1)[0];
    const put = { ...record, generation: newGeneration() };
    // The next hit on this URL then only copies the body: the pages just written are what a
    // first full decode (checksum over the whole body) would have proved.
    const result = writeResource(this.#store, this.poolId, put, vary, this.maxPages, (pages) => this.#reader.wrote(url, pages, put));
    if (result !== 'stored') return result;
    this.#counts.puts++;
    const key = this.#reader.keyOf(url);
    this.#tracked.delete(key);
    this.#tracked.set(key, { hits: 0, bytes: record.body.length });
    if (this.#tracked.size > TRACKED_URLS) this.#tracked.delete(this.#tracked.keys().next().value as string);
    stored?.(put);
    return result;
  }

  /** Forgets a URL (its plain record, or its vary record and this request's variant);
   *  true when it had a record. */
  flush(url: string, headers: Headers): boolean {
    const had = flushResource(this.#store, this.poolId, url, headers);
    this.#tracked.delete(this.#reader.keyOf(url));
    return had;
  }

  /** The tier's counters. `resources` counts URLs stored and not yet seen missing (evictions
   *  are noticed at the next lookup), `evictions` the pool's pages lost to eviction. */
  stats(): CleancacheStats {
    const stats = this.#store.storeStats ? this.#store.storeStats() : (this.#store.stats() as TmemStats);
    const pool = stats.pools.find((p) => p.id === this.poolId);
    const top = [...this.#tracked]
      .filter(([, t]) => t.hits > 0)
      .sort((a, b) => b[1].hits - a[1].hits)
      .slice(0, TOP_COUNT)
      .map(([url, t]) => ({ url, hits: t.hits, bytes: t.bytes }));
    return { ...this.#counts, evictions: pool?.evictions ?? 0, resources: this.#tracked.size, top };
  }
}

/**
 * Adds two instances' counters (the service's and the page's), for one view of the tier.
 * Evictions and resources are the pool's own, so the larger is kept rather than summed.
 */
export function mergeCleancacheStats(a: CleancacheStats | null, b: CleancacheStats | null): CleancacheStats | null {
  if (a === null || b === null) return a ?? b;
  const top = new Map<string, { url: string; hits: number; bytes: number }>();
  for (const t of [...a.top, ...b.top]) {
    const seen = top.get(t.url);
    top.set(t.url, seen ? { url: t.url, hits: seen.hits + t.hits, bytes: t.bytes } : { ...t });
  }
  return {
    lookups: a.lookups + b.lookups,
    hits: a.hits + b.hits,
    misses: a.misses + b.misses,
    puts: a.puts + b.puts,
    bytesServed: a.bytesServed + b.bytesServed,
    evictions: Math.max(a.evictions, b.evictions),
    resources: Math.max(a.resources, b.resources),
    top: [...top.values()].sort((x, y) => y.hits - x.hits).slice(0, TOP_COUNT),
  };
}

function hex64(n: bigint): string {
  return n.toString(16).padStart(16, '0');
}
