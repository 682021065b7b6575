// The durable copy of the routes marked offline: written through to a DiskLog (worker/disk)
// that the service worker opens itself, so a cold offline navigation (no tab, no store
// worker) is served from IndexedDB. Records use the cleancache page format (sw/http), so a
// value read back is checked (magic, full key, checksum) exactly like a memory hit.
//
// Keys are the same two-step keys as in memory: the URL key holds the resource, or a vary
// record naming the headers; the variant key holds the varied resource.
//
// The disk is optional here: any failure (IndexedDB that cannot be opened, a lost connection,
// quota) is counted and answered as a miss or a refused write, so the fetch goes to the network.
// A failed open is retried with backoff (worker/disk/backoff.ts), not on every request: the
// first open, and the reopen of a log whose connection the browser took away (the log reopens
// at its next use, and every use would otherwise pay for a failing open).
import { executeQuotaErrorCallbacks } from 'workbox-core/_private/executeQuotaErrorCallbacks.js';
import { Backoff, openDiskLog, type Clock, type DiskLog } from '../worker/disk/index.js';
import { TmemError } from '../worker/core/errors.js';
import {
  decodePages, encodePages, resourceKey, urlKey, variantPredates, variantUrl, varyRecordFor, type PageRecord, type ResourceRecord,
} from './http/index.js';

/** Page size of the encoded records on disk: the format's unit, not a memory page. */
const DISK_PAGE_SIZE = 4096;

/** Counters of the offline tier. */
export interface OfflineTierStats {
  reads: number;
  hits: number;
  writes: number;
  errors: number;
  lastError: string | null;
}

/** The offline routes' durable copies, in one DiskLog. */
export class OfflineTier {
  readonly name: string;
  #log: Promise<DiskLog> | null = null;
  readonly #backoff: Backoff;
  /** Errors made by #open for uses refused during the backoff. */
  readonly #refusals = new WeakSet<object>();
  /** Open failures the backoff has counted (uses waiting on one open share its error). */
  readonly #counted = new WeakSet<object>();
  readonly #stats: OfflineTierStats = { reads: 0, hits: 0, writes: 0, errors: 0, lastError: null };

  /**
   * @param name the DiskLog's name (the database is "webtmem-log:" + name)
   * @param options delays between attempts to open a disk that failed to open (default 250 ms
   *   doubling to 5 s) and the clock they run on
   */
  constructor(name: string, options: { retryMinMs?: number; retryMaxMs?: number; clock?: Clock } = {}) {
    this.name = name;
    this.#backoff = new Backoff({ minMs: options.retryMinMs ?? 250, maxMs: options.retryMaxMs ?? 5000, clock: options.clock });
  }

