// A clock the test moves by hand: timers fire only inside advance(), in time order.
import type { Clock, ClockTimer } from '../../worker/clock.js';

export class ManualClock implements Clock {
  /** The time now, in ms. */
  time = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(timer: ClockTimer): void {
    this.#timers.delete(timer as number);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}
