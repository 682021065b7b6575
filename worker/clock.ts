// The timer source of the timing policies (the pressure delay, the budget polling fallback):
// injected, so a test drives time by hand instead of sleeping, and the system's timers
// otherwise.

/** A handle returned by {@link Clock.setTimeout}. */
export type ClockTimer = unknown;

/** Schedules and cancels one-shot callbacks. */
export interface Clock {
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Cancels a pending callback (a timer that already fired or was cleared is ignored). */
  clearTimeout(timer: ClockTimer): void;
}

/** The platform's timers. */
export const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};
