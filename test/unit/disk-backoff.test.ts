// The disk tier's retry policy on an injected clock: the delays it asks for, and the
// write-behind buffer retrying a failing sink on that schedule and recovering, with no sleeping.
import { describe, expect, it } from 'vitest';
import { Backoff, WriteBehind, type Clock, type DiskItem } from '../../worker/disk/index.js';

/** A clock whose time moves only when told; timers run in time order as it passes them. */
class FakeClock implements Clock {
  t = 0;
  #next = 1;
  #timers: { at: number; fn: () => void; id: number }[] = [];
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void { this.#timers = this.#timers.filter((x) => x.id !== handle); }
  get pending(): number { return this.#timers.length; }
  /** Moves time forward by `ms`, running each due timer at its time, then what it queued. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.#timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every queued promise callback run (no time passes on the fake clock). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('Backoff', () => {
  it('doubles from minMs up to maxMs, is not ready while a delay runs, and resets on success', () => {
    const clock = new FakeClock();
    const b = new Backoff({ minMs: 10, maxMs: 80, clock });
    expect(b.ready()).toBe(true);
    expect([b.fail(), b.fail(), b.fail(), b.fail(), b.fail()]).toEqual([10, 20, 40, 80, 80]);
    expect(b.failures).toBe(5);
    expect(b.ready()).toBe(false);
    clock.t += 79;
    expect(b.ready()).toBe(false);
    clock.t += 1;
    expect(b.ready()).toBe(true);
    expect(b.succeed()).toBe(true);
    expect(b.succeed()).toBe(false);
    expect(b.fail()).toBe(10);
  });
});

describe('WriteBehind on an injected clock', () => {
  it('retries a failing sink at the backoff times, keeps the pages readable, and reports the recovery', async () => {
    const clock = new FakeClock();
    let failuresLeft = 3;
    const calls: number[] = [];
    const written: DiskItem[][] = [];
    const sink = {
      async writeBatch(items: DiskItem[]) {
        calls.push(clock.now());
        if (failuresLeft-- > 0) throw new DOMException('disk full', 'QuotaExceededError');
        written.push(items.map((i) => ({ key: i.key, bytes: i.bytes.slice() })));
      },
      async deleteBatch() { /* none in this test */ },
    };
    const events: string[] = [];
    const wb = new WriteBehind(sink, { batchPages: 2, retryMinMs: 10, retryMaxMs: 25, clock, onEvent: (e) => events.push(e.kind) });
    expect(wb.enqueue(1, new Uint8Array(600).fill(1))).toBe(true);
    expect(wb.enqueue(2, new Uint8Array(600).fill(2))).toBe(true); // a full batch: drained at once
    const flushed = wb.flush().then(() => 'resolved', (e: Error) => e.name);
    await clock.advance(0);
    expect(calls).toEqual([0]);
    expect(await flushed).toBe('QuotaExceededError');
    expect(wb.read(2)?.[0]).toBe(2); // still buffered and readable
    expect(wb.stats()).toMatchObject({ failing: true, errors: 1, inFlightPages: 2 });
    await clock.advance(9);
    expect(calls).toEqual([0]);
    await clock.advance(1);
    expect(calls).toEqual([0, 10]);
    await clock.advance(100);
    // 10 after the first failure, then 20, then 25 (the cap): the fourth attempt succeeds.
    expect(calls).toEqual([0, 10, 30, 55]);
    expect(written).toHaveLength(1);
    expect(written[0].map((i) => [i.key, i.bytes[0]])).toEqual([[1, 1], [2, 2]]);
    expect(events).toEqual(['disk-error', 'disk-error', 'disk-error', 'disk-recovered']);
    expect(wb.stats()).toMatchObject({ failing: false, inFlightPages: 0, errors: 3 });
    expect(wb.read(1)).toBeUndefined(); // committed: the buffer lets go
    expect(clock.pending).toBe(0);
  });
});
