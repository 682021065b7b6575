// Where the panel's numbers come from. The panel knows only this interface, so the same UI runs
// in the page (reading `window.webtmem`) and in the DevTools extension (reading the inspected
// page through `chrome.devtools.inspectedWindow.eval`).
import type { StatsSnapshot } from '../../worker/stats.js';

/** A source of published stats snapshots; the panel polls it several times a second. */
export interface StatsSource {
  /** The latest snapshot, or null when there is none (no webtmem on the page, or not yet
   *  published). Must never throw for a page without webtmem. */
  snapshot(): Promise<StatsSnapshot | null>;
  /** Why the last call returned null, in words for the user; null when it did not. */
  readonly missingReason?: string | null;
}

/** The least age at which a snapshot is no longer live (by default webtmem publishes 5 a
 *  second); a store publishing more slowly (statsIntervalMs) gets three of its own gaps. */
export const STALE_STATS_MS = 2000;

/**
 * Why a snapshot cannot be shown as live, or null when it can: publishing has stopped (`show`:
 * it is still shown, as the last one), or it is not a snapshot this panel can read (another
 * webtmem version: not shown).
 * @param snap the snapshot read
 * @param now Date.now() of the reader (the same clock as the snapshot's)
 * @param staleMs the age from which it has stopped (see {@link PublishWatch})
 */
export function snapshotProblem(snap: StatsSnapshot, now: number, staleMs = STALE_STATS_MS): { reason: string; show: boolean } | null {
  const ok = typeof snap === 'object' && snap !== null && typeof snap.time === 'number' && typeof snap.seq === 'number' &&
    typeof snap.store === 'object' && snap.store !== null && Array.isArray(snap.store.pools) &&
    Array.isArray(snap.frontswap) && Array.isArray(snap.events) && typeof snap.pressure === 'object' && snap.pressure !== null;
  if (!ok) return { reason: 'The page publishes stats of another webtmem version, which this panel cannot read.', show: false };
  if (now - snap.time > staleMs) return { reason: 'The stats stopped: webtmem\'s store worker is gone or closed, or its publishing is paused.', show: true };
  return null;
}

/** Learns how often a page publishes from the snapshots read (the time between the last two
 *  new ones), so that a page publishing every few seconds is not taken for one that stopped. */
export class PublishWatch {
  #seq = -1;
  #time = 0;
  #gap = 0;

  /** The age from which `snap` (just read) counts as stopped. */
  staleMs(snap: StatsSnapshot): number {
    if (snap.seq !== this.#seq) {
      if (this.#seq >= 0 && snap.time > this.#time) this.#gap = snap.time - this.#time;
      this.#seq = snap.seq;
      this.#time = snap.time;
    }
    return Math.max(STALE_STATS_MS, 3 * this.#gap);
  }
}

/** What a page exposes as `window.webtmem` (the part the panel reads). */
export interface WebtmemGlobal {
  /** The latest snapshot, refreshed by the client every statsIntervalMs (default 200 ms). */
  lastStats?: StatsSnapshot | null;
  /** Asks the store worker for a fresh snapshot. */
  stats?(): Promise<StatsSnapshot>;
}

/**
 * A source reading a page-side webtmem object. It prefers `lastStats`, a plain property the
 * client keeps fresh anyway, so polling costs the store worker nothing; it calls `stats()`
 * only when no snapshot was published yet.
 * @param target The webtmem object, or a function returning it (looked up on each poll, so a
 *   panel created before the drop-in finished loading still finds it).
 */
export function pageStatsSource(
  target: WebtmemGlobal | (() => WebtmemGlobal | null | undefined) = () =>
    (globalThis as { webtmem?: WebtmemGlobal }).webtmem,
): StatsSource {
  const watch = new PublishWatch();
  const source = {
    missingReason: null as string | null,
    async snapshot(): Promise<StatsSnapshot | null> {
      const w = typeof target === 'function' ? target() : target;
      // An element with id="webtmem" is window.webtmem too when webtmem is not there.
      if (!w || (typeof w.stats !== 'function' && !('lastStats' in w))) {
        source.missingReason = 'This page has no webtmem (window.webtmem is not defined).';
        return null;
      }
      let s = w.lastStats ?? null;
      if (!s && typeof w.stats === 'function') {
        try {
          s = await w.stats();
        } catch (e) {
          source.missingReason = `webtmem did not answer: ${(e as Error)?.message ?? String(e)}`;
          return null;
        }
      }
      if (!s) {
        source.missingReason = 'webtmem has not published stats yet.';
        return null;
      }
      const problem = snapshotProblem(s, Date.now(), watch.staleMs(s));
      source.missingReason = problem?.reason ?? null;
      return problem && !problem.show ? null : s;
    },
  };
  return source;
}
