// Watches the core's budget word from a thread the store worker posts nothing to (an app
// worker or iframe). Every setBudget notifies the word, so the watch awaits it with
// Atomics.waitAsync: no thread blocks and nothing runs between changes. Where waitAsync is
// missing (or the store is a plain buffer), it reads the word every pollMs on an injected clock.
import * as L from '../layout.js';
import { systemClock, type Clock, type ClockTimer } from '../clock.js';
import type { WaitAsync } from './lifecycle.js';

/** Where Atomics.waitAsync is missing, how often the word is read. */
export const BUDGET_POLL_MS = 100;
/** Bound on one wait for the word, so a wait left behind by a stopped watch ends. */
const BUDGET_WAIT_MS = 30_000;


/** Options of a {@link BudgetWatch}; the defaults are the platform's. */
export interface BudgetWatchOptions {
  clock?: Clock;
  pollMs?: number;
  /** Atomics.waitAsync, or null to poll. */
  waitAsync?: WaitAsync | null;
}

/** Calls `onChange(frames)` whenever the budget word of a store changes, while started. */
export class BudgetWatch {
  readonly #header: Int32Array;
  readonly #onChange: (budgetFrames: number) => void;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #waitAsync: WaitAsync | null;
  // Incremented by each start and stop: a wait that wakes under an older number belongs to a
  // stopped watch and ends there.
  #generation = 0;
  #timer: ClockTimer | undefined;
  #last = 0;

  /**
   * @param buffer the store's buffer (its header holds the budget word).
   * @param onChange told the new budget in frames after each change.
   */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer, onChange: (budgetFrames: number) => void, options: BudgetWatchOptions = {}) {
    this.#header = new Int32Array(buffer, 0, L.HEADER_WORDS);
    this.#onChange = onChange;
    this.#clock = options.clock ?? systemClock;
    this.#pollMs = options.pollMs ?? BUDGET_POLL_MS;
    const native = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    const canWait = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
    this.#waitAsync = options.waitAsync !== undefined ? options.waitAsync : canWait && typeof native === 'function' ? native : null;
  }

  /** Whether the watch runs. */
  get running(): boolean {
    return this.#generation % 2 === 1;
  }

  /** Starts watching from the value now in the word. */
  start(): void {
    if (this.running) return;
    const generation = ++this.#generation;
    this.#last = this.#read();
    const waitAsync = this.#waitAsync;
    if (!waitAsync) {
      const poll = (): void => {
        if (generation !== this.#generation) return;
        this.#check();
        this.#timer = this.#clock.setTimeout(poll, this.#pollMs);
      };
      this.#timer = this.#clock.setTimeout(poll, this.#pollMs);
      return;
    }
    const next = (): void => {
      if (generation !== this.#generation) return;
      this.#check();
      // Waits on the value just seen: a change between the read and the wait is 'not-equal',
      // read again at once, so no change is missed.
      const result = waitAsync(this.#header, L.H_BUDGET, this.#last, BUDGET_WAIT_MS);
      if (result.async) result.value.then(next, () => {});
      else queueMicrotask(next);
    };
    next();
  }

  /** Stops watching; a wait still pending ends without a call. */
  stop(): void {
    if (!this.running) return;
    this.#generation++;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #read(): number {
    return Atomics.load(this.#header, L.H_BUDGET);
  }

  #check(): void {
    const frames = this.#read();
    if (frames === this.#last) return;
    this.#last = frames;
    this.#onChange(frames);
  }
}
