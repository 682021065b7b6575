// The "straightforward implementation" the core issue measures against: one global spinlock, a
// linear-probing index of (object lo, object hi, index) → frame, pages in a SharedArrayBuffer.
// Persistent pages only, no eviction, no pools, no counters, no bounds on the spin: just the
// floor of what a SharedArrayBuffer page store costs per call, printed beside the core's
// figures by bench/core.mjs so the two are measured in the same run. Not part of the library.
const scratch = new BigInt64Array(1);
const halves = new Int32Array(scratch.buffer);

export class ReferenceStore {
  /**
   * @param frames pages it can hold
   * @param pageSize bytes per page
   * @param buffer another ReferenceStore's `buffer`, to share its pages from another thread
   */
  constructor(frames, pageSize, buffer) {
    this.pageSize = pageSize;
    this.slots = 1 << Math.ceil(Math.log2(frames * 2));
    this.buffer = buffer ?? new SharedArrayBuffer(16 + this.slots * 16 + frames * pageSize);
    this.w = new Int32Array(this.buffer, 0, 4 + this.slots * 4);
    const data = new Uint8Array(this.buffer, 16 + this.slots * 16);
    this.frames = Array.from({ length: frames }, (_, f) => data.subarray(f * pageSize, (f + 1) * pageSize));
  }

  #slot(lo, hi, idx) {
    const w = this.w, mask = this.slots - 1;
    let s = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(idx, 0x85ebca6b), 0xc2b2ae35) >>> 0) & mask;
    for (;;) {
      const b = 4 + s * 4;
      if (w[b + 3] === 0 || (w[b] === lo && w[b + 1] === hi && w[b + 2] === idx)) return b;
      s = (s + 1) & mask;
    }
  }

  #lock() { while (Atomics.compareExchange(this.w, 0, 0, 1) !== 0); }
  #unlock() { Atomics.store(this.w, 0, 0); }

  put(object, index, page) {
    if (typeof object !== 'bigint' || object < 0n || page.length !== this.pageSize) throw new TypeError('bad put');
    scratch[0] = object;
    this.#lock();
    const b = this.#slot(halves[0], halves[1], index);
    if (this.w[b + 3] === 0) {
      this.w[b] = halves[0]; this.w[b + 1] = halves[1]; this.w[b + 2] = index; this.w[b + 3] = ++this.w[1];
    }
    this.frames[this.w[b + 3] - 1].set(page);
    this.#unlock();
    return true;
  }

  get(object, index, into) {
    if (typeof object !== 'bigint' || object < 0n || into.length !== this.pageSize) throw new TypeError('bad get');
    scratch[0] = object;
    this.#lock();
    const f = this.w[this.#slot(halves[0], halves[1], index) + 3];
    if (f !== 0) into.set(this.frames[f - 1]);
    this.#unlock();
    return f !== 0;
  }
}
