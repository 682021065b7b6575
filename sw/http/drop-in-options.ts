// Parsers for the drop-in script's data-* attributes. Each returns a value that is always safe
// to use and, when the attribute was malformed, one error message for the caller to log once
// with console.error. An absent attribute is not an error: it gets the default silently.
//
//   data-capacity="64MB"      bytes; B, KB/MB/GB (decimal: 1000ⁿ), KiB/MiB/GiB (binary: 1024ⁿ),
//                             units case-insensitive, a bare number is bytes, decimals allowed
//                             ("1.5GiB"); from 1 MiB to 4 GiB. Default 64 MiB.
//   data-offline="/,/app.css,/img/*"    comma-separated route patterns (routes.ts syntax)
//   data-routes="/img/*=cache-first; /api/*=network-first"
//                             pattern=strategy entries separated by ';'
// In lists, the good entries are kept and the bad ones named in the one error.

import { isPattern, STRATEGIES, type Route, type Strategy } from './routes.js';

/** A parsed attribute: always a usable value, and an error message when it was malformed. */
export interface Parsed<T> {
  value: T;
  error?: string;
}

export const DEFAULT_CAPACITY = 64 * 1024 * 1024;
export const MIN_CAPACITY = 1024 * 1024;
export const MAX_CAPACITY = 4 * 1024 * 1024 * 1024;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Reads a size such as "64MB", "512 KiB" or "1048576" into bytes (rounded down); null when it
 * is not one. KB/MB/GB are decimal, KiB/MiB/GiB binary.
 */
export function parseSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (m === null) return null;
  const unit = UNITS[m[2].toLowerCase() || 'b'];
  if (unit === undefined) return null;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/**
 * Parses data-capacity: the store's page-frame budget in bytes.
 * @param attr the attribute's value, or null when absent
 */
export function parseCapacity(attr: string | null): Parsed<number> {
  if (attr === null) return { value: DEFAULT_CAPACITY };
  const bytes = parseSize(attr);
  const fallback = `using the default, 64 MiB`;
  if (bytes === null) {
    return {
      value: DEFAULT_CAPACITY,
      error: `webtmem: data-capacity="${attr}" is not a size (write e.g. 64MB, 512KiB or 1GiB); ${fallback}.`,
    };
  }
  if (bytes < MIN_CAPACITY || bytes > MAX_CAPACITY) {
    return {
      value: DEFAULT_CAPACITY,
      error: `webtmem: data-capacity="${attr}" is outside 1 MiB .. 4 GiB; ${fallback}.`,
    };
  }
  return { value: bytes };
}

/**
 * Parses data-offline: the URL patterns to keep available offline.
 * @param attr the attribute's value, or null when absent
 */
export function parseOffline(attr: string | null): Parsed<string[]> {
  if (attr === null) return { value: [] };
  const good: string[] = [];
  const bad: string[] = [];
  for (const entry of splitList(attr, ',')) (isPattern(entry) ? good : bad).push(entry);
  if (bad.length === 0) return { value: good };
  return {
    value: good,
    error:
      `webtmem: data-offline has ${bad.length === 1 ? 'a pattern' : 'patterns'} that ` +
      `${bad.length === 1 ? 'is' : 'are'} neither a path ('/…') nor an http(s) URL: ` +
      `${bad.map((b) => `"${b}"`).join(', ')}; ignoring ${bad.length === 1 ? 'it' : 'them'}.`,
  };
}

/**
 * Parses data-routes: "pattern=strategy; pattern=strategy", strategies as in routes.ts.
 * @param attr the attribute's value, or null when absent
 */
export function parseRoutes(attr: string | null): Parsed<Route[]> {
  if (attr === null) return { value: [] };
  const routes: Route[] = [];
  const bad: string[] = [];
  for (const entry of splitList(attr, ';')) {
    // The last '=' splits, so a pattern may hold '=' (in a query).
    const eq = entry.lastIndexOf('=');
    const pattern = entry.slice(0, Math.max(0, eq)).trim();
    const strategy = entry.slice(eq + 1).trim().toLowerCase();
    if (eq > 0 && isPattern(pattern) && (STRATEGIES as readonly string[]).includes(strategy)) {
      routes.push({ match: pattern, strategy: strategy as Strategy });
    } else {
      bad.push(entry);
    }
  }
  if (bad.length === 0) return { value: routes };
  return {
    value: routes,
    error:
      `webtmem: data-routes entries not of the form pattern=strategy (strategies: ` +
      `${STRATEGIES.join(', ')}): ${bad.map((b) => `"${b}"`).join(', ')}; ignoring ` +
      `${bad.length === 1 ? 'it' : 'them'}, the other routes apply.`,
  };
}

function splitList(text: string, separator: string): string[] {
  return text.split(separator).map((s) => s.trim()).filter((s) => s !== '');
}
