// The write-behind buffer keeps up to maxInFlight batches in its sink at once: their keys are
// disjoint, a newer op of a key in flight waits for that key's batch, and a batch that fails
// while another commits loses nothing (its pages stay readable and are retried, newer ops win).
// A flush waits for every op made before it, also one a newer op replaced while it waited; and
// stop() ends all of it when the sink is gone for good.
import { describe, expect, it } from 'vitest';
import { TmemError } from '../../worker/core/errors.js';
import { WriteBehind, type Clock, type DiskItem, type DiskKey, type DiskSink } from '../../worker/disk/index.js';

/** A sink whose batches settle when the test says; committed values land in `disk`. */
class HeldSink implements DiskSink {
  readonly disk = new Map<DiskKey, number>();
  readonly calls: { keys: DiskKey[]; settle: (ok: boolean) => void }[] = [];
  writeBatch(items: DiskItem[]): Promise<void> {
    // Read the bytes now, as the contract says (they may be slab slots reused after settling).
    const values = items.map(({ key, bytes }) => [key, bytes[0]] as const);
    return new Promise((resolve, reject) => {
      this.calls.push({
        keys: values.map(([k]) => k),
        settle: (ok) => {
          if (!ok) return reject(new DOMException('injected', 'QuotaExceededError'));
          for (const [k, v] of values) this.disk.set(k, v);
          resolve();
        },
      });
    });
  }
  async deleteBatch(keys: DiskKey[]): Promise<void> {
    for (const k of keys) this.disk.delete(k);
  }
}

