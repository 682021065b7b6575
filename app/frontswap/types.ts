// The frontswap tier's public types: options, events, what openFrontswap() hands an area.
import type { WriteBehindOptions } from '../../worker/disk/index.js';
import type { TmemEvent } from '../../worker/stats.js';
import type { AreaDiskInfo } from '../../worker/wire/frontswap.js';
import type { StoreHandle } from '../../worker/handle/store-handle.js';
import type { DiskLink } from './disk-link.js';

/** Options of client.frontswap(name, options). */
export interface FrontswapOptions {
  /** false (default): like real swap, the area is cleared when opened. true: writethrough;
   *  every page also reaches IndexedDB and the area reopens with its committed pages. */
  durable?: boolean;
  /** false (default): refuse with 'area-locked' when another tab holds the area; true: wait
   *  for it. */
  wait?: boolean;
  /** Write-behind buffer bound in pages (default 1024); store returns false when it is full. */
  bufferPages?: number;
  /** Pages per disk transaction (default 64); a partial batch waits flushDelayMs (default 20). */
  batchPages?: number;
  flushDelayMs?: number;
  /** Backoff after a failed write: retryMinMs × 2^(n-1), at most retryMaxMs (50 / 5000). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Write memory pages back when the store is over its budget (default true). */
  writeback?: boolean;
  /** Disk record size of a new area, bytes (default 64512: 15 pages of 4 KiB, the most Chromium keeps
   *  inside its database rather than as one file per record). */
  recordBytes?: number;
}

/** navigator.storage as seen when the area opened (null where unavailable). */
export interface AreaStorageInfo {
  /** persist() result for durable areas, else persisted(); null where unavailable. */
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

/** Events of a {@link Frontswap} area. */
export interface FrontswapEventMap {
  /** A disk write failed; the pages stay buffered (loadable) and are retried with backoff. Or
   *  a load from disk failed (the load rejects with 'disk-error'; the page stays on disk). Or
   *  the store closed under the area: the area is then closed, its lock released, and the
   *  message counts the buffered pages that never reached the disk. */
  error: CustomEvent<TmemEvent>;
  /** Writes succeed again after errors; or loads from disk do, after a failed one. */
  recovered: CustomEvent<TmemEvent>;
  /** Memory pages were written back to the buffer (the budget dropped, or writeback()). */
  writeback: CustomEvent<{ pages: number }>;
}

/** What an area needs from its store: the page's TmemClient and a worker's SharedTmem both
 *  fit. 'budget' tells it the budget in force may have dropped (writeback then checks the
 *  store's own frame count); 'worker-gone' that the disk service is unreachable; 'closed' that the
 *  store closed (or this thread detached): memory and disk are both gone. */
export interface FrontswapClient extends Pick<StoreHandle,
  'pageSize' | 'closed' | 'workerGone' | 'newPool' | 'destroyPool' | 'put' | 'get' | 'flushPage' | 'flushObject' | 'framesOverBudget'> {
  addEventListener(type: 'budget' | 'worker-gone' | 'closed', listener: () => void, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: 'budget' | 'worker-gone' | 'closed', listener: () => void, options?: boolean | EventListenerOptions): void;
}

/** What openFrontswap() hands the area. */
export interface AreaInit {
  client: FrontswapClient;
  link: DiskLink;
  name: string;
  durable: boolean;
  poolId: number;
  offsets: number[];
  disk: AreaDiskInfo;
  storage: AreaStorageInfo;
  buffer: Omit<WriteBehindOptions, "onEvent">;
  autoWriteback: boolean;
  /** Lets the area's locks go; resolves once the area lock is free for another holder. */
  release: () => Promise<void>;
}

