// Bodies of page-side hits, carved out of larger ArrayBuffers. In Chromium, allocating a 4 KiB
// ArrayBuffer costs about 5 µs, more than the rest of a cleancache hit (finding the pages and
// copying them out of shared memory); handing out views of a 64 KiB slab costs a tenth of it.
// Node's Buffer pool does the same for the same reason, with the same consequence: a small
// body's `buffer` is a slab shared with other bodies (see `byteOffset`), so code that transfers
// it (postMessage) or views the whole buffer must copy it first (`body.slice()`).
//
// A slab is never written again once its space is handed out: bump allocation only, and a
// new slab when the current one is full. Each slab lives as long as any body in it (GC).
import type { BodyAllocator } from './record/index.js';

/** Bodies up to this size come from a slab; larger ones get their own buffer (their copy
 *  costs more than the allocation, and they would waste a slab's tail). */
export const POOLED_MAX_BYTES = 8192;
/** Size of each slab. */
export const SLAB_BYTES = 64 * 1024;

/** A bump allocator of body buffers. */
export class BodyPool {
  #slab = new ArrayBuffer(0);
  #used = 0;

  /** Allocates `length` bytes (zeroed only when the buffer is new: callers overwrite them). */
  readonly take: BodyAllocator = (length) => {
    if (length > POOLED_MAX_BYTES) return new Uint8Array(length);
    // 8-byte aligned, so a body may be viewed as any typed array at its own byteOffset.
    const at = (this.#used + 7) & ~7;
    if (at + length > this.#slab.byteLength) {
      this.#slab = new ArrayBuffer(SLAB_BYTES);
      this.#used = length;
      return new Uint8Array(this.#slab, 0, length);
    }
    this.#used = at + length;
    return new Uint8Array(this.#slab, at, length);
  };
}
