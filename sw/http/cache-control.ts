// Cache-Control parsing (RFC 9111 §5.2): a comma-separated list of directives, each a token
// with an optional token or quoted-string argument. Names are case-insensitive.

/** Directives by lowercase name: the argument, or true for a directive without one. */
export type Directives = ReadonlyMap<string, string | true>;

// One directive: name, then optionally = token or = "quoted string" (with \-escapes).
const DIRECTIVE = /\s*([^\s=,]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*(?:,|$)/y;

/**
 * Parses a Cache-Control value. When a directive repeats, the first one counts (RFC 9111
 * §4.2.1 allows that or treating the response as stale). Unparsable text is skipped.
 * @param value the header's value, or null when absent
 */
export function parseCacheControl(value: string | null): Directives {
  const directives = new Map<string, string | true>();
  if (value === null) return directives;
  DIRECTIVE.lastIndex = 0;
  while (DIRECTIVE.lastIndex < value.length) {
    const start = DIRECTIVE.lastIndex;
    const m = DIRECTIVE.exec(value);
    if (m === null) {
      // Skip to the next comma and carry on: one bad directive must not hide the others.
      const comma = value.indexOf(',', start);
      if (comma < 0) break;
      DIRECTIVE.lastIndex = comma + 1;
      continue;
    }
    const name = m[1].toLowerCase();
    const arg = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    if (!directives.has(name)) directives.set(name, arg === undefined ? true : arg);
  }
  return directives;
}

/**
 * A delta-seconds argument (RFC 9111 §1.2.2): digits only. Absent → undefined; present but
 * malformed → 0, because a cache must then treat the response as stale.
 */
export function deltaSeconds(directives: Directives, name: string): number | undefined {
  const arg = directives.get(name);
  if (arg === undefined) return undefined;
  if (arg === true || !/^\d+$/.test(arg)) return 0;
  // Numbers beyond 2^31 mean "very large" (RFC 9111 §1.2.2).
  return Math.min(Number(arg), 2 ** 31);
}
