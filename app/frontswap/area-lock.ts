// One tab at a time holds an area: a Web Lock named after it, held until the area closes.
// Web Locks are per origin, so the lock spans tabs, workers and iframes of the origin, and the
// browser releases it when the holder's tab (or worker) goes away, even after a crash.
// Beside it the area's thread holds a holder lock of its own, which its disk service watches to
// learn that the area ended without closing its disk (worker/frontswap/area-disk-service.ts).
import { TmemError } from '../../worker/core/errors.js';
import { AREA_HOLDER_LOCK_PREFIX } from '../../worker/wire/frontswap.js';

/** The Web Lock name of an area. */
export const areaLockName = (name: string): string => `webtmem-area:${name}`;

/**
 * Takes the area's lock.
 * @param name the area name (already checked)
 * @param wait false: refuse at once when another holder has it; true: queue for it
 * @returns a function that releases the lock and resolves once the lock manager has let it go
 *   (the release crosses to the browser's lock manager; a close() that resolved before that
 *   would let another thread, told the area is closed, find it still held)
 * @throws TmemError 'area-locked' (rejection) when `wait` is false and the lock is held;
 *   'not-supported' where Web Locks are missing
 */
export async function takeAreaLock(name: string, wait: boolean): Promise<() => Promise<void>> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) throw new TmemError('not-supported', 'frontswap: this context has no Web Locks (navigator.locks), so an area cannot be held by one tab');
  // A lock another thread released a moment ago (its close() resolved, and it said so) may
  // still be on its way to the browser's lock manager: Chromium sends the release on the
  // lock's own channel, which is not ordered with this thread's request. A refusal is asked
  // again after a round trip to the lock manager (a query), twice at most, before it counts.
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestAreaLock(locks, name, wait);
    } catch (e) {
      if (!(e instanceof TmemError) || e.code !== 'area-locked' || attempt >= 2) throw e;
      await Promise.resolve().then(() => locks.query()).catch(() => undefined);
    }
  }
}

/** One request for the area's lock (takeAreaLock's). */
function requestAreaLock(locks: LockManager, name: string, wait: boolean): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    // Settles once the lock is released (the request's own promise).
    let released: Promise<unknown> = Promise.resolve();
    released = locks
      .request(areaLockName(name), wait ? {} : { ifAvailable: true }, (lock) => {
        if (!lock) {
          reject(new TmemError('area-locked', `frontswap: area "${name}" is held by another tab or worker of this origin; close it there, or pass { wait: true }`));
          return undefined;
        }
        // Held until release() resolves this promise.
        return new Promise<void>((release) => resolve(() => {
          release();
          return released.then(() => undefined, () => undefined);
        }));
      })
      .catch(reject);
  });
}

/**
 * Takes a lock no one else asks for, named after the area and a fresh id, and holds it until
 * released: the area's disk service asks for it, and is granted it once this thread lets go,
 * by release() or by ending.
 * @param name the area name (already checked)
 * @returns the lock's name and a function that releases it; null where Web Locks are missing
 */
export function holdHolderLock(name: string): Promise<{ lockName: string; release: () => void } | null> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(null);
  const c = globalThis.crypto as Crypto | undefined;
  const id = typeof c?.randomUUID === 'function' ? c.randomUUID() : `${Date.now()}-${Math.random()}`;
  const lockName = `${AREA_HOLDER_LOCK_PREFIX}${name}:${id}`;
  return new Promise((resolve, reject) => {
    locks
      .request(lockName, () => new Promise<void>((release) => resolve({ lockName, release })))
      .catch(reject);
  });
}
