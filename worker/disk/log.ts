// DiskLog: a small log-structured key/value store on IndexedDB (layout in format.ts). Values are
// packed into records of ~recordBytes, one transaction per batch; an in-memory location map says
// where each key lives; dead slots are counted and compacted away. Used by frontswap areas
// (u32 offsets, 4 KiB pages) and by the service worker (string keys, any length).
//
// This file is longer than most (about 430 lines) on purpose: every write path shares one
// serial queue, one connection, one fault hook and one error count, and splitting them would
// put those in module state anyway.
//
// Rejection rules, kept here once: a refused argument throws TmemError at once and changes
// nothing; a failed transaction rejects with the browser's own error (QuotaExceededError,
// AbortError, InvalidStateError, ...) and leaves both the database and the map as they were.
import type { TmemEvent } from '../stats.js';
import { TmemError } from '../core/errors.js';
import { connect, load, replay, type LogDB, type LogTx, type ReadTx } from './connection.js';
import {
  databaseName, recordId, compressedRecordBytes, DEFAULT_RECORD_BYTES, LEGACY_DEFAULT_RECORD_BYTES, MIN_RECORD_BYTES, MAX_RECORD_BYTES,
  STORE_RECORDS, STORE_JOURNAL, type JournalEntry,
} from './format.js';
import { checkItems, checkKey, checkKeys, type DiskItem, type DiskKey } from './key.js';
import { LocationMap } from './location-map.js';
import { pack, RecordScratch } from './pack.js';
import { runCompaction, type CompactionReport } from './compaction.js';

export type { CompactionReport };

export interface DiskLogOptions {
  /** Target record size in bytes (512..16 MiB); default: the database's, else 64512 (63 KiB,
   *  format.ts says why). */
  recordBytes?: number;
  /** Compact automatically when deadBytes / recordBytes reaches this ratio (and at least one
   *  record's worth is dead); false turns it off. Default 0.5. */
  autoCompact?: number | false;
  /** Called on 'disk-error', 'disk-recovered' and 'compaction'. */
  onEvent?: (event: TmemEvent) => void;
}

export interface DiskLogStats {
  name: string;
  liveValues: number;
  liveBytes: number;
  records: number;
  /** Bytes of all records, live plus dead. */
  recordBytes: number;
  deadBytes: number;
  /** Items in the journal since its last checkpoint. */
  journalItems: number;
  /** Write transactions committed (batches, deletes, compactions, checkpoints). */
  transactions: number;
  checkpoints: number;
  compactions: number;
  compactedRecords: number;
  /** Live bytes moved by compaction, and dead bytes it gave back. */
  movedBytes: number;
  reclaimedBytes: number;
  lastCompactionMs: number;
  totalCompactionMs: number;
  reads: number;
  /** Failed transactions, writes and reads (a read counts after its one retry failed too). */
  errors: number;
  /** Checkpoints and compactions the log started by itself after a write that failed (no
   *  caller's promise rejects for them: nothing is lost, and the next write tries again). */
  backgroundErrors: number;
  /** A write transaction failed and none has committed since. */
  failing: boolean;
  /** The newest failure: the browser's error name and message. */
  lastError: string | null;
}

/** Faults `injectFault` can make the next write transactions suffer. */
export type DiskFaultName = 'QuotaExceededError' | 'AbortError' | 'closed';

/** Journal items above which a checkpoint is written: at least this, and twice the live map. */
const CHECKPOINT_MIN_ITEMS = 4096;

/** Marks `tx.done` handled. idb makes that promise for every transaction, and one that aborts
 *  after a failed request rejects it whether or not anyone waits on it: unhandled, that would
 *  reach the thread's 'unhandledrejection' (the store worker treats that as fatal). The
 *  failure itself still reaches the caller through the request that failed. */
function settled<T extends { done: Promise<void> }>(tx: T): T {
  tx.done.catch(() => undefined);
  return tx;
}

/** Opens (creating if absent) the disk log called `name`.
 * @param name 1..200 characters; the database is named "webtmem-log:" + name
 * @param options record size, auto-compaction, event callback
 * @throws TmemError 'bad-name', 'bad-options', 'bad-database' (not ours, newer schema or
 *         corrupted), 'disk-error' (IndexedDB refused to open) */
