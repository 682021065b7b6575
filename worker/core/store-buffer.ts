// Making a store buffer and attaching to one: the cold entry points of the core. createStore
// lays out and initializes the buffer (worker/layout.ts); attach checks that a buffer is one,
// of this layout version, and hands back the engine (store.ts) on it.
import * as L from '../layout.js';
import { TmemError } from './errors.js';
import { Store } from './store.js';
import type { StoreOptions, TmemStore } from './types.js';
import { checkStoreOptions } from './validate.js';

/** Creates a store buffer. The buffer is initialized; any thread may attach() it. */
export function createStore(options: StoreOptions): SharedArrayBuffer {
  const { pageSize, totalFrames, maxPools, shared } = checkStoreOptions(options);
  const layout = L.computeLayout(pageSize, totalFrames, maxPools);
  if (shared && typeof SharedArrayBuffer !== 'function') {
    throw new TmemError('bad-options', 'SharedArrayBuffer is not available here (a page must be crossOriginIsolated); pass shared: false for a local store');
  }
  let buffer: SharedArrayBuffer | ArrayBuffer;
  try {
    buffer = shared ? new SharedArrayBuffer(layout.byteLength) : new ArrayBuffer(layout.byteLength);
  } catch (e) {
    throw new TmemError('bad-options', `cannot allocate ${layout.byteLength} bytes for the store: ${(e as Error).message}`);
  }
  const w = new Int32Array(buffer);
  w[L.H_VERSION] = L.LAYOUT_VERSION;
  w[L.H_PAGE_SIZE] = pageSize;
  w[L.H_TOTAL_FRAMES] = totalFrames;
  w[L.H_MAX_POOLS] = maxPools;
  w[L.H_BUCKETS] = layout.buckets;
  w[L.H_BUDGET] = totalFrames;
  w[L.H_NEXT_SLOT] = 1;
  w[L.H_SHARED] = shared ? 1 : 0;
  // The stack pops from the top: lay frames out so that frame 0 is handed out first.
  const stack = layout.freeStackOffset >> 2;
  for (let i = 0; i < totalFrames; i++) w[stack + i] = totalFrames - 1 - i;
  w[L.H_FREE_TOP] = totalFrames;
  Atomics.store(w, L.H_MAGIC, L.MAGIC); // last: a half-built buffer never passes attach()
  // The contract types the result as SharedArrayBuffer; in local mode it is an ArrayBuffer with
  // the same layout, which attach() accepts.
  return buffer as SharedArrayBuffer;
}

/** Attaches to a store buffer made by createStore (in this or another thread). */
export function attach(buffer: SharedArrayBuffer | ArrayBuffer): TmemStore {
  const isSab = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
  if (!isSab && !(buffer instanceof ArrayBuffer)) {
    throw new TmemError('bad-buffer', 'attach needs the SharedArrayBuffer (or local ArrayBuffer) made by createStore');
  }
  if (buffer.byteLength < L.HEADER_WORDS * L.WORD) {
    throw new TmemError('bad-buffer', `buffer of ${buffer.byteLength} bytes is too small to be a store`);
  }
  const w = new Int32Array(buffer, 0, L.HEADER_WORDS);
  if (Atomics.load(w, L.H_MAGIC) !== L.MAGIC) throw new TmemError('bad-buffer', 'buffer is not a webtmem store (bad magic)');
  if (w[L.H_VERSION] !== L.LAYOUT_VERSION) {
    throw new TmemError('bad-buffer', `store layout version ${w[L.H_VERSION]} is not this library's version ${L.LAYOUT_VERSION}`);
  }
  const layout = L.computeLayout(w[L.H_PAGE_SIZE], w[L.H_TOTAL_FRAMES], w[L.H_MAX_POOLS]);
  if (layout.byteLength !== buffer.byteLength || layout.buckets !== w[L.H_BUCKETS]) {
    throw new TmemError('bad-buffer', `store header describes ${layout.byteLength} bytes but the buffer has ${buffer.byteLength}`);
  }
  return new Store(buffer, layout);
}
