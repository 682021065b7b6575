// The last minutes of samples, in a fixed ring so a long-open page never grows the panel's
// memory, plus the events seen (snapshots carry only a bounded recent list).
import type { StatsSnapshot, TmemEvent } from '../../worker/stats.js';
import { toSample, type StatsSample } from './stats-sample.js';

/** Bounded history of samples and events, fed with every new snapshot. */
export class StatsHistory {
  /** Ring storage; `start` is the oldest row, `length` rows are live. */
  private readonly rows: (StatsSample | undefined)[];
  private start = 0;
  private count = 0;
  private readonly eventLog: TmemEvent[] = [];
  private readonly eventKeys = new Set<string>();
  /** The newest full snapshot (the tables show it; samples keep only totals). */
  latest: StatsSnapshot | null = null;

  /**
   * @param capacity Rows kept (default 1500: five minutes at 5 snapshots a second).
   * @param maxEvents Events kept (oldest dropped first).
   */
  constructor(readonly capacity = 1500, readonly maxEvents = 500) {
    this.rows = new Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** The newest sample, or null. */
  last(): StatsSample | null {
    return this.count ? this.rows[(this.start + this.count - 1) % this.capacity]! : null;
  }

  /**
   * Adds a snapshot. A repeat of the newest one (same seq) is ignored, and so is an older one
   * that arrives late (a lower seq, no later in time: a stats() reply overtaken by a published
   * snapshot); a lower seq at a later time means the page reloaded or the worker restarted,
   * which starts a new history.
   * @returns true when the snapshot was new.
   */
  push(snap: StatsSnapshot): boolean {
    const prev = this.last();
    if (prev && snap.seq === prev.seq && snap.time === prev.time) return false;
    if (prev && snap.seq < prev.seq) {
      if (snap.time <= prev.time) return false;
      this.clear();
    }
    const sample = toSample(snap, this.latest);
    if (this.count < this.capacity) {
      this.rows[(this.start + this.count) % this.capacity] = sample;
      this.count++;
    } else {
      this.rows[this.start] = sample;
      this.start = (this.start + 1) % this.capacity;
    }
    this.latest = snap;
    for (const e of snap.events) this.addEvent(e);
    return true;
  }

  /** Samples, oldest first. */
  samples(): StatsSample[] {
    const out: StatsSample[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.rows[(this.start + i) % this.capacity]!;
    return out;
  }

  /** Events seen, oldest first. */
  events(): readonly TmemEvent[] {
    return this.eventLog;
  }

  clear(): void {
    this.rows.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.eventLog.length = 0;
    this.eventKeys.clear();
    this.latest = null;
  }

  private addEvent(e: TmemEvent): void {
    // Every snapshot repeats the recent events; keep each one once.
    const key = `${e.time}|${e.kind}|${e.message}`;
    if (this.eventKeys.has(key)) return;
    this.eventKeys.add(key);
    this.eventLog.push(e);
    if (this.eventLog.length > this.maxEvents) {
      const old = this.eventLog.shift()!;
      this.eventKeys.delete(`${old.time}|${old.kind}|${old.message}`);
    }
  }
}
