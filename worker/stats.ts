// The stats the store worker publishes (types only): the page client, app workers, the
// service worker's tiers and the panel all read them. They are plain JSON-able objects, so the
// panel and the DevTools extension read them with structured clone or JSON, nothing else.
import type { TmemStats, PoolStats } from './core/types.js';

export type { TmemStats, PoolStats };

/** One frontswap area's counters (named after Linux frontswap's debugfs counters). */
export interface FrontswapStats {
  name: string;
  durable: boolean;
  poolId: number;
  stores: number;
  /** Stores that memory accepted. */
  succStores: number;
  /** Stores that went to the write-behind buffer, then disk. */
  spilledStores: number;
  failedStores: number;
  loads: number;
  diskLoads: number;
  writtenBackPages: number;
  invalidates: number;
  /** Pages now in memory / in the write-behind buffer / on disk. */
  memoryPages: number;
  inFlightPages: number;
  diskPages: number;
  /** Bytes of live pages on disk, and bytes of records including dead slots. */
  diskBytes: number;
  diskRecordBytes: number;
  compactions: number;
  /** Failed disk transactions and opens, writes and loads (what the page saw, or the disk
   *  service counted, whichever is more). */
  diskErrors: number;
  /** What failed last; it stays after a recovery (the 'recovered' event says when). */
  lastError: string | null;
}

/** Cleancache counters (fetched resources), plus the top resources by hits. */
export interface CleancacheStats {
  lookups: number;
  hits: number;
  misses: number;
  puts: number;
  bytesServed: number;
  evictions: number;
  resources: number;
  top: { url: string; hits: number; bytes: number }[];
  /** The origin's memory tier in the service worker, shared by the tabs: the drop-in adds it
   *  to its snapshots (null when no service worker answered); absent elsewhere. */
  serviceWorker?: OriginTierStats | null;
}

/** The origin's memory tier, kept by the service worker and shared by its tabs, as it reports
 *  it to pages (`{ webtmem: 'sw-stats' }` → `stats.memory`). */
export interface OriginTierStats extends Omit<CleancacheStats, 'serviceWorker'> {
  /** The tier's budget (page frames × page size), in bytes: the drop-in's data-memory. */
  budgetBytes: number;
  /** Bytes in use now: page frames holding resources, and the Blobs of large bodies. */
  usedBytes: number;
  /** Pages stored. */
  pages: number;
  /** Large bodies held a second time as Blobs to answer fetches with (within the budget). */
  blobs: AnswerBlobStats;
  /** Large scripts copied into Cache Storage, where Chromium keeps their compiled code (null:
   *  this worker makes no copies). */
  copies: ScriptCopyStats | null;
}

/** The service worker's Blobs of large bodies (`stats.memory.blobs`). */
export interface AnswerBlobStats {
  /** Bodies held as Blobs now, and their bytes. */
  entries: number;
  bytes: number;
  /** The most bytes the Blobs may take of the tier's budget. */
  budgetBytes: number;
  /** Answers made from a Blob (the others were streams of the pages' bytes). */
  served: number;
}

/** The service worker's Cache Storage copies of large scripts (`stats.memory.copies`): a
 *  script answered from one loads with the compiled code Chromium kept beside it. */
export interface ScriptCopyStats {
  /** Copies known now (in use, or on disk for a later put of the same bytes), and their bytes
   *  (on disk: not part of the memory tier's use). */
  entries: number;
  bytes: number;
  /** The most bytes the copies may take. */
  budgetBytes: number;
  /** Copies written, copies found to hold the bytes of a new put (kept, with their code
   *  cache), and answers made from a copy. */
  kept: number;
  reused: number;
  served: number;
  /** Scripts not copied, by reason: 'uncached' (the HTTP cache had no copy), 'changed' (it
   *  held another version). */
  refused: Record<string, number>;
  /** Cache Storage failures (each answered from memory instead), and the last one. */
  errors: number;
  lastError: string | null;
}

/** Pressure policy state (visibility, freeze, pagehide). */
export interface PressureStats {
  hidden: boolean;
  frozen: boolean;
  /** Events seen (visibilitychange to hidden, freeze, pagehide). */
  events: number;
  /** Times the ephemeral share was shrunk, and grown back. */
  shrinks: number;
  regrows: number;
  /** Fraction of the ephemeral share given up under pressure (0..1). */
  fraction: number;
}

export type TmemEventKind =
  | 'budget'
  | 'pressure'
  | 'disk-error'
  | 'disk-recovered'
  | 'writeback'
  | 'compaction'
  | 'worker-gone'
  | 'info';

/** Something the hypervisor did or saw; the panel lists the recent ones. */
export interface TmemEvent {
  time: number;
  kind: TmemEventKind;
  message: string;
}

/** What the store worker publishes every statsIntervalMs (default 200 ms). */
export interface StatsSnapshot {
  /** Date.now() when taken. */
  time: number;
  /** Monotonic sequence number of snapshots. */
  seq: number;
  mode: 'shared' | 'local';
  store: TmemStats;
  frontswap: FrontswapStats[];
  cleancache: CleancacheStats | null;
  pressure: PressureStats;
  /** Recent events, oldest first (bounded). */
  events: TmemEvent[];
}
