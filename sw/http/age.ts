// The Age a stored copy is answered with. RFC 9111 §4: a cache that uses a stored response
// without validation MUST send an Age field (§5.1) with the response's current age, replacing
// the one it was stored with (that one tells how old the response was when it arrived, so a
// client reading it would take a copy kept for an hour for a new one).
//
// The stored headers are pairs (header-pairs.ts), and the answer is built from pairs: the Age
// pair is swapped in there, so no Headers is made for it (the Response constructor makes the
// only one).

import { currentAge, type Timing } from './freshness.js';
import { PairFields, type HeaderPairs } from './header-pairs.js';

/** The largest Age sent: RFC 9111 §1.2.2 has a cache send 2^31 for any larger age, or one
 *  whose computation overflowed. */
export const MAX_AGE_SECONDS = 2147483648;

/**
 * An age as Age's delta-seconds: whole seconds rounded down, at least 0, at most
 * {@link MAX_AGE_SECONDS}. An age that could not be computed (NaN, from a broken timing) is
 * sent as the largest, as an overflow is: no client then takes the copy for a new one.
 * @param seconds the current age (freshness.ts currentAge)
 */
export function ageValue(seconds: number): string {
  if (Number.isNaN(seconds) || seconds >= MAX_AGE_SECONDS) return String(MAX_AGE_SECONDS);
  return seconds > 0 ? String(Math.floor(seconds)) : '0';
}

/**
 * The header pairs to answer with from a stored copy served without validation: the stored
 * ones, with Age set to the copy's current age at `now` (any stored Age replaced).
 * @param pairs the stored headers (after a 304, the merged ones: RFC 9111 §4.3.4)
 * @param timing when the stored response was requested and received (after a 304, the 304's)
 * @param now the time it is served (ms since the epoch)
 * @returns a new array (the stored pairs are not changed)
 */
export function servedHeaders(pairs: HeaderPairs, timing: Timing, now: number): [string, string][] {
  const age = ageValue(currentAge(new PairFields(pairs), timing, now));
  const served: [string, string][] = [];
  for (const pair of pairs) if (pair[0] !== 'age') served.push(pair as [string, string]);
  served.push(['age', age]);
  return served;
}
