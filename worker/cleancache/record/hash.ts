// Two non-cryptographic hashes, each chosen for its job:
//
// - FNV-1a 64 over UTF-8 names a cache key as a 64-bit tmem object id. Keys are short (a URL
//   and a few header values), so a byte loop is fine; 64 bits keep accidental collisions rare,
//   and the full key stored in the header page turns the rare one into a miss.
// - MurmurHash3 x86_32's block function checksums page payloads word by word (about four
//   times faster than a byte loop on multi-megabyte bodies). It is not a defence against an
//   attacker, only against torn, evicted or mixed pages, which it catches with odds 2^-32.
//
// Words are read through a Uint32Array, so the checksum uses the platform's byte order. Pages
// never leave the machine that wrote them (the store is memory), so that is enough.

import { fmix32 } from '../../core/hash.js';

const FNV64_OFFSET_HI = 0xcbf29ce4;
const FNV64_OFFSET_LO = 0x84222325;
// The FNV-64 prime is 2^40 + 0x1b3: multiplying is one small product plus a shift.
const FNV64_PRIME_LOW = 0x1b3;
const TWO_32 = 0x1_0000_0000;

const utf8 = new TextEncoder();

/** FNV-1a 64-bit hash of a string's UTF-8 bytes, as a bigint in [0, 2^64). */
export function fnv1a64(text: string): bigint {
  const bytes = utf8.encode(text);
  let hi = FNV64_OFFSET_HI;
  let lo = FNV64_OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64, in doubles that stay below 2^53.
    const loProduct = lo * FNV64_PRIME_LOW;
    const carry = Math.floor(loProduct / TWO_32);
    hi = (hi * FNV64_PRIME_LOW + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loProduct >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Seed of a fresh {@link checksumWords} run. */
export const CHECKSUM_SEED = 0x9747b28c;

/**
 * Feeds 32-bit words into a running MurmurHash3 x86_32 state and returns the new state.
 * Chain calls over the pieces of one stream, then {@link checksumFinish}.
 * @param state the previous state, or {@link CHECKSUM_SEED}
 * @param words the words to feed
 * @param from first word index (inclusive)
 * @param to last word index (exclusive)
 */
export function checksumWords(state: number, words: Uint32Array, from = 0, to = words.length): number {
  let h = state | 0;
  for (let i = from; i < to; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return h;
}

/**
 * Finishes a checksum: mixes in the stream's length in words and avalanches the bits.
 * @param state the state after the last {@link checksumWords}
 * @param wordCount how many words were fed in all
 */
export function checksumFinish(state: number, wordCount: number): number {
  return fmix32(state ^ wordCount) >>> 0;
}
