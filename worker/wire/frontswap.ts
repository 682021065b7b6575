// The wire between a frontswap area (on the calling thread, app/frontswap/) and its disk
// service (on the hypervisor's thread: the store worker, or the page itself in 'local' mode).
// The area reaches the service with comlink over a MessagePort of its own, handed over by the
// control call `frontswapPort`, so the messages on this port are comlink's own (a discriminated
// union in comlink's protocol, typed end to end by Remote<AreaDiskApi>); what webtmem defines is
// the API below, and a reader for its one structured argument, the open request, which the
// service checks before trusting it.
import type { CompactionReport, DiskFaultName } from '../disk/index.js';
import type { FrontswapStats } from '../stats.js';
import { isFields, isNumber, isString } from './shape.js';

/** Asked once, first, on a fresh port. */
export interface AreaOpenRequest {
  /** The area name (checked on the page: 1..MAX_AREA_NAME characters). */
  name: string;
  /** true: keep the committed pages and return their offsets; false: clear the log. */
  durable: boolean;
  /** Every value of the area's log must be exactly this long. */
  pageSize: number;
  /** Record size of a new log (bytes); default the disk tier's 63 KiB (15 pages of 4 KiB). */
  recordBytes?: number;
  /** A Web Lock the area's thread holds while the area is open (AREA_HOLDER_LOCK_PREFIX, then
   *  an id of its own). The browser releases it when that thread ends, so the service learns
   *  of an area gone without close() (a MessagePort tells nothing of its other end's death) and
   *  closes then. Absent: only close() (or the host's) ends the service. */
  holderLock?: string;
  /** The id of the area's pool in the store, made before this request. With a holder lock:
   *  when the area ends without close(), the service has the hypervisor destroy that pool
   *  (only if it is still the one live under the id when the request arrived), whose persistent
   *  pages nothing could reach or free any more. */
  poolId?: number;
}

/** Start of every area's holder lock name: `webtmem-area-holder:<area>:<id>`. */
export const AREA_HOLDER_LOCK_PREFIX = 'webtmem-area-holder:';

/** Whether a value names an area's holder lock (the service never waits on another lock). */
export const isHolderLockName = (v: unknown): v is string => isString(v) && v.startsWith(AREA_HOLDER_LOCK_PREFIX);

/** Sent with an area's port (control call frontswapPort): what its disk service watches from
 *  then on, so that a thread ending before its open request arrives is seen too. */
export interface AreaWatch {
  /** The area's holder lock (see AreaOpenRequest.holderLock). */
  holderLock: string;
  /** The area's pool, made before the port was sent. */
  poolId?: number;
}

/** Whether a value is an AreaWatch: a holder lock name and, when given, a pool id from 0. */
export function isAreaWatch(v: unknown): v is AreaWatch {
  return isFields(v) && isHolderLockName(v.holderLock) && (v.poolId === undefined || isPoolId(v.poolId));
}

const isPoolId = (v: unknown): boolean => isNumber(v) && Number.isSafeInteger(v) && v >= 0;

/** What the disk holds for the area, as the service last saw it. */
export interface AreaDiskInfo {
  /** Committed pages and their bytes. */
  diskPages: number;
  diskBytes: number;
  /** Bytes of the records holding them, dead slots included. */
  diskRecordBytes: number;
  compactions: number;
  /** Failed write transactions of the log, and the last one's text. */
  errors: number;
  lastError: string | null;
  /** Of the log's failures, its own checkpoints and compactions (no call of the area's
   *  rejects for them), and whether a write has failed with none committed since. */
  backgroundErrors: number;
  failing: boolean;
}

export interface AreaOpenReply {
  /** Offsets with a committed page (empty unless durable). */
  offsets: number[];
  disk: AreaDiskInfo;
}

/** A batch read: `hits[i]` is 1 when keys[i] was on disk; its page is at i × pageSize. */
export interface AreaReadReply {
  hits: Uint8Array;
  data: ArrayBuffer;
}

/** The disk service of one area. Each write resolves once committed; a failed transaction
 *  rejects with the browser's own error (QuotaExceededError, AbortError, …) and changed
 *  nothing. */
export interface AreaDiskApi {
  open(request: AreaOpenRequest): Promise<AreaOpenReply>;
  /** Writes `offsets.length` pages, packed back to back from the start of `data` (which may be
   *  longer), in one transaction; once committed, hands `data` back (transferred) for reuse. */
  writeBatch(offsets: number[], data: ArrayBuffer): Promise<ArrayBuffer>;
  deleteBatch(offsets: number[]): Promise<void>;
  /** Reads pages in one transaction. */
  read(offsets: number[]): Promise<AreaReadReply>;
  /** Deletes every page, after every write already sent. */
  clear(): Promise<void>;
  /** The area's own counters, for the hypervisor's snapshot; answers with the disk's. */
  report(stats: FrontswapStats): AreaDiskInfo;
  /** Rewrites records whose dead fraction is at least `threshold`. */
  compact(threshold?: number): Promise<CompactionReport>;
  /** Test hook: the next `count` write transactions fail as named. */
  injectFault(fault: { count: number; name: DiskFaultName }): void;
  /** Waits for queued writes, closes the log and the port. */
  close(): Promise<void>;
}

/** Whether a value is an open request: a name, whether durable, a positive integer page size,
 *  and, when given, a positive integer record size, a holder lock name (with its prefix:
 *  the service never waits on a lock that is not an area holder's) and a pool id (an integer
 *  from 0). */
export function isAreaOpenRequest(v: unknown): v is AreaOpenRequest {
  return isFields(v) && isString(v.name) && typeof v.durable === 'boolean' && isCount(v.pageSize) &&
    (v.recordBytes === undefined || isCount(v.recordBytes)) &&
    (v.holderLock === undefined || isHolderLockName(v.holderLock)) &&
    (v.poolId === undefined || isPoolId(v.poolId));
}

const isCount = (v: unknown): boolean => isNumber(v) && Number.isSafeInteger(v) && v > 0;
