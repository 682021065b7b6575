// The page format of the cleancache: one cached response (or one vary record) as consecutive
// pages of one tmem object, indexes 0 .. pageCount-1, written with one putMany.
//
//   page 0                      page 1                      page n-1
//   ┌─────┬──────────────────┐  ┌─────┬──────────────────┐  ┌─────┬───────────────┬──────┐
//   │ gen │ stream 0 .. P-1  │  │ gen │ stream P .. 2P-1 │  │ gen │ … stream end  │ 0000 │
//   └─────┴──────────────────┘  └─────┴──────────────────┘  └─────┴───────────────┴──────┘
//   P = pageSize - 4. Every page starts with the record's generation, so pages of two puts of
//   the same key can never pass as one record. The payloads, end to end, form one stream:
//
//   stream: │ fixed header (48 B) │ key (UTF-8) │ meta (UTF-8 JSON) │ body │ zero padding │
//
// A header longer than page 0 simply continues into page 1 and on: the stream does not care
// about page edges. The fixed header always fits in page 0, so reading page 0 alone tells the
// reader the page count (and, for keys that fit there, whether the key is the one it wants).
//
// Fixed header, little-endian, offsets in the stream:
//   field         offset size  meaning
//   magic            0    4    'WTMR'
//   version          4    2    FORMAT_VERSION; anything else is not ours
//   kind             6    1    1 = resource, 2 = vary record
//   (reserved)       7    1    0
//   pageCount        8    4    pages in the record, header page included
//   keyBytes        12    4    length of the full key
//   metaBytes       16    4    length of the meta JSON
//   bodyBytes       20    4    length of the body (so bodies stop at 4 GiB - 1)
//   checksum        24    4    MurmurHash3 x86_32 over page 0's generation and every
//                              payload word but this one
//   (reserved)      28    4    0
//   requestTime     32    8    f64 ms since the epoch: when the request was sent
//   responseTime    40    8    f64 ms since the epoch: when the response arrived
//
// Meta JSON: resource {"s":status,"t":statusText,"h":[[name,value],…]}; vary {"v":[names]}.
//
// Reading (decodePages, and rereadPages for a put already verified once) sits in this file
// with writing because both must know the layout above; hence its length.

import { CHECKSUM_SEED, checksumFinish, checksumWords } from './hash.js';

export const FORMAT_VERSION = 1;
const MAGIC = 0x524d5457; // 'WTMR' read little-endian
const GEN_BYTES = 4;
const MAGIC_AT = 0;
const VERSION_AT = MAGIC_AT + 4;
const KIND_AT = VERSION_AT + 2;
const PAGE_COUNT_AT = KIND_AT + 2;
const KEY_BYTES_AT = PAGE_COUNT_AT + 4;
const META_BYTES_AT = KEY_BYTES_AT + 4;
const BODY_BYTES_AT = META_BYTES_AT + 4;
const CHECKSUM_AT = BODY_BYTES_AT + 4;
const REQUEST_TIME_AT = CHECKSUM_AT + 8;
const RESPONSE_TIME_AT = REQUEST_TIME_AT + 8;
/** Bytes of the fixed header at the start of the stream. */
export const FIXED_HEADER_BYTES = RESPONSE_TIME_AT + 8;
/** Smallest page size the format accepts: the fixed header must fit in page 0. */
export const MIN_PAGE_SIZE = 64;
const KIND_CODE = { resource: 1, vary: 2 } as const;
// The checksum word's index inside page 0, skipped when checksumming.
const CHECKSUM_WORD = (GEN_BYTES + CHECKSUM_AT) / 4;
// Words at the start of page 0 that a re-read compares whole: the generation and the fixed header.
const HEADER_WORDS = (GEN_BYTES + FIXED_HEADER_BYTES) / 4;

/** A cached response, as stored and as served. */
export interface ResourceRecord {
  kind: 'resource';
  /** The full cache key (see cache-key.ts); compared on every read. */
  key: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  requestTime: number;
  responseTime: number;
  /** Distinguishes puts of the same key; the same on every page of one put. */
  generation: number;
}

/** The names a URL's response Varies on (see cache-key.ts), stored at the URL's own key. */
export interface VaryRecord {
  kind: 'vary';
  key: string;
  vary: string[];
  requestTime: number;
  responseTime: number;
  generation: number;
}

export type PageRecord = ResourceRecord | VaryRecord;

