// The store at a glance: one bar of the frame budget (ephemeral | persistent | free) with the
// budget as a marker, and the figures beside it.
import type { StatsSnapshot } from '../../worker/stats.js';
import { h, setAttr, setText } from './dom.js';
import { formatBytes, formatCount } from './format.js';

/** The store section: budget bar and figures. */
export class StoreView {
  readonly el: HTMLElement;
  private readonly seg: Record<'ephemeral' | 'persistent' | 'free', HTMLElement>;
  private readonly budget: HTMLElement;
  private readonly figures = new Map<string, HTMLElement>();

  constructor() {
    this.seg = {
      ephemeral: h('div', { class: 'seg ephemeral', 'data-seg': 'ephemeral' }),
      persistent: h('div', { class: 'seg persistent', 'data-seg': 'persistent' }),
      free: h('div', { class: 'seg free', 'data-seg': 'free' }),
    };
    this.budget = h('div', { class: 'budget-mark', title: 'budget' });
    const bar = h('div', { class: 'bar', 'data-bar': 'store' }, this.seg.ephemeral, this.seg.persistent, this.seg.free, this.budget);
    const fig = (field: string, label: string, cls = '') => {
      const v = h('b', { 'data-field': field });
      this.figures.set(field, v);
      return h('span', { class: `fig ${cls}` }, h('i', { class: `dot ${cls}` }), `${label} `, v);
    };
    const legend = h(
      'div',
      { class: 'legend' },
      fig('ephemeralFrames', 'ephemeral', 'ephemeral'),
      fig('persistentFrames', 'persistent', 'persistent'),
      fig('freeFrames', 'free', 'free'),
      fig('budgetFrames', 'budget', 'budget'),
      fig('totalFrames', 'frames'),
      fig('sameFilledPages', 'same-filled pages'),
      fig('pageSize', 'page'),
      fig('bufferBytes', 'buffer'),
      fig('mode', 'mode'),
      fig('pressure', 'pressure'),
    );
    this.el = h('section', { 'data-section': 'store' }, h('h2', {}, 'Store'), bar, legend);
  }

  /** Shows a snapshot. */
  update(snap: StatsSnapshot): void {
    const s = snap.store;
    const total = Math.max(1, s.totalFrames);
    const pct = (n: number) => `${((100 * n) / total).toFixed(3)}%`;
    setAttr(this.seg.ephemeral, 'style', `width:${pct(s.ephemeralFrames)}`);
    setAttr(this.seg.persistent, 'style', `width:${pct(s.persistentFrames)}`);
    setAttr(this.seg.free, 'style', `width:${pct(Math.max(0, s.freeFrames))}`);
    setAttr(this.budget, 'style', `left:${pct(s.budgetFrames)}`);
    const frames = (n: number) => `${formatCount(n)} (${formatBytes(n * s.pageSize)})`;
    const p = snap.pressure;
    const values: Record<string, [string | number, string]> = {
      ephemeralFrames: [s.ephemeralFrames, frames(s.ephemeralFrames)],
      persistentFrames: [s.persistentFrames, frames(s.persistentFrames)],
      freeFrames: [s.freeFrames, frames(s.freeFrames)],
      budgetFrames: [s.budgetFrames, frames(s.budgetFrames)],
      totalFrames: [s.totalFrames, formatCount(s.totalFrames)],
      sameFilledPages: [
        s.pools.reduce((n, pool) => n + pool.sameFilledPages, 0),
        formatCount(s.pools.reduce((n, pool) => n + pool.sameFilledPages, 0)),
      ],
      pageSize: [s.pageSize, formatBytes(s.pageSize)],
      bufferBytes: [s.bufferBytes, formatBytes(s.bufferBytes)],
      mode: [snap.mode, snap.mode],
      pressure: [
        p.fraction,
        `${p.frozen ? 'frozen' : p.hidden ? 'hidden' : 'visible'}, ${formatCount(p.shrinks)} shrinks, ` +
          `${formatCount(p.regrows)} regrows, ${Math.round(p.fraction * 100)}% given up`,
      ],
    };
    for (const [field, [raw, text]] of Object.entries(values)) {
      const el = this.figures.get(field)!;
      setAttr(el, 'data-value', String(raw));
      setText(el, text);
    }
  }
}
