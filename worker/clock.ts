// The time and timer source of the timing policies (the pressure delay, the budget polling
// fallback, the service worker's port timeouts): injected, so a test drives time by hand
// instead of sleeping, and the system's clock and timers otherwise.

/** A handle returned by {@link Clock.setTimeout}. */
export type ClockTimer = unknown;

/** Tells the time; schedules and cancels one-shot callbacks. */
export interface Clock {
  /** Milliseconds since an arbitrary origin (only differences mean anything). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Cancels a pending callback (a timer that already fired or was cleared is ignored). */
  clearTimeout(timer: ClockTimer): void;
}

/** The platform's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};