/** What page 0 alone tells a reader. */
export interface HeaderPeek {
  kind: PageRecord['kind'];
  pageCount: number;
  generation: number;
  bodyBytes: number;
}

/**
 * Gives the buffer a body is copied into: `length` bytes, all of which the caller will
 * overwrite. The default gives each body an ArrayBuffer of its own; page code's hits use a
 * pool (worker/cleancache/body-pool.ts), since in Chromium a fresh small ArrayBuffer each
 * costs more than the rest of a hit.
 */
export type BodyAllocator = (length: number) => Uint8Array<ArrayBuffer>;

/**
 * What one full {@link decodePages} of a resource proved, kept by a reader so that reading the
 * same put again can skip the checksum and the meta parse (see {@link rereadPages}).
 */
export interface VerifiedPut {
  /** Page 0's generation and fixed header, word for word as read (checksum included). */
  readonly header: Uint32Array;
  /** The key's UTF-8 bytes. */
  readonly key: Uint8Array;
  readonly pageCount: number;
  /** Where the body starts in the stream, and its length. */
  readonly bodyAt: number;
  readonly bodyBytes: number;
  /** The decoded record, body left empty: a re-read copies the rest from here. */
  readonly record: ResourceRecord;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
// The last key encoded: a reader asks for the same key in peekHeader and decodePages, and
// page code for the same few keys over and over.
let lastKey = '';
let lastKeyBytes = new Uint8Array(0);

function encodeKey(key: string): Uint8Array {
  if (key !== lastKey) {
    lastKeyBytes = utf8.encode(key);
    lastKey = key;
  }
  return lastKeyBytes;
}

/** Pages needed for a record whose key, meta and body have these byte lengths. */
export function pagesFor(keyBytes: number, metaBytes: number, bodyBytes: number, pageSize: number): number {
  const streamBytes = FIXED_HEADER_BYTES + keyBytes + metaBytes + bodyBytes;
  return Math.max(1, Math.ceil(streamBytes / (pageSize - GEN_BYTES)));
}

/**
 * Serializes a record into pageCount × pageSize bytes: page i goes to index i of the record's
 * object. The body is copied once, straight into its pages.
 * @param record what to store
 * @param pageSize the pool's page size (a multiple of 4, at least {@link MIN_PAGE_SIZE})
 */
export function encodePages(record: PageRecord, pageSize: number): Uint8Array {
  checkPageSize(pageSize);
  const key = utf8.encode(record.key);
  const meta = utf8.encode(JSON.stringify(
    record.kind === 'resource' ? { s: record.status, t: record.statusText, h: record.headers } : { v: record.vary },
  ));
  const body = record.kind === 'resource' ? record.body : new Uint8Array(0);
  if (body.length > 0xffff_ffff) throw new RangeError('webtmem: a cached body is limited to 4 GiB - 1');
  const pageCount = pagesFor(key.length, meta.length, body.length, pageSize);
  const out = new Uint8Array(pageCount * pageSize);
  const view = new DataView(out.buffer);
  const generation = record.generation >>> 0;
  for (let p = 0; p < pageCount; p++) view.setUint32(p * pageSize, generation, true);
  const at = GEN_BYTES;
  view.setUint32(at + MAGIC_AT, MAGIC, true);
  view.setUint16(at + VERSION_AT, FORMAT_VERSION, true);
  view.setUint8(at + KIND_AT, KIND_CODE[record.kind]);
  view.setUint32(at + PAGE_COUNT_AT, pageCount, true);
  view.setUint32(at + KEY_BYTES_AT, key.length, true);
  view.setUint32(at + META_BYTES_AT, meta.length, true);
  view.setUint32(at + BODY_BYTES_AT, body.length, true);
  view.setFloat64(at + REQUEST_TIME_AT, record.requestTime, true);
  view.setFloat64(at + RESPONSE_TIME_AT, record.responseTime, true);
  let offset = writeStream(out, pageSize, FIXED_HEADER_BYTES, key);
  offset = writeStream(out, pageSize, offset, meta);
  writeStream(out, pageSize, offset, body);
  view.setUint32(at + CHECKSUM_AT, checksumOf(new Uint32Array(out.buffer, 0, out.length / 4), pageSize, pageCount), true);
  return out;
}

/**
 * Reads page 0 of a record: null unless it is a page of this format and version, internally
 * consistent, and (when the key fits on page 0) holds exactly `expectedKey`. On a non-null
 * answer, read `pageCount` pages from index 0 and call {@link decodePages}.
 */
export function peekHeader(page0: Uint8Array, pageSize: number, expectedKey: string): HeaderPeek | null {
  if (pageSize < MIN_PAGE_SIZE || pageSize % 4 !== 0 || page0.length < pageSize) return null;
  const view = new DataView(page0.buffer, page0.byteOffset, pageSize);
  const at = GEN_BYTES;
  if (view.getUint32(at + MAGIC_AT, true) !== MAGIC) return null;
  if (view.getUint16(at + VERSION_AT, true) !== FORMAT_VERSION) return null;
  const kindCode = view.getUint8(at + KIND_AT);
  const kind = kindCode === KIND_CODE.resource ? 'resource' : kindCode === KIND_CODE.vary ? 'vary' : null;
  if (kind === null) return null;
  const pageCount = view.getUint32(at + PAGE_COUNT_AT, true);
  const keyBytes = view.getUint32(at + KEY_BYTES_AT, true);
  const metaBytes = view.getUint32(at + META_BYTES_AT, true);
  const bodyBytes = view.getUint32(at + BODY_BYTES_AT, true);
  if (pageCount !== pagesFor(keyBytes, metaBytes, bodyBytes, pageSize)) return null;
  if (kind === 'vary' && bodyBytes !== 0) return null;
  const key = encodeKey(expectedKey);
  if (key.length !== keyBytes) return null;
  // Compare what of the key lies on page 0; decodePages compares the rest.
  const onPage0 = Math.min(keyBytes, pageSize - at - FIXED_HEADER_BYTES);
  for (let i = 0; i < onPage0; i++) if (page0[at + FIXED_HEADER_BYTES + i] !== key[i]) return null;
  return { kind, pageCount, generation: view.getUint32(0, true), bodyBytes };
}

/**
 * Parses the pages of one record and checks everything: format, version, page count, the same
 * generation on every page, the full key, lengths, checksum, meta shape. Any mismatch gives
 * null, so a partly evicted, torn, mixed or colliding record is a miss, never a wrong answer.
 * @param pages at least pageCount × pageSize bytes, page i of the object at i × pageSize
 * @param expectedKey the full key the reader is looking for
 */
export function decodePages(pages: Uint8Array, pageSize: number, expectedKey: string): PageRecord | null {
  const peek = peekHeader(pages, pageSize, expectedKey);
  if (peek === null || pages.length < peek.pageCount * pageSize) return null;
  const { pageCount, generation } = peek;
  const bytes = pages.byteOffset % 4 === 0 ? pages : pages.slice(0, pageCount * pageSize);
  const view = new DataView(bytes.buffer, bytes.byteOffset, pageCount * pageSize);
  for (let p = 1; p < pageCount; p++) if (view.getUint32(p * pageSize, true) !== generation) return null;
  if (checksumOf(wordsOf(bytes, (pageCount * pageSize) / 4), pageSize, pageCount) !== view.getUint32(GEN_BYTES + CHECKSUM_AT, true)) return null;
  const keyBytes = view.getUint32(GEN_BYTES + KEY_BYTES_AT, true);
  const metaBytes = view.getUint32(GEN_BYTES + META_BYTES_AT, true);
  const key = readStream(bytes, pageSize, FIXED_HEADER_BYTES, keyBytes);
  if (!sameBytes(key, encodeKey(expectedKey))) return null;
  const metaBuf = readStream(bytes, pageSize, FIXED_HEADER_BYTES + keyBytes, metaBytes);
  const meta = parseMeta(metaBuf);
  if (meta === null) return null;
  const times = {
    requestTime: view.getFloat64(GEN_BYTES + REQUEST_TIME_AT, true),
    responseTime: view.getFloat64(GEN_BYTES + RESPONSE_TIME_AT, true),
  };
  if (peek.kind === 'vary') {
    if (!isStringArray(meta.v)) return null;
    return { kind: 'vary', key: expectedKey, vary: meta.v, ...times, generation };
  }
  if (!isStatus(meta.s) || typeof meta.t !== 'string' || !isHeaderList(meta.h)) return null;
  const body = readStream(bytes, pageSize, FIXED_HEADER_BYTES + keyBytes + metaBytes, peek.bodyBytes);
  return { kind: 'resource', key: expectedKey, status: meta.s, statusText: meta.t, headers: meta.h, body, ...times, generation };
}

/**
 * Remembers what {@link decodePages} proved of these pages, for {@link rereadPages}.
 * @param pages the pages `record` was just decoded from (4-byte aligned)
 * @param record what decodePages returned for them
 */
export function verifiedPut(pages: Uint8Array, pageSize: number, record: ResourceRecord): VerifiedPut {
  const view = new DataView(pages.buffer, pages.byteOffset, pageSize);
  const keyBytes = view.getUint32(GEN_BYTES + KEY_BYTES_AT, true);
  const metaBytes = view.getUint32(GEN_BYTES + META_BYTES_AT, true);
  return {
    header: wordsOf(pages, HEADER_WORDS).slice(),
    key: utf8.encode(record.key),
    pageCount: view.getUint32(GEN_BYTES + PAGE_COUNT_AT, true),
    bodyAt: FIXED_HEADER_BYTES + keyBytes + metaBytes,
    bodyBytes: record.body.length,
    record: { ...record, headers: copyHeaders(record.headers), body: new Uint8Array(0) },
  };
}

/**
 * Reads a resource again from pages of a put verified before: when page 0 carries the same
 * generation and fixed header (lengths, checksum, times) word for word, every page carries
 * that generation and the key is the one remembered, these are the pages of that very put,
 * since a generation names one put and the core never tears a page. The checksum and the meta
 * were checked then; only the body is copied now. Null means "not proven the same put":
 * decode fully with {@link decodePages}, which decides between a hit and a miss.
 *
 * Generations come from per-writer counters started at random (resource-store.ts), so two
 * writers reusing one number for the same URL is what this trusts not to happen; the fixed
 * header compared whole (request and response times, checksum) must then also agree.
 * @param pages at least `put.pageCount` pages, every one of them a hit (a missed page leaves
 *   stale bytes that may carry the generation), 4-byte aligned
 * @param put what the earlier decode proved
 * @param alloc where the body's bytes go (default: a fresh buffer of their own)
 */
export function rereadPages(pages: Uint8Array, pageSize: number, put: VerifiedPut, alloc?: BodyAllocator): ResourceRecord | null {
  const { header, key, pageCount } = put;
  if (pages.byteOffset % 4 !== 0 || pages.length < pageCount * pageSize) return null;
  const words = wordsOf(pages, (pageCount * pageSize) / 4);
  for (let i = 0; i < HEADER_WORDS; i++) if (words[i] !== header[i]) return null;
  const perPage = pageSize / 4;
  const generation = header[0];
  for (let p = 1; p < pageCount; p++) if (words[p * perPage] !== generation) return null;
  if (!streamHolds(pages, pageSize, FIXED_HEADER_BYTES, key)) return null;
  const r = put.record;
  return {
    kind: 'resource',
    key: r.key,
    status: r.status,
    statusText: r.statusText,
    // The caller owns what it gets, as from decodePages.
    headers: copyHeaders(r.headers),
    body: readStream(pages, pageSize, put.bodyAt, put.bodyBytes, alloc),
    requestTime: r.requestTime,
    responseTime: r.responseTime,
    generation: r.generation,
  };
}

function checkPageSize(pageSize: number): void {
  if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize % 4 !== 0) {
    throw new RangeError(`webtmem: page size ${pageSize} is not a multiple of 4 of at least ${MIN_PAGE_SIZE}`);
  }
}

