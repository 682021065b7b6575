// Reading and writing whole resources in a cleancache pool, all or nothing. Runs wherever the
// page store is attached (the store worker answers the service worker's port with it); it
// needs only the few core calls in PageIO.
//
// Read: page 0 of the URL key's object; if that is a vary record, page 0 of the variant's
// object instead; then the remaining pages in one getMany; then a full decode. A miss of any
// page, or a record that fails its checks, is a miss, and the object is flushed so its
// leftover pages stop taking frames.
// Write: encode; refuse what would not fit; flush the object (a longer older version would
// leave pages past the new end); one putMany; on a short put, flush what went in. A vary
// record is written first, so a reader never finds a variant it cannot name.
//
// Removing a URL must remove every variant of it (RFC 9111 §4.4), but a pool cannot list an
// URL's variants: only the vary record and the variant the request names are flushed. The
// vary record's requestTime says since when its variants count: it is kept as it is while
// later variants are written under the same names, and written anew (with the variant's
// times) after the URL was removed. A variant requested before its vary record is never
// answered (and flushed when met), so the variants left over from before a removal never come
// back, even once a new variant brings a vary record with the same names.
//
// The pool must be ephemeral and shared (non-exclusive gets): a private ephemeral get drops
// the page it returns (tmem rule 5), which would destroy a resource on its first hit.

import { keyUrl, objectIdOf, resourceKey, urlKey } from './cache-key.js';
import { decodePages, encodePages, peekHeader, type PageRecord, type ResourceRecord } from './resource-pages.js';

/** The page operations the cleancache uses: a subset of the core's TmemStore. */
export interface PageIO {
  readonly pageSize: number;
  getMany(poolId: number, object: bigint, index: number, into: Uint8Array, count?: number): number;
  putMany(poolId: number, object: bigint, index: number, pages: Uint8Array, count?: number): number;
  flushObject(poolId: number, object: bigint): void;
}

export type WriteResult = 'stored' | 'too-large' | 'rejected';

// Generations start at a random point so that two writers of one store (the page and the
// store worker, or a reloaded writer) are unlikely to reuse each other's numbers; the
// checksum still catches a mix whose bodies differ.
let nextGeneration = crypto.getRandomValues(new Uint32Array(1))[0];

/** A fresh generation number for one put. */
export function newGeneration(): number {
  nextGeneration = (nextGeneration + 1) >>> 0;
  return nextGeneration;
}

/**
 * Looks a request up in a cleancache pool.
 * @param io the attached store
 * @param poolId the cleancache pool (ephemeral, shared)
 * @param url the request's URL
 * @param requestHeaders the request's headers (for Vary)
 * @returns the stored resource, or null on a miss
 */
export function readResource(io: PageIO, poolId: number, url: string, requestHeaders: Headers): ResourceRecord | null {
  const primaryKey = urlKey(url);
  const primary = readRecord(io, poolId, primaryKey);
  if (primary === null || primary.kind === 'resource') return primary;
  const variantKey = resourceKey(url, primary.vary, requestHeaders);
  const variant = readRecord(io, poolId, variantKey);
  if (variant === null || variant.kind !== 'resource') return null;
  if (variantPredates(variant, primary)) {
    io.flushObject(poolId, objectIdOf(variantKey)); // left over from before a removal of the URL
    return null;
  }
  return variant;
}

/**
 * Whether a variant was requested before its URL's vary record, which is written anew when
 * the URL's variants were removed: such a variant is one the removal could not reach (the
 * top of this file). Shared by every reader of varied resources (the service worker's disk
 * too).
 * @param variant a varied resource
 * @param vary its URL's vary record
 */
export function variantPredates(variant: { requestTime: number }, vary: { requestTime: number }): boolean {
  return variant.requestTime < vary.requestTime;
}

/**
 * The vary record to write before a variant, or null when the one stored stands: same names,
 * and requested no later than the variant (its time then still counts from the URL's last
 * removal). A vary record requested after the variant (answers out of order, a clock set back)
 * is written anew with the variant's times, so the variant is not refused at once.
 * @param stored the URL's record now, if any
 * @param record the variant about to be written
 * @param vary the names its response Varies on
 */
