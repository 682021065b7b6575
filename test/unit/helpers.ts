import { attach, createStore } from '../../worker/core/index.js';
import type { TmemStore } from '../../worker/core/index.js';

export const PS = 4096;

/** A fresh store of `frames` 4 KiB frames (local ArrayBuffer unless shared is asked). */
export function makeStore(frames: number, opts: { shared?: boolean; maxPools?: number } = {}): TmemStore {
  return attach(createStore({ capacityBytes: frames * PS, shared: opts.shared ?? false, maxPools: opts.maxPools }));
}

/** A page whose bytes are derived from a seed (never same-filled for seed >= 0). */
export function pageOf(seed: number, size = PS): Uint8Array {
  const p = new Uint8Array(size);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    p[i] = x >>> 24;
  }
  p[0] = seed & 0xff;
  p[1] = (seed >>> 8) & 0xff ^ 0x5a;
  return p;
}

export const UUID = '0123456789abcdef0123456789ABCDEF';

/** Byte equality without a deep-diff's cost (vitest's toEqual on 4 KiB is slow). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
