// The DevTools side: the panel runs in the extension's panel page and reads the inspected
// page with inspectedWindow.eval. eval cannot await a promise, hence the page contract: the
// client keeps `window.webtmem.lastStats` (a plain JSON-able snapshot) up to date.
import type { StatsSnapshot } from '../../worker/stats.js';
import { PublishWatch, snapshotProblem, type StatsSource } from './stats-source.js';

/** The part of `chrome.devtools.inspectedWindow` the panel uses. */
export interface InspectedWindowLike {
  eval(
    expression: string,
    callback?: (result: unknown, exceptionInfo?: { isException?: boolean; isError?: boolean; value?: unknown; description?: string }) => void,
  ): void;
}

/** The part of `chrome.devtools` the extension uses. */
export interface DevtoolsLike {
  inspectedWindow: InspectedWindowLike;
}

/** Evaluated in the inspected page. Answers a string so the result crosses as plain JSON:
 *  'none' (no webtmem), 'empty' (webtmem but no snapshot yet) or the snapshot's JSON. */
export const STATS_EXPRESSION =
  "(function(){var w=window.webtmem;if(!w||(typeof w.stats!=='function'&&!('lastStats' in w)))return 'none';" +
  "return w.lastStats?JSON.stringify(w.lastStats):'empty';})()";

/** How long one inspectedWindow.eval may go unanswered before the poll counts it a miss and
 *  moves on (an eval sent while DevTools is still attaching may never be answered). */
export const EVAL_TIMEOUT_MS = 2000;

/**
 * A stats source over `chrome.devtools.inspectedWindow`.
 * @param inspected `chrome.devtools.inspectedWindow` (or a test double).
 */
export function devtoolsStatsSource(inspected: InspectedWindowLike): StatsSource {
  const watch = new PublishWatch();
  const source = {
    missingReason: null as string | null,
    snapshot(): Promise<StatsSnapshot | null> {
      return new Promise((resolveOnce) => {
        // One answer per poll: the eval's callback or the timeout, whichever comes first.
        let settled = false;
        const resolve = (snap: StatsSnapshot | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolveOnce(snap);
        };
        const miss = (reason: string) => {
          if (settled) return;
          source.missingReason = reason;
          resolve(null);
        };
        const timer = setTimeout(() => miss(`The inspected page did not answer within ${EVAL_TIMEOUT_MS / 1000} s.`), EVAL_TIMEOUT_MS);
        try {
          inspected.eval(STATS_EXPRESSION, (result, exception) => {
            if (exception && (exception.isException || exception.isError)) {
              return miss(`Could not read the inspected page: ${exception.description ?? String(exception.value ?? 'error')}`);
            }
            if (result === 'none' || result == null) {
              return miss('The inspected page has no webtmem (window.webtmem is not defined).');
            }
            if (result === 'empty') return miss('webtmem is loading: no stats published yet.');
            try {
              const snap = JSON.parse(String(result)) as StatsSnapshot;
              if (settled) return;
              const problem = snapshotProblem(snap, Date.now(), watch.staleMs(snap));
              if (problem && !problem.show) return miss(problem.reason);
              source.missingReason = problem?.reason ?? null; // stopped: shown as the last stats
              resolve(snap);
            } catch {
              miss('The inspected page published stats that are not valid JSON.');
            }
          });
        } catch (e) {
          // eval throws synchronously when DevTools is detached from the page.
          miss(`Could not read the inspected page: ${(e as Error)?.message ?? String(e)}`);
        }
      });
    },
  };
  return source;
}
