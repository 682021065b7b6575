// The on-disk format of the disk log: the only file that knows how IndexedDB is laid out.
// Everything else (log.ts, location-map.ts) goes through the names and checks below.
//
//   IndexedDB database  "webtmem-log:" + name, IDB version = SCHEMA_VERSION
//   ┌──────────────┬───────────────┬───────────────────────────────────────────────────────┐
//   │ object store │ key           │ value                                                 │
//   ├──────────────┼───────────────┼───────────────────────────────────────────────────────┤
//   │ meta         │ 'format'      │ FormatMeta { magic, schema, recordBytes, created }    │
//   │ records      │ record id     │ ArrayBuffer: values packed back to back, no gaps      │
//   │ journal      │ seq           │ JournalEntry: what a transaction did to the map       │
//   └──────────────┴───────────────┴───────────────────────────────────────────────────────┘
//
//   record 7 (≤ recordBytes, or ≤ COMPRESSED_RECORD_BYTES when its values look compressible,
//   unless it holds one value larger than that)
//   ┌──────────┬──────────┬─────┬──────────┐
//   │ value a  │ value b  │ ... │ value p  │     a slot = (record, offset, length)
//   └──────────┴──────────┴─────┴──────────┘
//
//   JournalEntry (one put per write transaction, beside its records)
//   ┌────────┬──────────────────────────────┬─────────────────────────────────────────────┐
//   │ field  │ type                         │ meaning                                     │
//   ├────────┼──────────────────────────────┼─────────────────────────────────────────────┤
//   │ kind   │ 'append' | 'checkpoint'      │ a checkpoint first forgets every record and  │
//   │        │                              │ slot, then applies its own lists            │
//   │ recs   │ [id, size][]                 │ records this transaction created            │
//   │ puts   │ [key, id, offset, length][]  │ key now lives in this slot (older slot dead) │
//   │ dels   │ key[]                        │ key deleted (its slot dead)                 │
//   │ drop   │ id[]                         │ records deleted in this transaction         │
//   └────────┴──────────────────────────────┴─────────────────────────────────────────────┘
//
// Why a journal: an IndexedDB put costs ~100 µs whatever its size, so a batch of 64 pages
// must be a handful of puts (5 records of up to 63 KiB + 1 journal entry), not one put per page
// or per location. The location map is kept in memory and rebuilt at open by replaying the
// journal in seq order (one getAll). A checkpoint (the whole map in one entry, older entries
// deleted in the same transaction) keeps the journal shorter than about twice the live keys.
//
// Ids: seq grows by one per write transaction and never goes back (a checkpoint is the newest
// entry; clear() writes an empty one). Record id = seq × RECORD_ID_SPAN + part, so an id is
// never reused: a stale location held by another connection can only miss, never read the
// bytes of another key.
//
// Invariants (checked at open; a violation is 'bad-database', never a guess):
//  1. meta.magic === MAGIC and meta.schema === SCHEMA_VERSION; the stores are exactly these.
//  2. Replaying the journal references only records it created and did not drop, and every
//     slot lies inside its record's size.
//  3. The set of records the journal leaves alive equals the keys of the records store
//     (each transaction writes records and the entry that names them atomically).
//  4. A record with no live slot is dropped in the transaction that killed its last slot,
//     so dead bytes only ever sit in records that still hold something live.
import { TmemError } from '../core/errors.js';
import type { DiskKey } from './key.js';
import { isDiskKey } from './key.js';

/** Identifies a webtmem disk log; a database without it is foreign. */
export const MAGIC = 'webtmem-disk-log';
/** Layout version; also the IndexedDB version, so a newer layout is a VersionError here. */
export const SCHEMA_VERSION = 1;
/** Database names are prefixed so a log never collides with an app's own databases. */
export const DB_PREFIX = 'webtmem-log:';
/** Longest accepted log name (IndexedDB has no limit; ours keeps names readable). */
export const MAX_NAME_LENGTH = 200;

export const STORE_META = 'meta';
export const STORE_RECORDS = 'records';
export const STORE_JOURNAL = 'journal';
export const STORES = [STORE_META, STORE_RECORDS, STORE_JOURNAL] as const;
export const META_KEY = 'format';
/** Records one transaction may create; record id = seq × RECORD_ID_SPAN + part. */
export const RECORD_ID_SPAN = 2 ** 20;

/** The id of record `part` written by the transaction of journal entry `seq`. */
export const recordId = (seq: number, part: number): number => seq * RECORD_ID_SPAN + part;

