// Publishes stats snapshots on a timer, for the panel and for client.lastStats. A snapshot is
// a few hundred bytes of JSON-able data built in the store worker from the core's counters, so
// the data path (put/get on other threads) never waits for it.
import type { StatsSnapshot } from '../stats.js';

/** Builds and sends a snapshot every `intervalMs` (0 = paused). */
export class StatsPublisher {
  readonly #build: () => StatsSnapshot;
  readonly #send: (snapshot: StatsSnapshot) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #intervalMs = 0;

  /**
   * @param build takes one snapshot.
   * @param send publishes it (postMessage to the page, or a direct call in local mode).
   * @param intervalMs milliseconds between snapshots; 0 = paused.
   */
  constructor(build: () => StatsSnapshot, send: (snapshot: StatsSnapshot) => void, intervalMs: number) {
    this.#build = build;
    this.#send = send;
    this.setInterval(intervalMs);
  }

  /** Milliseconds between snapshots now (0 = paused). */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Changes the period; 0 pauses. Sends one snapshot at once so a new period starts fresh. */
  setInterval(intervalMs: number): void {
    this.stop();
    this.#intervalMs = intervalMs;
    if (intervalMs > 0) {
      this.publish();
      this.#timer = setInterval(() => this.publish(), intervalMs);
    }
  }

  /** Sends one snapshot now. */
  publish(): StatsSnapshot {
    const snapshot = this.#build();
    this.#send(snapshot);
    return snapshot;
  }

  /** Stops the timer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