/** Timers that fire only when the test calls fire(). */
class HeldClock implements Clock {
  timers = new Map<number, () => void>();
  #next = 1;
  now(): number { return 0; }
  setTimeout(fn: () => void): unknown { const id = this.#next++; this.timers.set(id, fn); return id; }
  clearTimeout(id: unknown): void { this.timers.delete(id as number); }
  fire(): void { const fns = [...this.timers.values()]; this.timers.clear(); for (const fn of fns) fn(); }
}

const settle = () => new Promise<void>((r) => setImmediate(r));
const page = (v: number) => new Uint8Array(1024).fill(v);
const valueOf = (wb: WriteBehind, key: number) => wb.read(key)?.[0];

function setup() {
  const sink = new HeldSink();
  const clock = new HeldClock();
  const wb = new WriteBehind(sink, { batchPages: 4, maxBatchPages: 4, flushDelayMs: 0, retryMinMs: 100, clock });
  return { sink, clock, wb };
}

describe('WriteBehind with batches in flight', () => {
  it('hands two batches of disjoint keys to the sink at once; a newer op of a key in flight waits for its batch', async () => {
    const { sink, clock, wb } = setup();
    for (let k = 0; k < 12; k++) expect(wb.enqueue(k, page(k))).toBe(true);
    await settle();
    expect(sink.calls.map((c) => c.keys)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]); // the default: 2 in flight
    expect(wb.stats().writingPages).toBe(8);
    expect(wb.enqueue(1, page(101))).toBe(true); // key 1 is in flight in the first batch
    expect(valueOf(wb, 1)).toBe(101);
    sink.calls[1].settle(true);
    await settle();
    expect(sink.calls[2].keys).toEqual([8, 9, 10, 11]); // key 1 stays pending behind its batch
    sink.calls[0].settle(true);
    await settle();
    expect(sink.disk.get(1)).toBe(1);
    clock.fire(); // a partial batch waits flushDelayMs for company
    await settle();
    expect(sink.calls[3].keys).toEqual([1]);
    const flushed = wb.flush();
    sink.calls[2].settle(true);
    sink.calls[3].settle(true);
    await flushed;
    expect(sink.disk.get(1)).toBe(101);
    for (let k = 0; k < 12; k++) if (k !== 1) expect(sink.disk.get(k)).toBe(k);
    expect(wb.stats()).toMatchObject({ inFlightPages: 0, writingPages: 0, batches: 4, pagesWritten: 13 });
  });

  it('maxInFlight 1 writes one batch at a time', async () => {
    const sink = new HeldSink();
    const wb = new WriteBehind(sink, { batchPages: 4, maxBatchPages: 4, flushDelayMs: 0, maxInFlight: 1 });
    for (let k = 0; k < 8; k++) wb.enqueue(k, page(k));
    await settle();
    expect(sink.calls.length).toBe(1);
    sink.calls[0].settle(true);
    await settle();
    expect(sink.calls.length).toBe(2);
    sink.calls[1].settle(true);
    await wb.flush();
  });

  it('a batch failing while the other commits loses nothing: kept readable, retried, newer ops win', async () => {
    const { sink, clock, wb } = setup();
    for (let k = 0; k < 8; k++) wb.enqueue(k, page(k));
    await settle();
    const flushed = wb.flush();
    const rejected = expect(flushed).rejects.toMatchObject({ name: 'QuotaExceededError' });
    wb.enqueue(2, page(102)); // newer than the write about to fail
    sink.calls[0].settle(false);
    sink.calls[1].settle(true); // handed over before the failure: no proof of recovery
    await rejected;
    await settle();
    expect(wb.stats()).toMatchObject({ errors: 1, failing: true, inFlightPages: 4 });
    expect([0, 1, 2, 3].map((k) => valueOf(wb, k))).toEqual([0, 1, 102, 3]);
    expect([4, 5, 6, 7].map((k) => sink.disk.get(k))).toEqual([4, 5, 6, 7]);
    expect(sink.calls.length).toBe(2); // waits for its backoff
    clock.fire();
    await settle();
    expect(new Set(sink.calls[2].keys)).toEqual(new Set([0, 1, 2, 3]));
    const again = wb.flush();
    sink.calls[2].settle(true);
    await again;
    expect([0, 1, 2, 3].map((k) => sink.disk.get(k))).toEqual([0, 1, 102, 3]);
    expect(wb.stats()).toMatchObject({ inFlightPages: 0, failing: false });
  });

  it('flush() waits for a key stored before it that a newer store replaced while it waited behind two batches', async () => {
    const { sink, wb } = setup();
    for (let k = 0; k < 8; k++) wb.enqueue(k, page(k));
    await settle();
    expect(sink.calls.length).toBe(2); // the in-flight limit: key 20 waits
    wb.enqueue(20, page(1));
    let flushed = false;
    const flushing = wb.flush().then(() => { flushed = true; });
    wb.enqueue(20, page(2)); // replaces the waiting copy: it now carries that store's commit
    sink.calls[0].settle(true);
    sink.calls[1].settle(true);
    await settle();
    expect(flushed).toBe(false);
    expect(sink.calls[2].keys).toEqual([20]);
    sink.calls[2].settle(true);
    await flushing;
    expect(sink.disk.get(20)).toBe(2);
  });

  it('flush() waits for a key stored before it that a newer store replaced while the key was in flight', async () => {
    const { sink, clock, wb } = setup();
    wb.enqueue(7, page(60));
    clock.fire(); // a partial batch waits flushDelayMs for company
    await settle();
    expect(sink.calls.map((c) => c.keys)).toEqual([[7]]);
    wb.enqueue(7, page(61)); // waits for the batch holding 7
    let flushed = false;
    const flushing = wb.flush().then(() => { flushed = true; });
    wb.enqueue(7, page(62));
    sink.calls[0].settle(true);
    await settle();
    expect(flushed).toBe(false);
    expect(sink.disk.get(7)).toBe(60);
    expect(sink.calls[1].keys).toEqual([7]); // one write of 7 at a time, newest last
    sink.calls[1].settle(true);
    await flushing;
    expect(sink.disk.get(7)).toBe(62);
  });

  it('stop() rejects the waiting flush, then refuses ops, retries nothing and leaves the batch in flight unheeded', async () => {
    const { sink, clock, wb } = setup();
    for (let k = 0; k < 4; k++) wb.enqueue(k, page(k));
    await settle();
    const flushed = wb.flush();
    const reason = new TmemError('closed', 'the test closed the store');
    wb.stop(reason);
    await expect(flushed).rejects.toBe(reason);
    sink.calls[0].settle(false);
    await settle();
    expect(clock.timers.size).toBe(0); // no retry
    expect(wb.stats()).toMatchObject({ errors: 0, retries: 0 });
    expect(() => wb.enqueue(9, page(9))).toThrow(expect.objectContaining({ code: 'closed' }));
    await expect(wb.flush()).rejects.toBe(reason);
  });

  it('forget() (stopped only) lets go of a key\'s copies, pending or in flight; flush() then rejects only for the copies left', async () => {
    const { sink, wb } = setup();
    for (let k = 0; k < 6; k++) wb.enqueue(k, page(k));
    await settle();
    expect(() => wb.forget(0)).toThrow(expect.objectContaining({ code: 'bad-options' }));
    expect(valueOf(wb, 0)).toBe(0); // refused, nothing changed
    const reason = new TmemError('worker-gone', 'the test ended the worker');
    wb.stop(reason);
    expect(sink.calls.map((c) => c.keys)).toEqual([[0, 1, 2, 3]]); // 4 and 5 pending
    for (let k = 0; k < 5; k++) wb.forget(k);
    expect(wb.stats().inFlightPages).toBe(1);
    expect(valueOf(wb, 0)).toBeUndefined();
    // The batch holding 0..3 commits after all: they were counted out already.
    sink.calls[0].settle(true);
    await settle();
    expect(wb.stats().inFlightPages).toBe(1);
    await expect(wb.flush()).rejects.toBe(reason); // 5 is still buffered
    wb.forget(5);
    wb.forget(99); // unknown: nothing to do
    expect(wb.stats().inFlightPages).toBe(0);
    await expect(wb.flush()).resolves.toBeUndefined();
  });

  it('refuses a maxInFlight below 1', () => {
    expect(() => new WriteBehind(new HeldSink(), { maxInFlight: 0 })).toThrow(expect.objectContaining({ code: 'bad-options' }));
  });

  it('a backlog goes in batches of up to the buffer shared by the batches in flight (maxPages / maxInFlight), or of maxBatchPages when given', async () => {
    const sizes = async (options: ConstructorParameters<typeof WriteBehind>[1]) => {
      const sink = new HeldSink();
      const wb = new WriteBehind(sink, { batchPages: 4, flushDelayMs: 0, clock: new HeldClock(), ...options });
      for (let k = 0; k < 40; k++) expect(wb.enqueue(k, page(k))).toBe(true);
      // Commit what is in the sink, round after round, until all 40 are written.
      const out: number[] = [];
      for (await settle(); sink.calls.length > 0; await settle()) {
        for (const c of sink.calls.splice(0)) { out.push(c.keys.length); c.settle(true); }
      }
      expect(sink.disk.size).toBe(40);
      return out;
    };
    expect(await sizes({ maxPages: 40 })).toEqual([20, 20]);
    expect(await sizes({ maxPages: 40, maxInFlight: 4 })).toEqual([10, 10, 10, 10]);
    expect(await sizes({ maxPages: 40, maxBatchPages: 8 })).toEqual([8, 8, 8, 8, 8]);
    // Never below batchPages: a buffer of 40 pages with 16 in flight still makes batches of 4.
    expect(await sizes({ maxPages: 40, maxInFlight: 16 })).toEqual(Array.from({ length: 10 }, () => 4));
  });

  it('refuses a maxBatchPages below 1, and names the option given when the default cannot be derived', () => {
    expect(() => new WriteBehind(new HeldSink(), { maxBatchPages: 0 })).toThrow(expect.objectContaining({ code: 'bad-options' }));
    for (const [options, name] of [[{ maxInFlight: Number.NaN }, 'maxInFlight'], [{ maxPages: Number.NaN }, 'maxPages'], [{ batchPages: 0 }, 'batchPages']] as const) {
      expect(() => new WriteBehind(new HeldSink(), options)).toThrow(expect.objectContaining({ code: 'bad-options', message: expect.stringContaining(`WriteBehind ${name} `) }));
    }
  });
});
