// The retry policy of the disk tier: after a failure (a transaction refused, a database that
// cannot be opened), wait minMs × 2^(failures-1), at most maxMs, before trying again; a success
// resets it. One policy for the write-behind buffer's retries and the service worker's reopen
// of its offline log. Time comes from an injected Clock, so tests step it instead of sleeping.

/** Where the disk tier reads the time and sets its timers (setTimeout returns a truthy handle). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The platform's clock: performance.now and the global timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BackoffOptions {
  /** First delay after a failure, ms (>= 0). */
  minMs: number;
  /** Longest delay, ms (>= minMs). */
  maxMs: number;
  clock?: Clock;
}

export class Backoff {
  readonly clock: Clock;
  readonly #minMs: number;
  readonly #maxMs: number;
  #failures = 0;
  #notBefore = -Infinity;

  /** @param options delays and clock (the system clock by default) */
  constructor(options: BackoffOptions) {
    this.#minMs = options.minMs;
    this.#maxMs = Math.max(options.minMs, options.maxMs);
    this.clock = options.clock ?? systemClock;
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure; returns how long to wait before the next attempt, ms. */
  fail(): number {
    this.#failures++;
    const delay = Math.min(this.#maxMs, this.#minMs * 2 ** Math.min(this.#failures - 1, 30));
    this.#notBefore = this.clock.now() + delay;
    return delay;
  }

  /** Records a success: the next failure waits minMs again. True if it ended a failing spell. */
  succeed(): boolean {
    const was = this.#failures > 0;
    this.#failures = 0;
    this.#notBefore = -Infinity;
    return was;
  }

  /** True when no failure is being waited out: an attempt may be made now. */
  ready(): boolean {
    return this.clock.now() >= this.#notBefore;
  }
}
