// Whether a value is worth a record that Chromium will compress. Chromium Snappy-compresses an
// IndexedDB value whose serialized form is at least 64 KiB and keeps the result when it is at
// most 90 % of the input (third_party/blink/.../indexeddb/idb_value_wrapping.cc,
// kIndexedDBCompressValuesWithSnappy, on by default); an uncompressed value over 64 KiB becomes
// a blob file instead. So a record of exactly 64 KiB is written compressed and inline when its
// bytes compress, and as a blob file (slower to write and 2-3× slower to load) when they do
// not, while a record of 63 KiB is never compressed. Measured in one page (Chromium 156, pages
// half random, half zeros): 64 KiB records 1.2-1.9× the pages/s of 63 KiB ones; pages of text:
// over 10×. The check below is cheap (256 words sampled) and conservative: a value it calls
// compressible has a quarter of its sampled words repeated exactly, which Snappy finds too.
// Platform-neutral and pure.

/** Words sampled per value: four runs of this many, spread over it. */
const RUN_WORDS = 64;
const RUNS = 4;
/** Sampled words that must repeat an earlier one (1/4 of them). */
const MIN_REPEATS = (RUN_WORDS * RUNS) / 4;
/** Smallest value checked; smaller ones are left to the plain records. */
const MIN_BYTES = RUN_WORDS * RUNS * 4;

const seen = new Int32Array(512);

/** True when `bytes` looks compressible enough for Snappy to keep its result (at most 90 %).
 * @param bytes any view, shared or not, any alignment */
export function looksCompressible(bytes: Uint8Array): boolean {
  const n = bytes.byteLength;
  if (n < MIN_BYTES) return false;
  seen.fill(0x7fffffff); // a word no run of zeros or fill bytes matches by accident
  let repeats = 0;
  const span = Math.floor((n - RUN_WORDS * 4) / (RUNS - 1)) & ~3;
  for (let r = 0; r < RUNS; r++) {
    let i = r * span;
    const end = i + RUN_WORDS * 4;
    for (; i < end; i += 4) {
      const w = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      const h = Math.imul(w, 2654435761) >>> 23; // 9 bits: 512 entries
      if (seen[h] === w) repeats++;
      else seen[h] = w;
    }
  }
  return repeats >= MIN_REPEATS;
}
