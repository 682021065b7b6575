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
      if (!w) {
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
      source.missingReason = s ? null : 'webtmem has not published stats yet.';
      return s;
    },
  };
  return source;
}