// Walks the stream range [offset, offset + length) piece by piece (each page's payload follows
// its generation word): fn(at, done, n) gets the piece's byte offset in the pages, its offset
// in the range and its length. Stops, returning false, as soon as fn returns false.
function eachPiece(pageSize: number, offset: number, length: number, fn: (at: number, done: number, n: number) => boolean | void): boolean {
  const payload = pageSize - GEN_BYTES;
  for (let done = 0; done < length;) {
    const inPage = (offset + done) % payload;
    const n = Math.min(payload - inPage, length - done);
    if (fn(Math.floor((offset + done) / payload) * pageSize + GEN_BYTES + inPage, done, n) === false) return false;
    done += n;
  }
  return true;
}

// Copies `bytes` into the stream at `offset`; returns the offset after them.
function writeStream(out: Uint8Array, pageSize: number, offset: number, bytes: Uint8Array): number {
  eachPiece(pageSize, offset, bytes.length, (at, done, n) => { out.set(bytes.subarray(done, done + n), at); });
  return offset + bytes.length;
}

// Copies `length` stream bytes from `offset` out of the pages into one new buffer.
function readStream(pages: Uint8Array, pageSize: number, offset: number, length: number, alloc?: BodyAllocator): Uint8Array<ArrayBuffer> {
  // The hot path of every hit: plain loops, no closure, and one native copy when the range
  // lies in one page and has no allocator (slice allocates and copies in one step).
  const payload = pageSize - GEN_BYTES;
  const inPage = offset % payload;
  const first = Math.floor(offset / payload) * pageSize + GEN_BYTES + inPage;
  const onePage = inPage + length <= payload;
  if (onePage && alloc === undefined) return pages.slice(first, first + length) as Uint8Array<ArrayBuffer>;
  const out = alloc === undefined ? new Uint8Array(length) : alloc(length);
  if (onePage) {
    out.set(pages.subarray(first, first + length));
    return out;
  }
  let done = payload - inPage;
  out.set(pages.subarray(first, first + done), 0);
  // first + done is the next page's start; its payload follows its generation word.
  for (let at = first + done + GEN_BYTES; done < length; at += pageSize) {
    const n = Math.min(payload, length - done);
    out.set(pages.subarray(at, at + n), done);
    done += n;
  }
  return out;
}

