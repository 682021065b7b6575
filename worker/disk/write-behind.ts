// WriteBehind: the seed's "buffering layer" in front of a slow device. A synchronous, bounded
// buffer of page copies that drains to a sink (a DiskLog, or a proxy to one) in batches, up to
// maxInFlight batches at a time (the next batch waits in the sink while one commits, so the disk
// never idles for a thread hop). Platform-neutral; time and timers come from a Clock (./backoff.ts).
// About 390 lines: a slot's
// lifetime is its op's, kept by the same four places (enqueue, invalidate, drain, fail), so
// they stay together; the slab itself is ./slab.ts.
//
// Coherency rules, kept here once:
//  - enqueue copies; read serves the newest buffered state of a key, written or not yet.
//  - A key has at most one op pending and one op in flight. A newer op waits in `pending`
//    until the batch holding the key settles, so an invalidate of a key being written is issued
//    after that write commits (no resurrection), and a newer enqueue is written after it. So the
//    batches in flight hold disjoint keys, and the order in which they commit (or fail) does
//    not matter.
//  - A failed batch goes back to the front of `pending` (unless a newer op superseded it):
//    pages are never dropped, stay readable, and are retried with exponential backoff.
//  - flush() resolves when every op made before it has committed, by itself or by a newer op of
//    its key: an op that replaces a pending one inherits its seq, so a flush made between the
//    two waits for the newer one. It rejects with the sink's error when a batch fails while it
//    waits (the pages stay buffered and retried).
//  - stop() ends the buffer for good when its sink cannot be reached any more (the store
//    closed): waiting and later flushes reject, nothing more is handed to the sink.
//  - Page copies live in slots of a slab (./slab.ts): the first value of MIN_SLOT_BYTES..
//    MAX_SLOT_BYTES fixes the slot size (a frontswap area's page size); values of another
//    length are copied with slice(). A slot is given back only when no sink can read it: when
//    its op is replaced while pending, or leaves `writing` after the sink's promise settled
//    (committed, or superseded after a failure). Never while a batch holding it is written.
import type { TmemEvent } from '../stats.js';
import { TmemError } from '../core/errors.js';
import { checkBytes, checkKey, type DiskItem, type DiskKey } from './key.js';
import { Slab } from './slab.js';
import { Backoff, systemClock, type Clock } from './backoff.js';

/** Smallest and largest values copied into slab slots (others are sliced). */
const MIN_SLOT_BYTES = 512;
const MAX_SLOT_BYTES = 64 * 1024;

/** Where batches go. A DiskLog is one. */
export interface DiskSink {
  /** The items' bytes may be views of the buffer's slab: read them before the returned promise
   *  settles (DiskLink copies them at once, DiskLog when its transaction runs), never after;
   *  copy what must be kept. */
  writeBatch(items: DiskItem[]): Promise<void>;
  deleteBatch(keys: DiskKey[]): Promise<void>;
}

export interface WriteBehindOptions {
  /** Most page copies held (pending plus in flight); default 1024. */
  maxPages?: number;
  /** Most bytes held; default 16 MiB. */
  maxBytes?: number;
  /** Ops that make a batch worth writing at once; default 64. */
  batchPages?: number;
  /** Most ops one batch (one transaction) takes when a backlog has built up behind a slow
   *  disk: fewer, larger transactions catch up faster. Default: the buffer shared by the
   *  batches in flight, maxPages / maxInFlight (at least batchPages). Measured in Chromium
   *  (2026-12-07, 4,096 pages spilled through a buffer of as many, three interleaved pairs of
   *  runs): batches of up to 2,048 pages spilled 13,700-21,400 pages/s, batches of up to 256
   *  (the default before) 10,200-15,600, 1.20-1.56× as fast pair by pair, with loads of
   *  spilled pages no slower. */
  maxBatchPages?: number;
  /** Batches handed to the sink and not yet settled, at most; default 2. */
  maxInFlight?: number;
  /** A partial batch waits this long for company; default 20 ms. */
  flushDelayMs?: number;
  /** Backoff after a failed batch: retryMinMs × 2^(failures-1), at most retryMaxMs. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Page copies live in a slab of mapped memory, kept while in use; once every copy has been
   *  committed for this long, it shrinks to one chunk. Default 5000 ms. */
  slabIdleMs?: number;
  /** Called on 'disk-error' and 'disk-recovered'. */
  onEvent?: (event: TmemEvent) => void;
  /** Time and timers of the batching delay and the retries (tests step a fake one). */
  clock?: Clock;
}

