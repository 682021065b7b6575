// Number formatting for the panel: fixed locale (en-US) so numbers read the same in the page
// and in DevTools, whatever the site's language.

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return int.format(n);
}

/** 1536 → "1.5 KiB" (binary units, as page and frame sizes are powers of two). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? int.format(v) : dec.format(v)} ${units[i]}`;
}

/** 0.873 → "87.3%"; null (no gets) → "–". */
export function formatRatio(r: number | null): string {
  return r === null || !Number.isFinite(r) ? '–' : `${dec.format(r * 100)}%`;
}

/** A rate per second, "–" when unknown. */
export function formatRate(r: number | null): string {
  return r === null ? '–' : `${dec.format(r)}/s`;
}

/** Milliseconds since the epoch → "14:03:07" (local time). */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Hit ratio of cumulative counters, null when nothing was asked. */
export function ratio(hits: number, total: number): number | null {
  return total > 0 ? hits / total : null;
}