  /** Counters. */
  get stats(): OfflineTierStats {
    return { ...this.#stats };
  }

  /**
   * Reads the durable copy of a request's resource.
   * @param request the request (URL and, for varied resources, headers)
   * @returns the resource, or null when absent or unreadable
   */
  async lookup(request: Request): Promise<ResourceRecord | null> {
    this.#stats.reads++;
    try {
      const log = await this.#open();
      const primaryKey = urlKey(request.url);
      const primary = await this.#read(log, primaryKey);
      let record: PageRecord | null = primary;
      if (primary?.kind === 'vary') {
        record = await this.#read(log, resourceKey(request.url, primary.vary, request.headers));
        // A variant from before the vary record was written anew (flush() removes every
        // variant, but another tab's log may have written this one meanwhile): not answered.
        if (record !== null && variantPredates(record, primary)) return null;
      }
      if (record?.kind !== 'resource') return null;
      this.#stats.hits++;
      return record;
    } catch (e) {
      this.#fail(e);
      return null;
    }
  }

  /**
   * Writes a resource through to disk (and its vary record first, in the same transaction).
   * Call before the body is transferred elsewhere: it is encoded (copied) at once.
   * @param record the resource
   * @param vary the names its response Varies on
   */
  async put(record: ResourceRecord, vary: readonly string[]): Promise<boolean> {
    const items = [{ key: record.key, bytes: encodePages(record, DISK_PAGE_SIZE) }];
    try {
      const log = await this.#open();
      if (vary.length > 0) {
        // The stored vary record stands while it names the same headers (its time says since
        // when its variants count: worker/cleancache/record/resource-store.ts).
        const url = variantUrl(record.key);
        const varyRecord = varyRecordFor(await this.#read(log, url), record, vary);
        if (varyRecord !== null) items.unshift({ key: url, bytes: encodePages(varyRecord, DISK_PAGE_SIZE) });
      }
      await log.writeBatch(items);
      this.#reached();
      this.#stats.writes++;
      return true;
    } catch (e) {
      this.#fail(e);
      // Workbox's convention: a quota error runs the callbacks registered with
      // registerQuotaErrorCallback (ours and a host Workbox app's), which may free space.
      if ((e as Error)?.name === 'QuotaExceededError') await executeQuotaErrorCallbacks();
      return false;
    }
  }

  /** Removes a URL's durable copies, every variant of it (RFC 9111 §4.4: after an unsafe
   *  request to it, or a response that replaces them and is not kept). */
  async flush(request: Request): Promise<void> {
    try {
      const log = await this.#open();
      const primaryKey = urlKey(request.url);
      // A variant's key is the URL's key, a newline, then the headers it varies on.
      const prefix = `${primaryKey}\n`;
      const keys = log.keys().filter((k): k is string => typeof k === 'string' && (k === primaryKey || k.startsWith(prefix)));
      await log.deleteBatch(keys);
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Every key with a durable copy (URL keys, vary records' and variants' keys); [] when the
   *  disk cannot be opened. */
  async keys(): Promise<string[]> {
    try {
      const log = await this.#open();
      return log.keys().filter((k): k is string => typeof k === 'string');
    } catch (e) {
      this.#fail(e);
      return [];
    }
  }

  /** Removes these keys' durable copies in one transaction; false when that failed. */
  async remove(keys: readonly string[]): Promise<boolean> {
    try {
      const log = await this.#open();
      await log.deleteBatch(keys.filter((k) => log.has(k)));
      return true;
    } catch (e) {
      this.#fail(e);
      return false;
    }
  }

  /** Compacts the log (its dead slots), run when a write hit the quota. */
  async compact(): Promise<void> {
    try {
      const log = await this.#open();
      await log.compact();
    } catch (e) {
      this.#fail(e);
    }
  }

  async #read(log: DiskLog, key: string): Promise<PageRecord | null> {
    if (!log.has(key)) return null;
    const bytes = await log.read(key);
    this.#reached();
    return bytes ? decodePages(bytes, DISK_PAGE_SIZE, key) : null;
  }

  #open(): Promise<DiskLog> {
    // Opened once per service-worker life. After a failed open or reopen, uses fail at once
    // (the fetch goes to the network) until the backoff lets the next one try again.
    if (!this.#backoff.ready()) {
      const refusal = new TmemError('disk-error', `offline tier: IndexedDB could not be opened (${this.#stats.lastError}); retrying after a backoff`);
      this.#refusals.add(refusal);
      return Promise.reject(refusal);
    }
    this.#log ??= openDiskLog(this.name).then(
      (log) => { this.#backoff.succeed(); return log; },
      (e) => {
        // Whatever the error is, once for every use that waited on this open.
        this.#log = null;
        this.#backoff.fail();
        if (typeof e === 'object' && e !== null) this.#counted.add(e);
        throw e;
      },
    );
    return this.#log;
  }

  /** A use that reached the database: a failing spell of opens is over. */
  #reached(): void {
    if (this.#backoff.failures > 0) this.#backoff.succeed();
  }

  #fail(e: unknown): void {
    this.#stats.errors++;
    if (this.#refusals.has(e as object)) return; // refused during the backoff: keep the open's error
    this.#stats.lastError = `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`;
    // A reopen that failed (a first open's failure was counted by #open): DiskLog throws
    // 'disk-error' only when IndexedDB refused to open (worker/disk/connection.ts), and
    // 'bad-database' when what it opened cannot be used. Other failures (quota, an aborted
    // transaction) leave the database reachable, so they start no backoff.
    const unreachable = e instanceof TmemError && (e.code === 'disk-error' || e.code === 'bad-database');
    if (unreachable && !this.#counted.has(e)) {
      this.#counted.add(e);
      this.#backoff.fail();
    }
  }
}
