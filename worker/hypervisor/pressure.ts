// The pressure policy. Browsers have no memory-pressure event a page can listen to, so the
// page's lifecycle stands in for one: a hidden, frozen or unloading page gives up part of its
// ephemeral share, and takes it back when it is visible again.
//
// The store worker has no document: the page forwards its lifecycle events as signals.
// Ordering rules:
// - 'hidden' shrinks after delayMs, so a quick tab switch costs nothing.
// - 'freeze' and 'pagehide' shrink at once: a frozen page's dedicated workers are paused as
//   well, so a pending timer would only fire after the page is already back.
// - The budget grows back only when no reason remains (visible, resumed, shown).
// The delay runs on an injected clock, so tests drive it by hand.
import { systemClock, type Clock, type ClockTimer } from '../clock.js';
import type { PressureStats } from '../stats.js';
import type { BudgetPolicy } from './budget.js';
import type { EventLog } from './events.js';

/** A lifecycle event of the page, as forwarded to the hypervisor. */
export type PressureSignal = 'hidden' | 'visible' | 'freeze' | 'resume' | 'pagehide' | 'pageshow';

const SIGNALS: readonly PressureSignal[] = ['hidden', 'visible', 'freeze', 'resume', 'pagehide', 'pageshow'];

/** {@link PressureStats} plus the policy's settings and what the last shrink took. */
export interface PressureState extends PressureStats {
  /** false when the policy is off (events are counted, nothing shrinks). */
  enabled: boolean;
  delayMs: number;
  unloading: boolean;
  /** true while the budget is cut. */
  shrunk: boolean;
  /** Frames the current (or last) cut took from the budget. */
  shrunkFrames: number;
  hiddenEvents: number;
  freezeEvents: number;
  pagehideEvents: number;
}

/** Reacts to forwarded lifecycle signals by cutting and restoring the budget. */
export class PressurePolicy {
  readonly #budget: BudgetPolicy;
  readonly #log: EventLog;
  readonly #config: { fraction: number; delayMs: number } | null;
  readonly #clock: Clock;
  #timer: ClockTimer | undefined;
  #state: PressureState;

  /**
   * @param config fraction and delay, or null when the policy is off.
   * @param budget where the cut is applied.
   * @param log where shrinks and regrows are recorded.
   * @param clock runs the delay before a 'hidden' shrink (the system's timers by default).
   */
  constructor(config: { fraction: number; delayMs: number } | null, budget: BudgetPolicy, log: EventLog, clock: Clock = systemClock) {
    this.#config = config;
    this.#clock = clock;
    this.#budget = budget;
    this.#log = log;
    this.#state = {
      enabled: config !== null, fraction: config?.fraction ?? 0, delayMs: config?.delayMs ?? 0,
      hidden: false, frozen: false, unloading: false, shrunk: false, shrunkFrames: 0,
      events: 0, shrinks: 0, regrows: 0, hiddenEvents: 0, freezeEvents: 0, pagehideEvents: 0,
    };
  }

  /** The policy's counters and state (a copy). */
  get state(): PressureState {
    return { ...this.#state };
  }

  /**
   * Takes one lifecycle signal from the page.
   * @returns the new state, or null for an unknown signal (ignored: it may come from a newer page).
   */
  signal(signal: PressureSignal): PressureState | null {
    if (!SIGNALS.includes(signal)) return null;
    const s = this.#state;
    switch (signal) {
      case 'hidden': s.hidden = true; s.hiddenEvents++; s.events++; break;
      case 'visible': s.hidden = false; break;
      case 'freeze': s.frozen = true; s.freezeEvents++; s.events++; break;
      case 'resume': s.frozen = false; break;
      case 'pagehide': s.unloading = true; s.pagehideEvents++; s.events++; break;
      case 'pageshow': s.unloading = false; break;
    }
    const pressured = s.hidden || s.frozen || s.unloading;
    if (!pressured) {
      this.#cancel();
      if (s.shrunk) this.#regrow();
    } else if (!s.shrunk) {
      if (signal === 'freeze' || signal === 'pagehide') this.#shrink(signal);
      else if (signal === 'hidden' && this.#timer === undefined) {
        this.#timer = this.#clock.setTimeout(() => { this.#timer = undefined; this.#shrink('hidden'); }, s.delayMs);
      }
    }
    return this.state;
  }

  /** Stops a pending delayed shrink (when the hypervisor closes). */
  dispose(): void {
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #shrink(cause: PressureSignal): void {
    this.#cancel();
    const s = this.#state;
    if (!this.#config || this.#config.fraction === 0 || s.shrunk) return;
    const before = this.#budget.info.budgetFrames;
    const after = this.#budget.setPressureCut(this.#config.fraction).budgetFrames;
    s.shrunk = true;
    s.shrunkFrames = before - after;
    s.shrinks++;
    this.#log.add('pressure', `${cause}: ephemeral share cut by ${this.#config.fraction * 100}% (${before} → ${after} frames)`);
  }

  #regrow(): void {
    const s = this.#state;
    const before = this.#budget.info.budgetFrames;
    const after = this.#budget.setPressureCut(0).budgetFrames;
    s.shrunk = false;
    s.regrows++;
    this.#log.add('pressure', `visible again: budget restored (${before} → ${after} frames)`);
  }
}
