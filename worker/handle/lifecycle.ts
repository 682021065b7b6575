// The lifecycle words every thread reads before touching the store. The store worker creates
// a tiny buffer next to the store and hands it out with it; close() sets CLOSED and whoever
// sees the store worker die sets GONE, so every thread (page, app workers, iframes) sees both
// at its next call without a message. The memory itself stays valid while any thread holds it,
// so calls never touch freed memory, they are just refused.
//
//   lifecycle buffer (Int32Array, 8 bytes)
//   ┌────────────┬──────────────────────────────────────────────────┐
//   │ [0] CLOSED │ 1 once the owner closed the store: calls throw     │
//   │ [1] GONE   │ 1 once a thread saw the store worker die: control  │
//   │            │ calls reject, data calls keep working              │
//   └────────────┴──────────────────────────────────────────────────┘

const CLOSED = 0;
const GONE = 1;
const LIFECYCLE_BYTES = 8;

/** Atomics.waitAsync's shape (not in every TypeScript lib yet); the budget watch uses it too. */
export type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) =>
  { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/** Makes a lifecycle buffer: shared for the store worker, plain for local mode. */
export function createLifecycle(shared: boolean): SharedArrayBuffer | ArrayBuffer {
  return shared ? new SharedArrayBuffer(LIFECYCLE_BYTES) : new ArrayBuffer(LIFECYCLE_BYTES);
}

/** Checks that a value received in a message is a lifecycle buffer. */
export function isLifecycle(value: unknown): value is SharedArrayBuffer | ArrayBuffer {
  return (
    (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) &&
    value.byteLength === LIFECYCLE_BYTES
  );
}

/** One thread's view of the lifecycle words. */
export class Lifecycle {
  readonly #words: Int32Array;
  readonly #shared: boolean;

  /** @param buffer a buffer made by {@link createLifecycle}. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.#words = new Int32Array(buffer);
    this.#shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
  }

  /** True once the owner closed the store. A plain read: the data path checks it on every
   *  call (an Atomics.load is a builtin call in some engines), and a close() racing with a
   *  call may let that call through, which is a race close() allows anyway. */
  get closed(): boolean {
    return this.#words[CLOSED] !== 0;
  }

  /** True once some thread saw the store worker stop. */
  get gone(): boolean {
    return Atomics.load(this.#words, GONE) !== 0;
  }

  /** Marks the store closed for every thread (owner only), and wakes those waiting for it. */
  markClosed(): void {
    Atomics.store(this.#words, CLOSED, 1);
    if (this.#shared) Atomics.notify(this.#words, CLOSED);
  }

  /**
   * Resolves once the store is closed, or after about `timeoutMs` (the caller looks again):
   * Atomics.waitAsync on the CLOSED word where there is one (woken at once by markClosed),
   * else a timer of `timeoutMs`. Never rejects.
   */
  closedOrTimeout(timeoutMs: number): Promise<void> {
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    if (this.#shared && typeof waitAsync === 'function') {
      const result = waitAsync(this.#words, CLOSED, 0, timeoutMs);
      if (result.async) return result.value.then(() => undefined, () => undefined);
      return Promise.resolve(); // 'not-equal': closed already
    }
    return new Promise((resolve) => setTimeout(resolve, timeoutMs));
  }

  /** Marks the store worker gone for every thread. */
  markGone(): void {
    Atomics.store(this.#words, GONE, 1);
  }
}
