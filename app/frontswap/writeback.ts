// Frontswap shrink: when the store is over its budget (the hypervisor lowered it), an area
// moves its least recently used memory pages to the write-behind buffer and frees their frames.
// A page is copied into the buffer before its frame is freed, so it stays loadable throughout;
// durable areas skip the copy (every page is on its way to disk already).
// Areas on other threads may write back at the same moment, each seeing the whole excess, so
// a rebalance looks at the store again every few pages and stops once it is within budget.
import type { WriteBehind } from '../../worker/disk/index.js';
import type { TierMap } from './tier-map.js';
import type { FrontswapClient } from './types.js';

/** Object id of every page of an area in its pool; the offset is the index. */
export const OBJECT = 0;

/** Pages a rebalance moves between two looks at the store's excess: what areas on other
 *  threads may move meanwhile is at most this many pages each past the budget. */
export const REBALANCE_CHECK_PAGES = 16;

/** The parts of an area writeback works on. */
export interface WritebackArea {
  readonly client: FrontswapClient;
  readonly poolId: number;
  readonly durable: boolean;
  readonly map: TierMap;
  readonly wb: WriteBehind;
  /** False once the area is closed: queued rebalances then do nothing. */
  isOpen(): boolean;
  /** Told how many pages one run moved (> 0). */
  moved(pages: number): void;
  /** Told why an automatic rebalance (a timer's, or the budget event's) stopped: store-busy,
   *  a lock held by a dead thread. It runs where nobody could catch what it threw. */
  failed(error: unknown): void;
}

export class Writeback {
  readonly #a: WritebackArea;
  readonly #auto: boolean;
  readonly #scratch: Uint8Array;
  #queued = false;
  #waitingForRoom = false;

  /**
   * @param area the area's map, buffer and pool
   * @param auto rebalance by itself (after spills, budget events, recoveries)
   */
  constructor(area: WritebackArea, auto: boolean) {
    this.#a = area;
    this.#auto = auto;
    this.#scratch = new Uint8Array(area.client.pageSize);
  }

  /**
   * Moves up to `pages` least recently used memory pages out of memory; stops early when the
   * buffer is full (and rebalances again once it has drained).
   * @param overBudget when given, asked every REBALANCE_CHECK_PAGES pages how many frames the
   *   store is still over its budget; the run stops once that is 0 or less
   * @returns how many pages moved
   */
  run(pages: number, overBudget?: () => number): number {
    const { client: c, poolId, map, wb } = this.#a;
    let moved = 0;
    let full = false;
    let nextCheck = REBALANCE_CHECK_PAGES;
    try {
      for (const offset of map.leastRecentlyUsed()) {
        if (moved >= pages) break;
        if (overBudget && moved >= nextCheck) {
          nextCheck = moved + REBALANCE_CHECK_PAGES;
          if (overBudget() <= 0) break;
        }
        if (!this.#a.durable) {
          if (!c.get(poolId, OBJECT, offset, this.#scratch)) {
            map.dropMemory(offset); // cannot happen in a persistent pool; keeps the map honest
            continue;
          }
          if (!wb.enqueue(offset, this.#scratch)) { full = true; break; }
          map.addDisk(offset);
        }
        map.dropMemory(offset);
        c.flushPage(poolId, OBJECT, offset);
        moved++;
      }
    } finally {
      // Also when a call above threw (store-busy, closed): the pages moved before it count.
      if (moved > 0) this.#a.moved(moved);
    }
    if (full && !this.#waitingForRoom) {
      this.#waitingForRoom = true;
      wb.flush().then(
        () => { this.#waitingForRoom = false; this.queue(); },
        () => { this.#waitingForRoom = false; }, // a 'disk-recovered' event queues one
      );
    }
    return moved;
  }

  /** Rebalances in a later task (after a spill: checked once per burst, not per store). */
  queue(): void {
    if (!this.#auto || this.#queued) return;
    this.#queued = true;
    setTimeout(() => { this.#queued = false; this.rebalance(); }, 0);
  }

  /** Writes back as many pages as the store is over its budget, less what other threads free
   *  meanwhile. Never throws: it runs from a timer or an event listener; a failure goes to
   *  `failed`, and the next rebalance tries again (a page is copied to the buffer before its
   *  frame is freed, so a run cut short loses none). */
  rebalance(): void {
    const a = this.#a;
    if (!this.#auto || !a.isOpen() || a.map.memoryPages === 0 || a.client.closed) return;
    try {
      const overBudget = () => a.client.framesOverBudget();
      const excess = overBudget();
      if (excess > 0) this.run(Math.min(excess, a.map.memoryPages), overBudget);
    } catch (e) {
      a.failed(e);
    }
  }
}
