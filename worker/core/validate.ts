// Argument checks shared by every core entry point. Each throws a TmemError before anything is
// touched, so a refused call leaves the store unchanged.
import { TmemError } from './errors.js';
import type { PoolFlags, StoreOptions } from './types.js';
import { MAX_POOLS_LIMIT } from '../layout.js';

export const MIN_PAGE_SIZE = 512;
export const MAX_PAGE_SIZE = 65536;
export const DEFAULT_PAGE_SIZE = 4096;
export const DEFAULT_MAX_POOLS = 64;
const TWO_64 = 1n << 64n;
const UUID_RE = /^[0-9a-fA-F]{32}$/;

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Normalized store geometry from createStore's options. */
export function checkStoreOptions(options: StoreOptions): {
  pageSize: number; totalFrames: number; maxPools: number; shared: boolean;
} {
  if (options === null || typeof options !== 'object') {
    throw new TmemError('bad-options', 'createStore needs an options object { capacityBytes, pageSize?, maxPools? }');
  }
  const { capacityBytes } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxPools = options.maxPools ?? DEFAULT_MAX_POOLS;
  if (typeof capacityBytes !== 'number' || !Number.isFinite(capacityBytes) || capacityBytes <= 0) {
    throw new TmemError('bad-options', `capacityBytes must be a positive finite number, got ${String(capacityBytes)}`);
  }
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || !isPow2(pageSize) ||
      pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    throw new TmemError('bad-options', `pageSize must be a power of two in ${MIN_PAGE_SIZE}..${MAX_PAGE_SIZE}, got ${String(pageSize)}`);
  }
  if (typeof maxPools !== 'number' || !Number.isInteger(maxPools) || maxPools < 1 || maxPools > MAX_POOLS_LIMIT) {
    throw new TmemError('bad-options', `maxPools must be an integer in 1..${MAX_POOLS_LIMIT}, got ${String(maxPools)}`);
  }
  if (options.shared !== undefined && typeof options.shared !== 'boolean') {
    throw new TmemError('bad-options', `shared must be a boolean, got ${String(options.shared)}`);
  }
  const totalFrames = Math.floor(capacityBytes / pageSize);
  if (totalFrames < 1) {
    throw new TmemError('bad-options', `capacityBytes ${capacityBytes} holds no page of ${pageSize} bytes`);
  }
  // Frame numbers live in 30 bits of an index value (SAME_FILLED is bit 30).
  if (totalFrames >= 1 << 30) {
    throw new TmemError('bad-options', `capacityBytes ${capacityBytes} is more than 2^30 pages`);
  }
  return { pageSize, totalFrames, maxPools, shared: options.shared ?? true };
}

/** Normalized pool flags; the uuid comes back as 4 words (or null). */
export function checkPoolFlags(flags: PoolFlags, storePageSize: number): {
  persistent: boolean; shared: boolean; exclusiveGets: boolean; uuid: Int32Array | null; maxPages: number;
} {
  if (flags === null || typeof flags !== 'object') {
    throw new TmemError('bad-flags', 'newPool needs a flags object { persistent, shared?, uuid?, exclusiveGets? }');
  }
  if (typeof flags.persistent !== 'boolean') {
    throw new TmemError('bad-flags', `flags.persistent must be a boolean, got ${String(flags.persistent)}`);
  }
  const shared = flags.shared ?? false;
  if (typeof shared !== 'boolean') throw new TmemError('bad-flags', `flags.shared must be a boolean, got ${String(shared)}`);
  const exclusiveGets = flags.exclusiveGets ?? false;
  if (typeof exclusiveGets !== 'boolean') {
    throw new TmemError('bad-flags', `flags.exclusiveGets must be a boolean, got ${String(exclusiveGets)}`);
  }
  if (shared && flags.persistent) throw new TmemError('bad-flags', 'a shared pool cannot be persistent (Xen refuses it too)');
  if (exclusiveGets && !flags.persistent) {
    throw new TmemError('bad-flags', 'exclusiveGets is for persistent pools (private ephemeral gets are always exclusive)');
  }
  let uuid: Int32Array | null = null;
  if (shared) {
    if (typeof flags.uuid !== 'string' || !UUID_RE.test(flags.uuid)) {
      throw new TmemError('bad-flags', `a shared pool needs a uuid of 32 hex digits, got ${String(flags.uuid)}`);
    }
    uuid = new Int32Array(4);
    for (let i = 0; i < 4; i++) uuid[i] = parseInt(flags.uuid.slice(i * 8, i * 8 + 8), 16) | 0;
  } else if (flags.uuid !== undefined) {
    throw new TmemError('bad-flags', 'a uuid names a shared pool: pass shared: true with it');
  }
  if (flags.pageSize !== undefined && flags.pageSize !== storePageSize) {
    throw new TmemError('bad-page-size', `this store's pages are ${storePageSize} bytes; pools of ${String(flags.pageSize)} bytes are not supported`);
  }
  const maxPages = flags.maxPages ?? 0;
  if (typeof maxPages !== 'number' || !Number.isInteger(maxPages) || maxPages < 0 || maxPages > 0x7fffffff) {
    throw new TmemError('bad-flags', `maxPages must be a non-negative integer, got ${String(maxPages)}`);
  }
  return { persistent: flags.persistent, shared, exclusiveGets, uuid, maxPages };
}

/** The uuid words of a shared pool as 32 lowercase hex digits. */
export function uuidToString(w: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += (w[i] >>> 0).toString(16).padStart(8, '0');
  return s;
}

export function badObject(object: unknown): TmemError {
  return new TmemError('bad-handle', `object id must be a bigint in [0, 2^64) or a safe non-negative integer, got ${describe(object)}`);
}
export function badIndex(index: unknown): TmemError {
  return new TmemError('bad-handle', `index must be an integer in [0, 2^32), got ${describe(index)}`);
}
export function badPage(what: string, page: unknown, bytes: number): TmemError {
  const got = page instanceof Uint8Array ? `${page.length} bytes` : describe(page);
  return new TmemError('bad-page-size', `${what} must be a Uint8Array of exactly ${bytes} bytes, got ${got}`);
}
export function badPool(poolId: unknown): TmemError {
  return new TmemError('bad-pool', `no live pool with id ${describe(poolId)} (never made, or destroyed)`);
}
export function storeBusy(what: string): TmemError {
  return new TmemError('store-busy', `${what}: a lock was held past the bound (a thread stalled or died inside the store)`);
}

/** Whether `e` is a store-busy refusal (the batches stop there, and count what they did). */
export function isStoreBusy(e: unknown): e is TmemError {
  return e instanceof TmemError && e.code === 'store-busy';
}

/** A Uint8Array, also one made in another realm (an iframe's): instanceof first, for speed. */
export function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array ||
    (ArrayBuffer.isView(x) && Object.prototype.toString.call(x) === '[object Uint8Array]');
}

/** True for a bigint object id in range (checked without allocating). */
export function bigintInRange(o: bigint): boolean {
  return o >= 0n && o < TWO_64;
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  return Object.prototype.toString.call(v);
}
