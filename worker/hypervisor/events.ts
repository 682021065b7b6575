// The hypervisor's recent events (budget changes, pressure, faults), kept for the stats panel.
import type { TmemEvent, TmemEventKind } from '../stats.js';

/** A bounded log: the newest `limit` events, oldest first. */
export class EventLog {
  readonly #limit: number;
  #events: TmemEvent[] = [];

  /** @param limit how many events to keep. */
  constructor(limit = 64) {
    this.#limit = limit;
  }

  /** Appends an event stamped with Date.now(), dropping the oldest beyond the limit. */
  add(kind: TmemEventKind, message: string): TmemEvent {
    const event = { time: Date.now(), kind, message };
    this.#events.push(event);
    if (this.#events.length > this.#limit) this.#events.splice(0, this.#events.length - this.#limit);
    return event;
  }

  /** A copy of the events, oldest first. */
  list(): TmemEvent[] {
    return this.#events.slice();
  }
}
