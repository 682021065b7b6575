// The hash of a handle and its two candidate buckets in the index (two-choice placement: see
// insert in store.ts). Pure functions of words, so they inline into the hot paths.

/** 30-bit hash of a handle (murmur3-style finalizer over four words). */
export function mix(tag: number, lo: number, hi: number, idx: number): number {
  let h = Math.imul(tag ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ lo, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h ^ hi, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = Math.imul(h ^ idx, 0xe6546b64);
  // 30 bits, so the value stays a small integer: a wider one returned from a call that V8
  // does not inline is boxed as a heap number, one allocation per put.
  return fmix32(h) >>> 2;
}

/** MurmurHash3's 32-bit finalizer: every input bit flips each output bit with odds near 1/2.
 *  Also ends the cleancache's page checksums (worker/cleancache/record/hash.ts).
 *  @param h a 32-bit state
 *  @returns the avalanched state, as a signed 32-bit integer */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** First-choice bucket: the 30-bit hash scaled to the bucket count. */
export function bucketOf(h: number, n: number): number {
  return Math.floor((h / 1073741824) * n);
}

/** Second-choice bucket: another scramble of h; never the first choice. */
export function bucketOf2(h: number, n: number): number {
  const h2 = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 2;
  const b = Math.floor((h2 / 1073741824) * n);
  const b1 = bucketOf(h, n);
  return b === b1 ? (b1 + 1) % n : b;
}
