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

/** A snapshot older than this is no longer live: webtmem publishes at least 4 a second, so
 *  none for this long means its store worker is gone or closed, or publishing is paused. */
export const STALE_STATS_MS = 2000;

/**
 * Why a snapshot cannot be shown as live, or null when it can: publishing has stopped (`show`:
 * it is still shown, as the last one), or it is not a snapshot this panel can read (another
 * webtmem version: not shown).
 * @param snap the snapshot read
 * @param now Date.now() of the reader (the same clock as the snapshot's)
 */
export function snapshotProblem(snap: StatsSnapshot, now: number): { reason: string; show: boolean } | null {
  const ok = typeof snap === 'object' && snap !== null && typeof snap.time === 'number' && typeof snap.seq === 'number' &&
    typeof snap.store === 'object' && snap.store !== null && Array.isArray(snap.store.pools) &&
    Array.isArray(snap.frontswap) && Array.isArray(snap.events) && typeof snap.pressure === 'object' && snap.pressure !== null;
  if (!ok) return { reason: 'The page publishes stats of another webtmem version, which this panel cannot read.', show: false };
  if (now - snap.time > STALE_STATS_MS) return { reason: 'The stats stopped: webtmem\'s store worker is gone or closed, or its publishing is paused.', show: true };
  return null;
}

/** What a page exposes as `window.webtmem` (the part the panel reads). */
export interface WebtmemGlobal {
  /** The latest snapshot, refreshed by the client at least 4 times a second. */
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
      const problem = snapshotProblem(s, Date.now());
      source.missingReason = problem?.reason ?? null;
      return problem && !problem.show ? null : s;
    },
  };
  return source;
}
