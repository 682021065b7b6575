// One row of the panel's history: totals read from a snapshot plus rates derived from the
// previous snapshot. Rows are flat numbers so they chart directly and export as CSV unchanged.
import type { PoolStats } from '../../worker/core/types.js';
import type { FrontswapStats, StatsSnapshot } from '../../worker/stats.js';

/** A flat row of totals and rates taken from one snapshot. Rates are null on the first row
 *  and when a counter went backwards (a pool destroyed, a worker restarted). */
export interface StatsSample {
  time: number;
  seq: number;
  pageSize: number;
  budgetFrames: number;
  usedFrames: number;
  ephemeralFrames: number;
  persistentFrames: number;
  freeFrames: number;
  pages: number;
  sameFilledPages: number;
  puts: number;
  succPuts: number;
  gets: number;
  succGets: number;
  flushes: number;
  evictions: number;
  rejectedPuts: number;
  frontswapMemoryPages: number;
  frontswapInFlightPages: number;
  frontswapDiskPages: number;
  frontswapDiskBytes: number;
  spilledStores: number;
  diskLoads: number;
  diskErrors: number;
  cleancacheLookups: number;
  cleancacheHits: number;
  cleancacheBytesServed: number;
  putsPerSec: number | null;
  getsPerSec: number | null;
  flushesPerSec: number | null;
  /** succGets / gets over the interval since the previous row; null when there were no gets. */
  hitRatio: number | null;
  /** Pages spilled to disk and read back from disk, in bytes per second. */
  spillBytesPerSec: number | null;
  diskReadBytesPerSec: number | null;
}

/** Column order of the CSV export (every field of {@link StatsSample}). */
export const SAMPLE_COLUMNS: readonly (keyof StatsSample)[] = [
  'time', 'seq', 'pageSize', 'budgetFrames', 'usedFrames', 'ephemeralFrames', 'persistentFrames',
  'freeFrames', 'pages', 'sameFilledPages', 'puts', 'succPuts', 'gets', 'succGets', 'flushes',
  'evictions', 'rejectedPuts', 'frontswapMemoryPages', 'frontswapInFlightPages',
  'frontswapDiskPages', 'frontswapDiskBytes', 'spilledStores', 'diskLoads', 'diskErrors',
  'cleancacheLookups', 'cleancacheHits', 'cleancacheBytesServed', 'putsPerSec', 'getsPerSec',
  'flushesPerSec', 'hitRatio', 'spillBytesPerSec', 'diskReadBytesPerSec',
];

const sum = <T>(items: readonly T[], pick: (t: T) => number) =>
  items.reduce((n, t) => n + pick(t), 0);

/** How much each live pool's (or area's) counters grew since the previous snapshot: entities
 *  present in both count their growth, new ones all of theirs (their counters started at 0
 *  after the previous snapshot), destroyed ones nothing. Summed totals would fall with a
 *  destroyed pool's counts and show the others' growth wrong. */
function growth<T>(now: readonly T[], before: readonly T[], id: (t: T) => string, pick: (t: T) => number): number {
  const old = new Map(before.map((t) => [id(t), pick(t)]));
  let n = 0;
  for (const t of now) {
    const cur = pick(t);
    const prev = old.get(id(t));
    n += prev === undefined || cur < prev ? cur : cur - prev; // lower: the id was reused
  }
  return n;
}
const poolId = (p: PoolStats) => `${p.id}/${p.uuid ?? ''}/${p.persistent}/${p.shared}`;
const areaId = (f: FrontswapStats) => `${f.name}/${f.poolId}`;

/**
 * Flattens a snapshot into a sample, deriving rates from each pool's and area's growth since
 * the previous snapshot (a pool destroyed in between takes its counts out of no rate).
 * @param snap The snapshot.
 * @param prev The previous snapshot of the same page, if any.
 */
export function toSample(snap: StatsSnapshot, prev: StatsSnapshot | null): StatsSample {
  const { store, frontswap, cleancache } = snap;
  const pools = store.pools;
  const s: StatsSample = {
    time: snap.time,
    seq: snap.seq,
    pageSize: store.pageSize,
    budgetFrames: store.budgetFrames,
    usedFrames: store.usedFrames,
    ephemeralFrames: store.ephemeralFrames,
    persistentFrames: store.persistentFrames,
    freeFrames: store.freeFrames,
    pages: sum(pools, (p) => p.pages),
    sameFilledPages: sum(pools, (p) => p.sameFilledPages),
    puts: sum(pools, (p) => p.puts),
    succPuts: sum(pools, (p) => p.succPuts),
    gets: sum(pools, (p) => p.gets),
    succGets: sum(pools, (p) => p.succGets),
    flushes: sum(pools, (p) => p.flushes + p.flushObjects),
    evictions: sum(pools, (p) => p.evictions),
    rejectedPuts: sum(pools, (p) => p.failedPuts),
    frontswapMemoryPages: sum(frontswap, (f) => f.memoryPages),
    frontswapInFlightPages: sum(frontswap, (f) => f.inFlightPages),
    frontswapDiskPages: sum(frontswap, (f) => f.diskPages),
    frontswapDiskBytes: sum(frontswap, (f) => f.diskBytes),
    spilledStores: sum(frontswap, (f) => f.spilledStores),
    diskLoads: sum(frontswap, (f) => f.diskLoads),
    diskErrors: sum(frontswap, (f) => f.diskErrors),
    cleancacheLookups: cleancache?.lookups ?? 0,
    cleancacheHits: cleancache?.hits ?? 0,
    cleancacheBytesServed: cleancache?.bytesServed ?? 0,
    putsPerSec: null,
    getsPerSec: null,
    flushesPerSec: null,
    hitRatio: null,
    spillBytesPerSec: null,
    diskReadBytesPerSec: null,
  };
  const dt = prev ? (s.time - prev.time) / 1000 : 0;
  if (!prev || dt <= 0) return s;
  const grown = (pick: (p: PoolStats) => number) => growth(snap.store.pools, prev.store.pools, poolId, pick);
  const areas = (pick: (f: FrontswapStats) => number) => growth(snap.frontswap, prev.frontswap, areaId, pick);
  s.putsPerSec = grown((p) => p.puts) / dt;
  const dGets = grown((p) => p.gets);
  s.getsPerSec = dGets / dt;
  s.flushesPerSec = grown((p) => p.flushes + p.flushObjects) / dt;
  s.hitRatio = dGets > 0 ? grown((p) => p.succGets) / dGets : null;
  s.spillBytesPerSec = (areas((f) => f.spilledStores) / dt) * s.pageSize;
  s.diskReadBytesPerSec = (areas((f) => f.diskLoads) / dt) * s.pageSize;
  return s;
}
