// Recent hypervisor events (budget changes, pressure reactions, disk errors), newest first.
import type { TmemEvent } from '../../worker/stats.js';
import { KeyedTable, h } from './dom.js';
import { formatClock } from './format.js';

/** The events section: the newest events first, at most `limit` rows. */
export class EventsView {
  readonly el: HTMLElement;
  private readonly table = new KeyedTable<TmemEvent>(
    [
      { field: 'time', label: 'time', value: (e) => e.time, text: (e) => formatClock(e.time) },
      { field: 'kind', label: 'kind', value: (e) => e.kind },
      { field: 'message', label: 'event', value: (e) => e.message },
    ],
    (e) => `${e.time}|${e.kind}|${e.message}`,
    'events',
  );
  private readonly empty = h('p', { class: 'muted' }, 'No events yet.');

  /** @param limit Rows shown. */
  constructor(private readonly limit = 50) {
    this.el = h('section', { 'data-section': 'events' }, h('h2', {}, 'Events'), this.empty, this.table.el);
  }

  /** Shows the events, given oldest first. */
  update(events: readonly TmemEvent[]): void {
    this.empty.hidden = events.length > 0;
    this.table.el.hidden = events.length === 0;
    const newest = events.slice(-this.limit).reverse();
    this.table.update(newest);
    for (const tr of this.table.el.tBodies[0]!.rows) {
      tr.className = `ev-${tr.cells[1]!.textContent ?? ''}`;
    }
  }
}
