// Export of the panel's history. JSON carries everything (samples, events, the newest full
// snapshot); CSV carries the samples only, one row each, for spreadsheets.
import type { StatsHistory } from './stats-history.js';
import { SAMPLE_COLUMNS } from './stats-sample.js';

/** Schema tag of the JSON export, bumped when its shape changes. */
export const EXPORT_FORMAT = 'webtmem-stats-history/1';

/**
 * The history as a JSON document.
 * @param history The panel's history.
 */
export function historyToJSON(history: StatsHistory): string {
  return JSON.stringify(
    {
      format: EXPORT_FORMAT,
      exportedAt: new Date().toISOString(),
      columns: SAMPLE_COLUMNS,
      samples: history.samples(),
      events: history.events(),
      latest: history.latest,
    },
    null,
    1,
  );
}

/**
 * The history's samples as CSV (RFC 4180, a header row, empty cells for unknown rates).
 * @param history The panel's history.
 */
export function historyToCSV(history: StatsHistory): string {
  const lines = [SAMPLE_COLUMNS.join(',')];
  for (const s of history.samples()) {
    lines.push(SAMPLE_COLUMNS.map((c) => (s[c] === null ? '' : String(s[c]))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * Saves text as a file through a temporary object URL and a download link.
 * @param text File content.
 * @param filename Suggested file name.
 * @param type MIME type.
 */
export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.click();
  // Revoking at once can cancel the download in Chromium; a later tick is safe.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
