// Keys and values accepted by the disk tier (DiskLog and WriteBehind alike). Platform-neutral.
import { TmemError } from '../core/errors.js';

/** A frontswap offset (u32) or a resource key (non-empty string, e.g. a URL). */
export type DiskKey = number | string;

/** A key and its bytes, as written in one batch. */
export interface DiskItem {
  key: DiskKey;
  bytes: Uint8Array;
}

/** Longest string key: room for a URL plus the headers it varies on. */
export const MAX_STRING_KEY = 16384;

/** True for a value that is a valid {@link DiskKey}. */
export function isDiskKey(key: unknown): key is DiskKey {
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 && key <= 0xffffffff;
  return typeof key === 'string' && key.length > 0 && key.length <= MAX_STRING_KEY;
}

/** Throws 'bad-offset' unless `key` is a u32 offset or a string of 1..MAX_STRING_KEY characters.
 * @param key the key to check
 * @param what names the caller in the message */
export function checkKey(key: unknown, what: string): asserts key is DiskKey {
  if (!isDiskKey(key)) {
    const shown = typeof key === 'string' ? `a string of ${key.length} characters` : String(key);
    throw new TmemError('bad-offset', `${what}: a key must be an integer offset in [0, 2^32) or a string of 1..${MAX_STRING_KEY} characters, got ${shown}`);
  }
}

/** Throws 'bad-page-size' unless `bytes` is a Uint8Array (any length, shared or not).
 * @param bytes the value to check
 * @param what names the caller in the message */
export function checkBytes(bytes: unknown, what: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TmemError('bad-page-size', `${what}: a value must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
}

/** Checks a whole batch before anything is touched, so a bad item refuses the batch at once.
 * @param items the batch
 * @param what names the caller in the message */
export function checkItems(items: unknown, what: string): asserts items is DiskItem[] {
  if (!Array.isArray(items)) throw new TmemError('bad-options', `${what}: expected an array of {key, bytes}`);
  for (const item of items) {
    if (!item || typeof item !== 'object') throw new TmemError('bad-options', `${what}: expected {key, bytes}, got ${String(item)}`);
    checkKey((item as DiskItem).key, what);
    checkBytes((item as DiskItem).bytes, what);
  }
}

/** Checks a list of keys before anything is touched.
 * @param keys the keys
 * @param what names the caller in the message */
export function checkKeys(keys: unknown, what: string): asserts keys is DiskKey[] {
  if (!Array.isArray(keys)) throw new TmemError('bad-options', `${what}: expected an array of keys`);
  for (const key of keys) checkKey(key, what);
}