export interface WriteBehindStats {
  /** Page copies buffered and not yet committed (pending plus in the batch being written). */
  inFlightPages: number;
  /** Of those, pages in the batches being written now. */
  writingPages: number;
  /** Invalidates not yet committed. */
  pendingDeletes: number;
  bufferedBytes: number;
  /** Bytes the page slab holds, slots free or not (one chunk when idle, at most the limits). */
  slabBytes: number;
  batches: number;
  pagesWritten: number;
  deletesWritten: number;
  /** enqueue calls that returned false (buffer full). */
  refused: number;
  errors: number;
  retries: number;
  lastError: string | null;
  /** True from a failed batch until one succeeds. */
  failing: boolean;
}

/** One buffered op: a page copy, or null for an invalidate. */
interface Op {
  bytes: Uint8Array | null;
  /** The seq of the oldest op of the key this one carries: its own, or that of the pending op
   *  it replaced (whose commit it now stands for). A flush waits for every op up to its target. */
  seq: number;
  /** bytes is a slab slot, given back when the op goes. */
  slot: boolean;
}


export class WriteBehind {
  private pending = new Map<DiskKey, Op>();
  private writing = new Map<DiskKey, Op>();
  private readonly o: Required<Omit<WriteBehindOptions, 'onEvent' | 'clock'>>;
  private pages = 0;
  private bytes = 0;
  private seq = 0;
  /** Batches handed to the sink and not settled. */
  private inFlight = 0;
  /** Failed batches so far: a batch handed over before the latest failure proves no recovery. */
  private failures = 0;
  /** A drain is queued as a microtask. */
  private drainQueued = false;
  private closed = false;
  /** Set by stop(): why nothing more is written. */
  private stopped: { reason: unknown } | null = null;
  private delayTimer: unknown = null;
  private retryTimer: unknown = null;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  /** Made at the first value of slot size; null until then. */
  private slab: Slab | null = null;
  private waiters: { target: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly st = { batches: 0, pagesWritten: 0, deletesWritten: 0, refused: 0, errors: 0, retries: 0, lastError: null as string | null };

  /** @param sink where batches are written
   *  @param options limits, batching and retry timing, event callback */
  constructor(private readonly sink: DiskSink, private readonly options: WriteBehindOptions = {}) {
    const o = {
      maxPages: options.maxPages ?? 1024, maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
      batchPages: options.batchPages ?? 64, maxBatchPages: options.maxBatchPages ?? 1,
      maxInFlight: options.maxInFlight ?? 2,
      flushDelayMs: options.flushDelayMs ?? 20,
      retryMinMs: options.retryMinMs ?? 50, retryMaxMs: options.retryMaxMs ?? 5000,
      slabIdleMs: options.slabIdleMs ?? 5000,
    };
    for (const [k, v] of Object.entries(o)) {
      const min = k === 'flushDelayMs' || k === 'retryMinMs' || k === 'slabIdleMs' ? 0 : 1;
      if (typeof v !== 'number' || Number.isNaN(v) || v < min) throw new TmemError('bad-options', `WriteBehind ${k} must be a number >= ${min}, got ${String(v)}`);
    }
    // Derived once the numbers it comes from are known to be good (an error names the option
    // given, not this one).
    if (options.maxBatchPages === undefined) o.maxBatchPages = Math.max(o.batchPages, Math.floor(o.maxPages / o.maxInFlight));
    this.o = o;
    this.clock = options.clock ?? systemClock;
    this.backoff = new Backoff({ minMs: o.retryMinMs, maxMs: o.retryMaxMs, clock: this.clock });
  }

  /** Buffers a copy of `bytes` for `key`; false at once (nothing changed) when the buffer is
   *  full. Synchronous.
   * @param key u32 offset or string key
   * @param bytes the page (any Uint8Array, shared or not; copied) */
  enqueue(key: DiskKey, bytes: Uint8Array): boolean {
    checkKey(key, 'enqueue');
    checkBytes(bytes, 'enqueue');
    if (this.closed) throw new TmemError('closed', 'the write-behind buffer is closed');
    const old = this.pending.get(key);
    const prev = old?.bytes;
    const addPages = prev ? 0 : 1;
    const addBytes = bytes.byteLength - (prev?.byteLength ?? 0);
    if (this.pages + addPages > this.o.maxPages || this.bytes + addBytes > this.o.maxBytes) {
      this.st.refused++;
      return false;
    }
    if (old) {
      this.pending.delete(key);
      this.release(old); // pending: no batch holds it
    }
    this.pending.set(key, this.copy(bytes, old?.seq ?? ++this.seq));
    this.pages += addPages;
    this.bytes += addBytes;
    this.schedule();
    return true;
  }

  /** Drops `key` from the buffer and schedules its durable delete, issued after any write of
   *  the key already in flight. Never refused. Synchronous.
   * @param key u32 offset or string key */
  invalidate(key: DiskKey): void {
    checkKey(key, 'invalidate');
    if (this.closed) throw new TmemError('closed', 'the write-behind buffer is closed');
    const old = this.pending.get(key);
    if (old) {
      if (old.bytes) { this.pages--; this.bytes -= old.bytes.byteLength; }
      this.pending.delete(key);
      this.release(old);
    }
    this.pending.set(key, { bytes: null, seq: old?.seq ?? ++this.seq, slot: false });
    this.schedule();
  }

  /** The newest buffered state of `key`: its bytes (a copy, or copied into `into`), null when
   *  an invalidate is buffered (a miss: do not ask the disk), undefined when the buffer knows
   *  nothing of the key (ask the disk). Synchronous.
   * @param key u32 offset or string key
   * @param into optional destination of exactly the value's length */
  read(key: DiskKey, into?: Uint8Array): Uint8Array | null | undefined {
    checkKey(key, 'read');
    const op = this.pending.get(key) ?? this.writing.get(key);
    if (!op) return undefined;
    if (!op.bytes) return null;
    if (!into) return op.bytes.slice();
    checkBytes(into, 'read');
    if (into.byteLength !== op.bytes.byteLength) {
      throw new TmemError('bad-page-size', `read: destination has ${into.byteLength} bytes, the value ${op.bytes.byteLength}`);
    }
    into.set(op.bytes);
    return into;
  }

  /** Resolves when every op made before this call has committed; rejects with the sink's
   *  error if a batch fails meanwhile. Writes at once, cutting any delay or backoff. */
  flush(): Promise<void> {
    if (this.pending.size === 0 && this.writing.size === 0) return Promise.resolve();
    // Stopped, only page copies count: a delete that can no longer be written loses nothing
    // a caller could still load.
    if (this.stopped) return this.pages > 0 ? Promise.reject(this.stopped.reason) : Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ target: this.seq, resolve, reject }));
    if (this.retryTimer) { this.clock.clearTimeout(this.retryTimer); this.retryTimer = null; this.st.retries++; }
    void this.drain();
    return p;
  }

  /** Refuses further ops, then flushes (rejects like flush; pages stay and are retried). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Ends the buffer for good without writing what it holds, for a sink that can never be
   *  reached again (the store closed): waiting flushes reject with `reason`, and so do later ones
   *  while page copies are buffered (forget() lets go of one); later enqueues and invalidates throw 'closed'; the batching delay
   *  and any retry are cancelled, and batches in flight settle unheeded.
   * @param reason what waiting and later flushes reject with */
  stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = { reason };
    this.closed = true;
    if (this.delayTimer) { this.clock.clearTimeout(this.delayTimer); this.delayTimer = null; }
    if (this.retryTimer) { this.clock.clearTimeout(this.retryTimer); this.retryTimer = null; }
    for (const w of this.waiters.splice(0)) w.reject(reason);
  }

  /** After stop(): lets go of `key`'s buffered ops (its caller dropped the page, which can no
   *  longer be written or loaded), so that flush() stops rejecting for them. A batch still in
   *  flight may read an op's bytes until it settles, so their slot is not reused.
   * @param key u32 offset or string key */
  forget(key: DiskKey): void {
    if (!this.stopped) throw new TmemError('bad-options', 'forget: only a stopped buffer forgets (use invalidate)');
    for (const ops of [this.pending, this.writing]) {
      const op = ops.get(key);
      if (!op) continue;
      ops.delete(key);
      if (op.bytes) { this.pages--; this.bytes -= op.bytes.byteLength; }
    }
  }

  /** Counters; cheap. */
  stats(): WriteBehindStats {
    let writingPages = 0;
    let deletes = 0;
    for (const op of this.writing.values()) op.bytes ? writingPages++ : deletes++;
    for (const op of this.pending.values()) if (!op.bytes) deletes++;
    return {
      inFlightPages: this.pages, writingPages, pendingDeletes: deletes, bufferedBytes: this.bytes,
      slabBytes: this.slab?.heldBytes ?? 0,
      ...this.st, failing: this.backoff.failures > 0,
    };
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.inFlight >= this.o.maxInFlight || this.retryTimer || this.drainQueued) return; // drain runs again when they end
    if (this.pending.size >= this.o.batchPages || this.waiters.length > 0) {
      if (this.delayTimer) { this.clock.clearTimeout(this.delayTimer); this.delayTimer = null; }
      // One queued drain for a burst of stores, not one per store.
      this.drainQueued = true;
      queueMicrotask(() => { this.drainQueued = false; void this.drain(); });
    } else if (!this.delayTimer) {
      this.delayTimer = this.clock.setTimeout(() => { this.delayTimer = null; void this.drain(); }, this.o.flushDelayMs);
    }
  }

  private async drain(): Promise<void> {
    if (this.stopped || this.inFlight >= this.o.maxInFlight || this.retryTimer) return;
    if (this.delayTimer) { this.clock.clearTimeout(this.delayTimer); this.delayTimer = null; }
    if (this.pending.size === 0) return this.settle();
    // Keys in flight stay pending until their batch settles (the coherency rules above).
    const batch = new Map<DiskKey, Op>();
    for (const [key, op] of this.pending) {
      if (batch.size >= this.o.maxBatchPages) break;
      if (!this.writing.has(key)) batch.set(key, op);
    }
    if (batch.size === 0) return; // drained again when the batches holding them settle
    for (const [key, op] of batch) { this.pending.delete(key); this.writing.set(key, op); }
    this.inFlight++;
    const failuresBefore = this.failures;
    if (this.pending.size > 0) this.schedule(); // the next batch, queued in the sink meanwhile
    try {
      const writes: DiskItem[] = [];
      const ops: Op[] = [];
      const dels: DiskKey[] = [];
      for (const [key, op] of batch) {
        if (op.bytes) { writes.push({ key, bytes: op.bytes }); ops.push(op); } else dels.push(key);
      }
      if (writes.length > 0) {
        await this.sink.writeBatch(writes);
        for (let i = 0; i < writes.length; i++) {
          batch.delete(writes[i].key);
          // forget() may have let go of it meanwhile (a stopped buffer): counted out already.
          if (this.writing.get(writes[i].key) !== ops[i]) continue;
          this.writing.delete(writes[i].key);
          this.pages--;
          this.bytes -= writes[i].bytes.byteLength;
          this.release(ops[i]); // committed: the sink is done with it
        }
        this.st.pagesWritten += writes.length;
      }
      if (dels.length > 0) {
        await this.sink.deleteBatch(dels);
        for (const key of dels) this.writing.delete(key);
        this.st.deletesWritten += dels.length;
      }
      this.st.batches++;
      if (failuresBefore === this.failures && this.backoff.succeed()) {
        this.emit('disk-recovered', 'write-behind: the disk accepts writes again');
      }
    } catch (e) {
      this.inFlight--;
      this.fail(batch, e);
      return;
    }
    this.inFlight--;
    this.settle();
    if (this.pending.size > 0) this.schedule();
  }

  /** `batch` (its ops not yet committed) failed with `e`. */
  private fail(batch: Map<DiskKey, Op>, e: unknown): void {
    if (this.stopped) return; // nothing is retried any more, nor reported
    // Back to the front of the queue, unless a newer op of the key came meanwhile: that one
    // then carries the failed op's commit too.
    const merged = new Map<DiskKey, Op>();
    for (const [key, op] of batch) {
      this.writing.delete(key);
      const newer = this.pending.get(key);
      if (!newer) { merged.set(key, op); continue; }
      newer.seq = Math.min(newer.seq, op.seq);
      if (op.bytes) { this.pages--; this.bytes -= op.bytes.byteLength; this.release(op); } // the batch settled
    }
    for (const [key, op] of this.pending) merged.set(key, op);
    this.pending = merged;
    const err = e as Error;
    this.failures++;
    this.st.errors++;
    this.st.lastError = `${err?.name}: ${err?.message}`;
    const delay = this.backoff.fail();
    this.emit('disk-error', `write-behind: ${this.st.lastError}; ${this.pages} pages kept, retry in ${delay} ms`);
    for (const w of this.waiters.splice(0)) w.reject(e);
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer); // one retry, after the newest failure
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.st.retries++;
      void this.drain();
    }, delay);
  }

  /** A new op of `seq` holding a copy of `bytes`: in a slab slot when the size fits, else sliced. */
  private copy(bytes: Uint8Array, seq: number): Op {
    const n = bytes.byteLength;
    if (!this.slab && n >= MIN_SLOT_BYTES && n <= MAX_SLOT_BYTES) {
      // Slots in use never exceed the pages held, nor their bytes maxBytes.
      this.slab = new Slab(n, Math.min(this.o.maxPages, Math.floor(this.o.maxBytes / n)), this.o.slabIdleMs);
    }
    const slot = this.slab && n === this.slab.slotBytes ? this.slab.take() : null;
    if (!slot) return { bytes: bytes.slice(), seq, slot: false };
    slot.set(bytes);
    return { bytes: slot, seq, slot: true };
  }

  /** Gives `op`'s slot back; call once, when the op leaves the buffer and no sink reads it. */
  private release(op: Op): void {
    if (op.slot) this.slab!.give(op.bytes!);
  }

  /** Resolves the flushes whose ops have all committed. */
  private settle(): void {
    if (this.waiters.length === 0) return;
    let oldest = Infinity;
    for (const op of this.writing.values()) oldest = Math.min(oldest, op.seq);
    for (const op of this.pending.values()) oldest = Math.min(oldest, op.seq);
    this.waiters = this.waiters.filter((w) => {
      if (w.target >= oldest) return true;
      w.resolve();
      return false;
    });
  }

  private emit(kind: TmemEvent['kind'], message: string): void {
    try { this.options.onEvent?.({ time: Date.now(), kind, message }); } catch { /* a listener's bug is not a disk error */ }
  }
}