export async function openDiskLog(name: string, options: DiskLogOptions = {}): Promise<DiskLog> {
  const dbName = databaseName(name);
  const rb = options.recordBytes;
  if (rb !== undefined && (!Number.isInteger(rb) || rb < MIN_RECORD_BYTES || rb > MAX_RECORD_BYTES)) {
    throw new TmemError('bad-options', `recordBytes must be an integer in ${MIN_RECORD_BYTES}..${MAX_RECORD_BYTES}, got ${String(rb)}`);
  }
  const ac = options.autoCompact;
  if (ac !== undefined && ac !== false && !(typeof ac === 'number' && ac > 0 && ac <= 1)) {
    throw new TmemError('bad-options', `autoCompact must be a ratio in (0, 1] or false, got ${String(ac)}`);
  }
  const log = new DiskLog(name, dbName, options);
  await log.reconnect(rb ?? DEFAULT_RECORD_BYTES);
  return log;
}

export class DiskLog {
  readonly name: string;
  /** The IndexedDB database name. */
  readonly dbName: string;
  /** Target record size. */
  recordBytes = DEFAULT_RECORD_BYTES;
  private db: LogDB | null = null;
  private map = new LocationMap();
  private lastSeq = -1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Reads in progress: they skip the queue (unless a location went stale), so close() waits
   *  for them apart. */
  private readonly reads = new Set<Promise<unknown>>();
  private closed = false;
  /** close() has closed the connection: no transaction may open it again. */
  private ended = false;
  private fault: { name: DiskFaultName; count: number } | null = null;
  /** Record buffers reused from one put to the next (pack.ts says why). */
  private readonly scratch = new RecordScratch();
  /** A write failed and none has succeeded since ('disk-recovered' is due at the next). */
  private failing = false;
  /** The same for reads. */
  private readFailing = false;
  private readonly st = {
    transactions: 0, checkpoints: 0, compactions: 0, compactedRecords: 0, movedBytes: 0,
    reclaimedBytes: 0, lastCompactionMs: 0, totalCompactionMs: 0, reads: 0, errors: 0,
    backgroundErrors: 0, lastError: null as string | null,
  };

  /** Use {@link openDiskLog}. */
  constructor(name: string, dbName: string, private readonly options: DiskLogOptions) {
    this.name = name;
    this.dbName = dbName;
  }