// True when the stream holds `bytes` at `offset`.
function streamHolds(pages: Uint8Array, pageSize: number, offset: number, bytes: Uint8Array): boolean {
  const payload = pageSize - GEN_BYTES;
  let inPage = offset % payload;
  let at = Math.floor(offset / payload) * pageSize + GEN_BYTES + inPage;
  for (let i = 0; i < bytes.length; i++) {
    if (inPage === payload) {
      at += GEN_BYTES; // the next page's generation word
      inPage = 0;
    }
    if (pages[at] !== bytes[i]) return false;
    at++;
    inPage++;
  }
  return true;
}

// A Uint32Array over at least the first `count` words of `pages` (4-byte aligned), reused
// while a reader reads into the same scratch buffer. Only a buffer of up to
// SCRATCH_KEEP_BYTES is kept for that: a larger one would stay alive here after its last use,
// and a view costs nothing next to checksumming it.
/** The largest buffer kept between reads, by a reader as its scratch (../reader.ts) and here
 *  as the view over it: one read of a larger record sizes a scratch for itself, and the next
 *  read of a smaller one lets it go (a scratch kept at the largest record read would hold up
 *  to half the tier's budget for good). */
export const SCRATCH_KEEP_BYTES = 1 << 20;
let wordsBuffer: ArrayBufferLike | null = null;
let wordsView: Uint32Array = new Uint32Array(0);

