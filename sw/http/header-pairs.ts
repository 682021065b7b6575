// Headers as the stores keep them: name/value pairs (lower-case names, as a Headers lists them,
// one pair per name). Read through PairFields, so that a hit's freshness and age checks build
// no Headers (the Response constructor makes the only one).
import type { HeaderFields } from './freshness.js';

/** Stored header pairs: lower-case names, one pair per name (Headers.forEach order). */
export type HeaderPairs = readonly (readonly [string, string])[];

/** A Headers' pairs, in its order (names lower case, values combined as get() gives them);
 *  by forEach, as the WebWorker lib types Headers without an iterator. */
export function headerPairs(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

/** get/has over stored header pairs (names are compared as stored: lower case). */
export class PairFields implements HeaderFields {
  readonly #pairs: HeaderPairs;
  constructor(pairs: HeaderPairs) {
    this.#pairs = pairs;
  }
  get(name: string): string | null {
    for (const [n, v] of this.#pairs) if (n === name) return v;
    return null;
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
}