  /** (Re)opens the connection and reloads the committed state from the journal. */
  async reconnect(recordBytes?: number): Promise<void> {
    const { db, meta } = await connect(this.dbName, recordBytes ?? this.recordBytes, {
      lost: () => { if (this.db === db) this.db = null; },
    });
    try {
      const state = await load(this.dbName, db);
      if (this.db && this.db !== db) this.db.close();
      this.db = db;
      this.map = state.map;
      this.lastSeq = state.lastSeq;
      this.recordBytes = this.options.recordBytes
        ?? (meta.recordBytes === LEGACY_DEFAULT_RECORD_BYTES ? DEFAULT_RECORD_BYTES : meta.recordBytes);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  //#region reads (not queued, unless a compaction moved what they read: a read sees what has committed)

  /** True when the key has a committed value (sync, from the location map). */
  has(key: DiskKey): boolean { return this.map.has(key); }

  /** Every key with a committed value. */
  keys(): DiskKey[] { return this.map.keys(); }

  /** The committed value of `key` (a fresh copy), or undefined.
   * @param key a u32 offset or a string key */
  async read(key: DiskKey): Promise<Uint8Array | undefined> {
    checkKey(key, 'read');
    return (await this.readMany([key]))[0];
  }

  /** The committed values of `keys`, in order, from one transaction reading each record once.
   *  A compaction that moves a record under the read costs it a second transaction, never the
   *  value: the read is then made again behind this connection's queued writes.
   * @param keys u32 offsets or string keys */
  async readMany(keys: DiskKey[]): Promise<(Uint8Array | undefined)[]> {
    checkKeys(keys, 'readMany');
    this.assertOpen();
    const reading = this.readReported(keys);
    this.reads.add(reading);
    try {
      return await reading;
    } finally {
      this.reads.delete(reading);
    }
  }

  /** readRecords, made once more when the browser failed it: a connection the browser closes
   *  aborts the transactions running on it (AbortError) before its 'close' event comes, and a
   *  read, which changes nothing, can simply be made again (begin() then reopens). A read that
   *  still fails is counted and reported as a failed write is ('disk-error'); the first read
   *  that succeeds after one reports 'disk-recovered'. */
  private async readReported(keys: DiskKey[]): Promise<(Uint8Array | undefined)[]> {
    try {
      let values: (Uint8Array | undefined)[];
      try {
        values = await this.readRecords(keys);
      } catch (e) {
        if (e instanceof TmemError || this.closed) throw e;
        values = await this.readRecords(keys);
      }
      if (this.readFailing) {
        this.readFailing = false;
        this.emit('disk-recovered', `${this.dbName}: reads succeed again`);
      }
      return values;
    } catch (e) {
      const err = e as Error;
      if (err instanceof TmemError && err.code === 'closed') throw err;
      this.readFailing = true;
      this.emit('disk-error', `${this.dbName}: a read failed: ${this.counted(err)}`);
      throw err;
    }
  }

  private async readRecords(keys: DiskKey[]): Promise<(Uint8Array | undefined)[]> {
    // Outside the queue first: a read need not wait for the writes queued before it.
    const tx = await this.begin([STORE_RECORDS], 'readonly'); // may reopen and reload the map
    const found = await this.readSlots(tx, keys);
    if (found) return found;
    // A location went stale between the map lookup and the transaction: a compaction (ours, or
    // another connection's) committed first and moved the record. Retrying the same way could
    // lose every time while compactions keep coming, so read again where nothing can move:
    // in the write queue (none of our own transactions runs meanwhile), in one transaction that
    // first catches up with the journal and then reads the records, so the locations and the
    // records come from the same committed state (no write transaction of any connection whose
    // scope overlaps a read-only one runs while it does). One more attempt, and it cannot lose
    // a race: a record still missing then is a corrupted database.
    return this.serial(async () => {
      const rtx = await this.begin([STORE_JOURNAL, STORE_RECORDS], 'readonly');
      this.lastSeq = await replay(this.dbName, rtx as unknown as ReadTx, this.map, this.lastSeq);
      const again = await this.readSlots(rtx, keys);
      if (!again) throw new TmemError('bad-database', `${this.dbName}: the journal names a record the records store lacks`);
      return again;
    });
  }

  /** Reads `keys` at the map's locations now, each record once, in `tx`; null when a record
   *  the map names is missing (the location is stale, or the database corrupted). */
  private async readSlots(tx: { objectStore(name: typeof STORE_RECORDS): { get(id: number): Promise<ArrayBuffer | undefined> } }, keys: DiskKey[]): Promise<(Uint8Array | undefined)[] | null> {
    const slots = keys.map((k) => this.map.get(k));
    const ids = [...new Set(slots.filter((s) => s !== undefined).map((s) => s!.rec))];
    const bufs = new Map<number, ArrayBuffer | undefined>();
    await Promise.all(ids.map(async (id) => { bufs.set(id, await tx.objectStore(STORE_RECORDS).get(id)); }));
    if (ids.some((id) => bufs.get(id) === undefined)) return null;
    this.st.reads += keys.length;
    return slots.map((s) => (s ? new Uint8Array(bufs.get(s.rec)!.slice(s.off, s.off + s.len)) : undefined));
  }

  //#endregion
  //#region writes (one serial queue)

  /** Writes `items` in ONE transaction, packed into records; the last item of a key wins.
   *  Resolves once committed. The bytes are read when the transaction runs (copied into the
   *  records then): leave them unchanged until the returned promise settles.
   * @param items keys with their bytes */
  writeBatch(items: DiskItem[]): Promise<void> {
    checkItems(items, 'writeBatch');
    this.assertOpen();
    const values = new Map<DiskKey, Uint8Array>();
    for (const { key, bytes } of items) { values.delete(key); values.set(key, bytes); }
    if (values.size === 0) return Promise.resolve();
    // Laid out now, with record parts numbered from 0; copied into records at put time.
    const packing = pack(values, 0, this.recordBytes, compressedRecordBytes(this.recordBytes));
    return this.serial(() => this.append(packing, []));
  }

  /** Deletes `keys` durably in one transaction; absent keys are ignored.
   * @param keys u32 offsets or string keys */
  deleteBatch(keys: DiskKey[]): Promise<void> {
    checkKeys(keys, 'deleteBatch');
    this.assertOpen();
    const dels = [...new Set(keys)];
    if (dels.length === 0) return Promise.resolve();
    return this.serial(() => this.append(null, dels));
  }

  /** Deletes every value (records and journal), keeping the database and its seq. */
  clear(): Promise<void> {
    this.assertOpen();
    return this.serial(() => this.transact(async (tx, seq) => {
      await Promise.all([tx.objectStore(STORE_RECORDS).clear(), tx.objectStore(STORE_JOURNAL).clear()]);
      const entry: JournalEntry = { kind: 'checkpoint', recs: [], puts: [], dels: [], drop: [] };
      await tx.objectStore(STORE_JOURNAL).put(entry, seq);
      return entry;
    }));
  }

  /** Rewrites the live values of every record whose dead fraction is at least `threshold`
   *  into new records and deletes the old ones. Runs after queued writes.
   * @param opts.threshold dead fraction, default the autoCompact ratio or 0.5 */
  compact(opts: { threshold?: number } = {}): Promise<CompactionReport> {
    const t = opts.threshold ?? (this.options.autoCompact || 0.5);
    if (!(typeof t === 'number' && t > 0 && t <= 1)) throw new TmemError('bad-options', `threshold must be in (0, 1], got ${String(t)}`);
    this.assertOpen();
    return this.serial(() => this.compactNow(t));
  }

  /** Catches up with journal entries other connections committed since ours. */
  refresh(): Promise<void> {
    this.assertOpen();
    return this.serial(async () => {
      const tx = await this.begin([STORE_JOURNAL], 'readonly') as unknown as ReadTx;
      this.lastSeq = await replay(this.dbName, tx, this.map, this.lastSeq);
    });
  }

  /** Makes the next `count` write transactions fail as the browser would: 'QuotaExceededError'
   *  and 'AbortError' abort the real transaction; 'closed' closes the connection under it
   *  (the log reopens on the next write). For tests. */
  injectFault(fault: { count: number; name: DiskFaultName }): void {
    if (!Number.isInteger(fault.count) || fault.count < 0) throw new TmemError('bad-options', 'fault count must be an integer >= 0');
    this.fault = fault.count > 0 ? { ...fault } : null;
  }

  /** Counters; cheap (no IndexedDB access). */
  stats(): DiskLogStats {
    const m = this.map;
    return {
      name: this.name, liveValues: m.size, liveBytes: m.liveBytes, records: m.records,
      recordBytes: m.recordBytes, deadBytes: m.deadBytes, journalItems: m.journalItems, ...this.st,
      failing: this.failing,
    };
  }

  /** Waits for queued writes, the checkpoints and compactions they queue as they commit, and
   *  reads in progress (a read left running could reopen the connection), then closes the
   *  connection. Later calls throw 'closed'; nothing opens the database again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (;;) {
      const queue = this.queue;
      await Promise.allSettled([queue, ...this.reads]);
      if (queue === this.queue && this.reads.size === 0) break;
    }
    this.ended = true;
    this.db?.close();
    this.db = null;
  }

  //#endregion
  //#region internals

  private async append(packing: ReturnType<typeof pack> | null, dels: DiskKey[]): Promise<void> {
    await this.transact(async (tx, seq) => {
      const putKeys = packing ? packing.puts.map((p) => p[0]) : [];
      const live = dels.filter((k) => this.map.has(k));
      // Journalled after the catch-up in transact(), so drops see other writers' slots too.
      const drop = this.map.planDrops([...putKeys, ...live]);
      const id = (part: number) => recordId(seq, part);
      const entry: JournalEntry = {
        kind: 'append',
        recs: packing ? packing.recs.map(([part, size]) => [id(part), size]) : [],
        puts: packing ? packing.puts.map(([k, part, off, len]) => [k, id(part), off, len]) : [],
        dels: live,
        drop,
      };
      const records = tx.objectStore(STORE_RECORDS);
      const writes: Promise<unknown>[] = packing ? packing.records.map((r) => records.put(this.scratch.bytesOf(r), id(r.id))) : [];
      for (const d of drop) writes.push(records.delete(d));
      writes.push(tx.objectStore(STORE_JOURNAL).put(entry, seq));
      await Promise.all(writes);
      return entry;
    });
    this.afterWrite();
  }

  /** Runs one write transaction: catches up with other writers, lets `body` issue its requests
   *  under the next seq, commits, then applies the returned entry to the map. */
  async transact(body: (tx: LogTx, seq: number) => Promise<JournalEntry | null>): Promise<void> {
    const fault = this.fault;
    if (fault && --fault.count <= 0) this.fault = null;
    try {
      for (let attempt = 0; ; attempt++) {
        const db = await this.connection();
        if (fault?.name === 'closed') db.close();
        const tx = db.transaction([STORE_RECORDS, STORE_JOURNAL], 'readwrite') as unknown as LogTx;
        settled(tx);
        // Has another connection appended since our last look? Asked first but not awaited:
        // requests run in order, so the answer comes before our writes land and a stale view
        // aborts the transaction (we catch up and retry). Waiting for it would cost a round
        // trip per batch.
        let stale = false;
        const tail = tx.objectStore(STORE_JOURNAL).openKeyCursor(null, 'prev').then((c) => {
          if (c && c.key !== this.lastSeq) { stale = true; tx.abort(); }
        });
        tail.catch(() => undefined); // a failed body leaves it unawaited: never an unhandled rejection
        const seq = this.lastSeq + 1;
        let entry: JournalEntry | null;
        try {
          entry = await body(tx, seq);
          await tail;
          if (fault && fault.name !== 'closed') {
            tx.abort();
            await tx.done.catch(() => undefined);
            throw new DOMException(`injected fault on ${this.dbName}`, fault.name);
          }
          await tx.done;
        } catch (e) {
          try { tx.abort(); } catch { /* already finished or aborted */ }
          if (!stale || attempt >= 8) throw e;
          await tail.catch(() => undefined);
          const rtx = db.transaction([STORE_JOURNAL], 'readonly') as unknown as ReadTx;
          settled(rtx);
          this.lastSeq = await replay(this.dbName, rtx, this.map, this.lastSeq);
          continue;
        }
        if (entry) {
          this.map.apply(entry, (why) => new TmemError('bad-database', `${this.dbName}: ${why}`));
          this.lastSeq = seq;
        }
        this.st.transactions++;
        if (this.failing) {
          this.failing = false;
          this.emit('disk-recovered', `${this.dbName}: writes succeed again`);
        }
        return;
      }
    } catch (e) {
      const err = e as Error;
      if (err instanceof TmemError && err.code === 'bad-database') throw err;
      const text = this.counted(err);
      this.failing = true;
      // A closed connection never comes back by itself: reopen on the next call.
      if (err?.name === 'InvalidStateError' || fault?.name === 'closed') this.db = null;
      this.emit('disk-error', `${this.dbName}: ${text}`);
      throw err;
    }
  }

  private afterWrite(): void {
    const m = this.map;
    if (m.journalItems > Math.max(CHECKPOINT_MIN_ITEMS, 2 * (m.size + m.records))) {
      void this.serial(() => this.transact(async (tx, seq) => {
        const entry = this.map.checkpoint();
        const journal = tx.objectStore(STORE_JOURNAL);
        await Promise.all([journal.put(entry, seq), journal.delete(IDBKeyRange.upperBound(seq, true))]);
        this.st.checkpoints++;
        return entry;
      })).catch(this.backgroundFailed);
    }
    const ratio = this.options.autoCompact ?? 0.5;
    if (ratio !== false && m.deadBytes >= this.recordBytes && m.deadBytes >= ratio * m.recordBytes) {
      void this.serial(() => this.compactNow(ratio)).catch(this.backgroundFailed);
    }
  }

  /** A checkpoint or compaction of afterWrite failed: transact reported it as a disk error
   *  already; this counts it apart, for the area, which has no promise that rejects for it. */
  private readonly backgroundFailed = (): void => {
    this.st.backgroundErrors++;
  };

  private async compactNow(threshold: number): Promise<CompactionReport> {
    const report = await runCompaction(this.map, threshold, this.recordBytes, this.scratch, (body) => this.transact(body));
    if (report.records > 0) {
      this.st.compactions++;
      this.st.compactedRecords += report.records;
      this.st.movedBytes += report.movedBytes;
      this.st.reclaimedBytes += report.reclaimedBytes;
      this.st.lastCompactionMs = report.ms;
      this.st.totalCompactionMs += report.ms;
      this.emit('compaction', `${this.dbName}: ${report.records} records rewritten, ${report.movedBytes} bytes moved, ${report.reclaimedBytes} reclaimed in ${report.ms.toFixed(1)} ms`);
    }
    return report;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async connection(): Promise<LogDB> {
    if (this.ended) throw new TmemError('closed', `disk log "${this.name}" is closed`);
    if (!this.db) await this.reconnect();
    return this.db!;
  }

  /** A read transaction. A connection the browser closed without telling us yet (its 'close'
   *  event still on the way) throws InvalidStateError here: reopen once and carry on. */
  private async begin(stores: (typeof STORE_RECORDS | typeof STORE_JOURNAL)[], mode: 'readonly') {
    for (let attempt = 0; ; attempt++) {
      const db = await this.connection();
      try {
        return settled(db.transaction(stores, mode));
      } catch (e) {
        if ((e as Error)?.name !== 'InvalidStateError' || attempt > 0) throw e;
        if (this.db === db) this.db = null;
      }
    }
  }

  /** Counts a failed transaction and keeps its text (the browser's error name and message). */
  private counted(err: Error): string {
    this.st.errors++;
    this.st.lastError = `${err?.name}: ${err?.message}`;
    return this.st.lastError;
  }

  private assertOpen(): void {
    if (this.closed) throw new TmemError('closed', `disk log "${this.name}" is closed`);
  }

  private emit(kind: TmemEvent['kind'], message: string): void {
    try { this.options.onEvent?.({ time: Date.now(), kind, message }); } catch { /* a listener's bug is not a disk error */ }
  }

  //#endregion
}