/** Default record size: the largest that Chromium keeps inside its database. A value whose
 *  serialized form exceeds 64 KiB (a 64 KiB ArrayBuffer does: the clone header adds ~20 bytes)
 *  is written as a blob file of its own, so a record of exactly 64 KiB costs a file create and
 *  write on every put and a file read on every load (measured: loads 2-3× slower, spills
 *  slower too). 63 KiB holds 15 pages of 4 KiB. */
export const DEFAULT_RECORD_BYTES = 63 * 1024;
/** Records of values that look compressible (compressible.ts) are this size instead: the
 *  smallest that Chromium Snappy-compresses, and a compressed result (at most 90 %) stays
 *  inside its database. Used only when the log's record size is below it. */
export const COMPRESSED_RECORD_BYTES = 64 * 1024;
/** The record size for compressible values of a log whose records are `recordBytes`, or
 *  undefined when they get no records of their own. */
export const compressedRecordBytes = (recordBytes: number): number | undefined =>
  recordBytes < COMPRESSED_RECORD_BYTES ? COMPRESSED_RECORD_BYTES : undefined;
/** The default of logs made before the one above; such a log moves to the new default. */
export const LEGACY_DEFAULT_RECORD_BYTES = 65536;
export const MIN_RECORD_BYTES = 512;
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface FormatMeta {
  magic: typeof MAGIC;
  schema: number;
  recordBytes: number;
  created: number;
}

/** A slot as stored in the journal: [key, record id, offset, length]. */
export type SlotTuple = [DiskKey, number, number, number];

export interface JournalEntry {
  kind: 'append' | 'checkpoint';
  recs: [number, number][];
  puts: SlotTuple[];
  dels: DiskKey[];
  drop: number[];
}

/** The IndexedDB name of the log called `name`. Refuses what cannot be a log name. */
export function databaseName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new TmemError('bad-name', `a disk log name must be a string of 1..${MAX_NAME_LENGTH} characters`);
  }
  return DB_PREFIX + name;
}

function bad(dbName: string, why: string): TmemError {
  return new TmemError('bad-database', `IndexedDB database "${dbName}" is not a webtmem disk log of schema ${SCHEMA_VERSION}: ${why}`);
}

/** Checks the meta value read from an existing database (invariant 1). */
export function checkMeta(dbName: string, storeNames: ArrayLike<string>, meta: unknown): FormatMeta {
  const names = Array.from(storeNames).sort();
  if (names.join() !== [...STORES].sort().join()) {
    throw bad(dbName, `its object stores are [${names.join(', ')}]`);
  }
  const m = meta as Partial<FormatMeta> | undefined;
  if (!m || typeof m !== 'object' || m.magic !== MAGIC) throw bad(dbName, 'no format marker');
  if (m.schema !== SCHEMA_VERSION) throw bad(dbName, `it has schema ${String(m.schema)}`);
  if (!Number.isInteger(m.recordBytes) || (m.recordBytes as number) <= 0) throw bad(dbName, 'bad record size');
  return m as FormatMeta;
}

const isU32 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;
const isId = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** Checks the shape of one journal entry, so replay never reads garbage as a location. */
export function checkEntry(dbName: string, seq: unknown, value: unknown): JournalEntry {
  const e = value as Partial<JournalEntry> | undefined;
  const where = `journal entry ${String(seq)}`;
  if (!isId(seq) || !e || typeof e !== 'object') throw bad(dbName, `${where} is malformed`);
  if (e.kind !== 'append' && e.kind !== 'checkpoint') throw bad(dbName, `${where} has kind ${String(e.kind)}`);
  if (!Array.isArray(e.recs) || !Array.isArray(e.puts) || !Array.isArray(e.dels) || !Array.isArray(e.drop)) {
    throw bad(dbName, `${where} lacks its lists`);
  }
  for (const r of e.recs) if (!Array.isArray(r) || !isId(r[0]) || !isU32(r[1])) throw bad(dbName, `${where} names a bad record`);
  for (const p of e.puts) {
    if (!Array.isArray(p) || !isDiskKey(p[0]) || !isId(p[1]) || !isU32(p[2]) || !isU32(p[3])) {
      throw bad(dbName, `${where} holds a bad slot`);
    }
  }
  for (const k of e.dels) if (!isDiskKey(k)) throw bad(dbName, `${where} deletes a bad key`);
  for (const id of e.drop) if (!isId(id)) throw bad(dbName, `${where} drops a bad record`);
  return e as JournalEntry;
}

/** The error for an inconsistency found while replaying (invariants 2 and 3). */
export function corrupt(dbName: string, why: string): TmemError {
  return bad(dbName, why);
}
