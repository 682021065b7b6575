// The panel's DOM: header with its buttons, the message shown when there are no stats, and the
// sections. Built once, on first open; `render` then only updates what changed.
import { Charts } from './charts.js';
import { CleancacheView } from './cleancache-view.js';
import { h, setAttr, setText } from './dom.js';
import { EventsView } from './events-view.js';
import { formatClock } from './format.js';
import { FrontswapTable } from './frontswap-view.js';
import { PoolTable } from './pool-table.js';
import type { StatsHistory } from './stats-history.js';
import { StoreView } from './store-view.js';

/** What the header's buttons do. */
export interface PanelActions {
  exportJSON(): void;
  exportCSV(): void;
  toggleLayout(): void;
  close(): void;
}

/** The built panel: its outer box (which carries the layout) and its sections. */
export class PanelView {
  readonly box: HTMLElement;
  private readonly status: HTMLElement;
  private readonly layoutButton: HTMLButtonElement;
  private readonly message: HTMLElement;
  private readonly content: HTMLElement;
  private readonly store = new StoreView();
  private readonly charts: Charts;
  private readonly pools = new PoolTable();
  private readonly frontswap = new FrontswapTable();
  private readonly frontswapEmpty = h('p', { class: 'muted' }, 'No frontswap areas.');
  private readonly cleancache = new CleancacheView();
  private readonly events = new EventsView();

  /**
   * @param actions Header button handlers.
   * @param chartSeconds How far back the charts reach.
   */
  constructor(actions: PanelActions, chartSeconds: number) {
    // The title is also the button's accessible name ('×' would be read as "times").
    const button = (action: string, label: string, title: string, run: () => void) => {
      const b = h('button', { type: 'button', 'data-action': action, title, 'aria-label': title }, label);
      b.addEventListener('click', run);
      return b;
    };
    this.charts = new Charts(chartSeconds);
    this.status = h('span', { class: 'status', 'data-role': 'status' });
    this.layoutButton = button('layout', 'Float', 'Dock or float the panel', () => actions.toggleLayout());
    const header = h(
      'header',
      {},
      h('h1', {}, 'webtmem'),
      this.status,
      button('export-json', 'JSON', 'Download the stats history as JSON', () => actions.exportJSON()),
      button('export-csv', 'CSV', 'Download the stats history as CSV', () => actions.exportCSV()),
      this.layoutButton,
      button('close', '×', 'Close the webtmem panel (the shortcut toggles it)', () => actions.close()),
    );
    this.message = h('div', { class: 'message', 'data-role': 'message' }, 'Waiting for stats…');
    const wrap = (el: HTMLElement) => h('div', { class: 'tablewrap' }, el);
    this.content = h(
      'div',
      { hidden: '' },
      this.store.el,
      this.charts.el,
      h('section', { 'data-section': 'pools' }, h('h2', {}, 'Pools'), wrap(this.pools.el)),
      h('section', { 'data-section': 'frontswap' }, h('h2', {}, 'Frontswap'), this.frontswapEmpty, wrap(this.frontswap.el)),
      this.cleancache.el,
      this.events.el,
    );
    this.box = h('div', { class: 'panel', role: 'region', 'aria-label': 'webtmem stats' }, header, h('div', { class: 'body' }, this.message, this.content));
    enableDrag(header, this.box);
  }

  /** Shows the layout on the box and the layout button. */
  setLayout(layout: string, side: string): void {
    setAttr(this.box, 'data-layout', layout);
    setAttr(this.box, 'data-side', side);
    setText(this.layoutButton, layout === 'docked' ? 'Float' : 'Dock');
    if (layout === 'floating' && !this.box.style.left) {
      this.box.style.left = `${Math.max(0, innerWidth - 780)}px`;
      this.box.style.top = `${Math.max(0, innerHeight - 560)}px`;
    } else if (layout !== 'floating') {
      this.box.style.left = this.box.style.top = '';
    }
  }

  /**
   * Draws the newest snapshot of the history.
   * @param history The panel's history.
   * @param missing Why the source has no stats now (null when it had).
   */
  render(history: StatsHistory, missing: string | null): void {
    const snap = history.latest;
    this.message.hidden = snap !== null;
    setText(this.message, missing ?? 'Waiting for stats…');
    this.content.hidden = snap === null;
    setAttr(this.status, 'data-live', String(missing === null && snap !== null));
    if (!snap) {
      setText(this.status, 'no stats');
      return;
    }
    setText(
      this.status,
      missing
        ? `${missing} Showing the last stats, from ${formatClock(snap.time)}.`
        : `${snap.mode} mode · snapshot ${snap.seq} · ${formatClock(snap.time)}`,
    );
    this.store.update(snap);
    this.charts.update(history.samples());
    this.pools.update(snap.store.pools);
    this.frontswap.update(snap.frontswap);
    this.frontswapEmpty.hidden = snap.frontswap.length > 0;
    this.cleancache.update(snap.cleancache);
    this.events.update(history.events());
  }

  destroy(): void {
    this.charts.destroy();
    this.box.remove();
  }
}

/** Lets the user move a floating panel by its header (buttons keep their clicks). */
function enableDrag(handle: HTMLElement, box: HTMLElement): void {
  handle.addEventListener('pointerdown', (e) => {
    if (box.dataset.layout !== 'floating' || (e.target as Element).closest('button')) return;
    const dx = e.clientX - box.offsetLeft;
    const dy = e.clientY - box.offsetTop;
    handle.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => {
      box.style.left = `${Math.min(Math.max(0, m.clientX - dx), innerWidth - 80)}px`;
      box.style.top = `${Math.min(Math.max(0, m.clientY - dy), innerHeight - 30)}px`;
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  });
}