export function varyRecordFor(stored: PageRecord | null, record: ResourceRecord, vary: readonly string[]): PageRecord | null {
  if (stored?.kind === 'vary' && sameNames(stored.vary, vary) && stored.requestTime <= record.requestTime) return null;
  return {
    kind: 'vary', key: variantUrl(record.key), vary: [...vary],
    requestTime: record.requestTime, responseTime: record.responseTime, generation: newGeneration(),
  };
}

/** The URL part of a variant's key (resourceKey); a key without one is a caller's bug. */
export function variantUrl(key: string): string {
  if (!key.includes('\n')) throw new RangeError('webtmem: a varied resource needs its variant key (resourceKey)');
  return keyUrl(key);
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/**
 * Stores a resource, all or nothing.
 * @param io the attached store
 * @param poolId the cleancache pool
 * @param record the resource; its key must be resourceKey(url, vary, request headers)
 * @param vary the names its response Varies on (cache-key.ts parseVary), [] for none
 * @param maxPages the most pages one resource may take (e.g. a share of the pool's frames)
 * @param stored called with the pages just stored, for a plain resource (no Vary), so that a
 *   reader can remember them as verified (ResourceReader.wrote)
 */
export function writeResource(
  io: PageIO,
  poolId: number,
  record: ResourceRecord,
  vary: readonly string[],
  maxPages: number,
  stored?: (pages: Uint8Array) => void,
): WriteResult {
  const pages = encodePages(record, io.pageSize);
  const count = pages.length / io.pageSize;
  if (count > maxPages) return 'too-large';
  if (vary.length > 0) {
    const url = variantUrl(record.key);
    const varyRecord = varyRecordFor(readRecord(io, poolId, url), record, vary);
    if (varyRecord !== null && !putAll(io, poolId, url, encodePages(varyRecord, io.pageSize))) return 'rejected';
  }
  if (!putAll(io, poolId, record.key, pages)) return 'rejected';
  if (vary.length === 0) stored?.(pages);
  return 'stored';
}

/**
 * Removes a URL from the pool: its vary record or plain resource, and the variant named by
 * these request headers. Other variants stay until eviction takes them, never answered again
 * (readResource: they predate the next vary record). A URL with no record of its own
 * costs one get: a flushObject sweeps every bucket of the store, and the service worker
 * flushes the URL of every response it does not keep (sw/keeper.ts). Pages left without their
 * header page (the rest of a partly evicted resource) are never read, and eviction takes them.
 * @returns true when the URL had a record (its pages are now gone)
 */
export function flushResource(io: PageIO, poolId: number, url: string, requestHeaders: Headers): boolean {
  const primaryKey = urlKey(url);
  const primary = readRecord(io, poolId, primaryKey);
  if (primary === null) return false;
  if (primary.kind === 'vary') {
    io.flushObject(poolId, objectIdOf(resourceKey(url, primary.vary, requestHeaders)));
  }
  io.flushObject(poolId, objectIdOf(primaryKey));
  return true;
}

function readRecord(io: PageIO, poolId: number, key: string): PageRecord | null {
  const { pageSize } = io;
  const object = objectIdOf(key);
  const page0 = new Uint8Array(pageSize);
  if (io.getMany(poolId, object, 0, page0, 1) !== 1) return null;
  // A null peek may be another key's record that shares the hash: leave it alone.
  const peek = peekHeader(page0, pageSize, key);
  if (peek === null) return null;
  let pages = page0;
  if (peek.pageCount > 1) {
    pages = new Uint8Array(peek.pageCount * pageSize);
    pages.set(page0);
    const rest = peek.pageCount - 1;
    if (io.getMany(poolId, object, 1, pages.subarray(pageSize), rest) !== rest) {
      io.flushObject(poolId, object);
      return null;
    }
  }
  const record = decodePages(pages, pageSize, key);
  if (record === null) io.flushObject(poolId, object);
  return record;
}

function putAll(io: PageIO, poolId: number, key: string, pages: Uint8Array): boolean {
  const object = objectIdOf(key);
  const count = pages.length / io.pageSize;
  io.flushObject(poolId, object);
  if (io.putMany(poolId, object, 0, pages, count) === count) return true;
  io.flushObject(poolId, object);
  return false;
}
