// Opening a disk log's IndexedDB database: create it with the layout of format.ts, or check that
// an existing one is ours (schema, stores, marker) and replay its journal into a location map.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { TmemError } from '../core/errors.js';
import {
  MAGIC, SCHEMA_VERSION, STORES, STORE_META, STORE_RECORDS, STORE_JOURNAL, META_KEY,
  checkMeta, checkEntry, corrupt, type FormatMeta, type JournalEntry,
} from './format.js';
import { LocationMap } from './location-map.js';

export interface LogSchema extends DBSchema {
  meta: { key: string; value: FormatMeta };
  records: { key: number; value: ArrayBuffer };
  journal: { key: number; value: JournalEntry };
}
export type LogDB = IDBPDatabase<LogSchema>;
/** A write transaction over the records and journal stores. */
export type LogTx = IDBPTransaction<LogSchema, (typeof STORES)[number][], 'readwrite'>;
/** Any transaction that can read the journal. */
export type ReadTx = IDBPTransaction<LogSchema, (typeof STORES)[number][], IDBTransactionMode>;

/** Hooks the connection calls when the browser or another connection takes it away. */
export interface ConnectionHooks {
  /** Another connection wants a newer version or to delete the database: we close at once so
   *  we never block it, and reopen on next use. */
  lost(why: string): void;
}

/** Opens (creating if absent) the database `dbName`; throws 'bad-database' if it is not ours.
 * @param dbName full IndexedDB name
 * @param recordBytes record size written into a new database's meta
 * @param hooks told when the connection is lost */
export async function connect(dbName: string, recordBytes: number, hooks: ConnectionHooks): Promise<{ db: LogDB; meta: FormatMeta }> {
  let db: LogDB;
  try {
    db = await openDB<LogSchema>(dbName, SCHEMA_VERSION, {
      upgrade(up, oldVersion, _newVersion, tx) {
        // oldVersion is 0 here: SCHEMA_VERSION is the first layout, and a database at a
        // higher version fails with VersionError below instead of reaching upgrade.
        void oldVersion;
        up.createObjectStore(STORE_META);
        up.createObjectStore(STORE_RECORDS);
        up.createObjectStore(STORE_JOURNAL);
        // Not awaited (idb runs upgrade synchronously). If the creation aborts (quota, a
        // backing-store error, a close), the open rejects and is reported below; the put's
        // and the transaction's own rejections are handled here, since unhandled they would
        // end the store worker (and idb makes tx.done whether or not anyone waits on it).
        tx.done.catch(() => undefined);
        tx.objectStore(STORE_META).put({ magic: MAGIC, schema: SCHEMA_VERSION, recordBytes, created: Date.now() }, META_KEY)
          .catch(() => undefined);
      },
      blocking() {
        db.close();
        hooks.lost('another connection asked for a new version or a delete');
      },
      terminated() {
        hooks.lost('the browser closed the connection');
      },
    });
  } catch (e) {
    const err = e as DOMException;
    if (err?.name === 'VersionError') {
      throw new TmemError('bad-database', `IndexedDB database "${dbName}" has a version newer than schema ${SCHEMA_VERSION}: not a disk log this code can read`);
    }
    throw new TmemError('disk-error', `cannot open IndexedDB database "${dbName}": ${err?.name}: ${err?.message}`);
  }
  try {
    const names = Array.from(db.objectStoreNames);
    const ours = names.length === STORES.length && STORES.every((s) => names.includes(s));
    // checkMeta names the stores in its message when they are not ours.
    const meta = checkMeta(dbName, names, ours ? await db.get(STORE_META, META_KEY) : undefined);
    return { db, meta };
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The committed state of a log: its location map and the seq of its newest journal entry. */
export interface LoadedState {
  map: LocationMap;
  lastSeq: number;
}

/** Replays the journal entries after `fromSeq` (all when -1) into `map` inside `tx`. Returns
 *  the newest seq seen. The journal's first entry must be a checkpoint or follow `fromSeq`. */
export async function replay(dbName: string, tx: ReadTx | LogTx, map: LocationMap, fromSeq: number): Promise<number> {
  const store = tx.objectStore(STORE_JOURNAL);
  const range = fromSeq >= 0 ? IDBKeyRange.lowerBound(fromSeq, true) : undefined;
  const [seqs, entries] = await Promise.all([store.getAllKeys(range), store.getAll(range)]);
  const fail = (why: string) => corrupt(dbName, why);
  let last = fromSeq;
  for (let i = 0; i < entries.length; i++) {
    const entry = checkEntry(dbName, seqs[i], entries[i]);
    map.apply(entry, fail);
    last = seqs[i];
  }
  return last;
}

/** Loads the whole committed state and checks invariant 3 (records match the journal).
 * @param dbName full IndexedDB name, for messages
 * @param db an open connection */
export async function load(dbName: string, db: LogDB): Promise<LoadedState> {
  const tx = db.transaction([STORE_JOURNAL, STORE_RECORDS], 'readonly') as unknown as ReadTx;
  tx.done.catch(() => undefined); // a failure reaches us through the requests below
  const map = new LocationMap();
  const [lastSeq, recordKeys] = await Promise.all([
    replay(dbName, tx, map, -1),
    tx.objectStore(STORE_RECORDS).getAllKeys(),
  ]);
  const expected = new Set(map.recordIds());
  if (recordKeys.length !== expected.size || !recordKeys.every((k) => expected.has(k))) {
    throw corrupt(dbName, `the records store holds ${recordKeys.length} records, the journal names ${expected.size}`);
  }
  return { map, lastSeq };
}