function wordsOf(pages: Uint8Array, count: number): Uint32Array {
  if (pages.byteOffset !== 0 || pages.buffer !== wordsBuffer || wordsView.length < count) {
    if (pages.byteOffset !== 0 || pages.buffer.byteLength > SCRATCH_KEEP_BYTES) return new Uint32Array(pages.buffer, pages.byteOffset, count);
    wordsBuffer = pages.buffer;
    wordsView = new Uint32Array(pages.buffer, 0, pages.buffer.byteLength >>> 2);
  }
  return wordsView;
}

// Checksums page 0's generation and every payload word of every page, padding included,
// skipping the checksum word.
// `words` views the pages from page 0.
function checksumOf(words: Uint32Array, pageSize: number, pageCount: number): number {
  const perPage = pageSize / 4;
  // Page 0's generation is the record's, so it is covered; later pages' must equal it.
  let h = checksumWords(CHECKSUM_SEED, words, 0, CHECKSUM_WORD);
  h = checksumWords(h, words, CHECKSUM_WORD + 1, perPage);
  for (let p = 1; p < pageCount; p++) h = checksumWords(h, words, p * perPage + 1, (p + 1) * perPage);
  return checksumFinish(h, pageCount * (perPage - 1));
}

function copyHeaders(headers: [string, string][]): [string, string][] {
  const out = new Array<[string, string]>(headers.length);
  for (let i = 0; i < headers.length; i++) out[i] = [headers[i][0], headers[i][1]];
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseMeta(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const meta: unknown = JSON.parse(utf8Decoder.decode(bytes));
    return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isStatus(s: unknown): s is number {
  return typeof s === 'number' && Number.isInteger(s) && s >= 200 && s <= 599;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isHeaderList(h: unknown): h is [string, string][] {
  return Array.isArray(h) && h.every((pair) => isStringArray(pair) && pair.length === 2);
}
