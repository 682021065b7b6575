// Time-series charts of the history, drawn with uPlot (canvas: one draw per refresh, no DOM
// per point). Four charts: ops/s, hit ratio, memory use, spill throughput.
import uPlot from 'uplot';
import { h } from './dom.js';
import { formatBytes, formatClock, formatCount } from './format.js';
import type { StatsSample } from './stats-sample.js';

/** One line of a chart: a label, a colour and how to read it from a sample. */
interface Line {
  label: string;
  stroke: string;
  value(s: StatsSample): number | null;
}

interface ChartSpec {
  name: string;
  title: string;
  lines: Line[];
  axis(v: number): string;
  range?: [number, number];
}

const MiB = 1024 * 1024;

const SPECS: ChartSpec[] = [
  {
    name: 'ops',
    title: 'Operations per second',
    axis: (v) => formatCount(v),
    lines: [
      { label: 'puts/s', stroke: '#4e79a7', value: (s) => s.putsPerSec },
      { label: 'gets/s', stroke: '#59a14f', value: (s) => s.getsPerSec },
      { label: 'flushes/s', stroke: '#b07aa1', value: (s) => s.flushesPerSec },
    ],
  },
  {
    name: 'hit-ratio',
    title: 'Hit ratio (gets)',
    axis: (v) => `${Math.round(v)}%`,
    range: [0, 100],
    lines: [{ label: 'hit %', stroke: '#f28e2b', value: (s) => (s.hitRatio === null ? null : s.hitRatio * 100) }],
  },
  {
    name: 'memory',
    title: 'Memory use',
    axis: (v) => formatBytes(v * MiB),
    lines: [
      { label: 'ephemeral MiB', stroke: '#4e79a7', value: (s) => (s.ephemeralFrames * s.pageSize) / MiB },
      { label: 'persistent MiB', stroke: '#e15759', value: (s) => (s.persistentFrames * s.pageSize) / MiB },
      { label: 'budget MiB', stroke: '#9c9c9c', value: (s) => (s.budgetFrames * s.pageSize) / MiB },
    ],
  },
  {
    name: 'spill',
    title: 'Spill throughput',
    axis: (v) => `${formatBytes(v)}/s`,
    lines: [
      { label: 'to disk B/s', stroke: '#e15759', value: (s) => s.spillBytesPerSec },
      { label: 'from disk B/s', stroke: '#76b7b2', value: (s) => s.diskReadBytesPerSec },
    ],
  },
];

/** The charts section; draws only when {@link Charts.update} is called (i.e. when open). */
export class Charts {
  readonly el: HTMLElement;
  private readonly plots: { spec: ChartSpec; plot: uPlot }[] = [];
  private readonly resize: ResizeObserver;

  /** @param windowSeconds How far back the charts reach. */
  constructor(private readonly windowSeconds = 300) {
    const grid = h('div', { class: 'charts' });
    this.el = h('section', { 'data-section': 'charts' }, grid);
    for (const spec of SPECS) {
      const box = h('div', { class: 'chart', 'data-chart': spec.name, role: 'img', 'aria-label': spec.title });
      grid.append(box);
      const opts: uPlot.Options = {
        title: spec.title,
        width: 320,
        height: 130,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: spec.range ? { range: spec.range } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { stroke: '#888', grid: { stroke: '#8883' }, ticks: { stroke: '#8883' }, space: 90, values: (_u, vals) => vals.map((v) => formatClock(v * 1000)) },
          { stroke: '#888', grid: { stroke: '#8883' }, ticks: { stroke: '#8883' }, size: 76, values: (_u, vals) => vals.map((v) => spec.axis(v)) },
        ],
        series: [{}, ...spec.lines.map((l) => ({ label: l.label, stroke: l.stroke, width: 1.5, spanGaps: false, points: { show: false } }))],
      };
      this.plots.push({ spec, plot: new uPlot(opts, [[], ...spec.lines.map(() => [])] as uPlot.AlignedData, box) });
    }
    // Follow the panel's width (docked, floating, DevTools): two charts a row when room allows.
    this.resize = new ResizeObserver(() => this.fit(grid));
    this.resize.observe(grid);
  }

  /** Redraws every chart from the samples (oldest first). */
  update(samples: readonly StatsSample[]): void {
    const last = samples.length ? samples[samples.length - 1]!.time : 0;
    const from = last - this.windowSeconds * 1000;
    let i = samples.length;
    while (i > 0 && samples[i - 1]!.time >= from) i--;
    const shown = samples.slice(i);
    const xs = shown.map((s) => s.time / 1000);
    for (const { spec, plot } of this.plots) {
      const ys = spec.lines.map((l) => shown.map((s) => l.value(s)));
      plot.setData([xs, ...ys] as uPlot.AlignedData);
    }
  }

  /** Removes the charts and their observers. */
  destroy(): void {
    this.resize.disconnect();
    for (const { plot } of this.plots) plot.destroy();
  }

  private fit(grid: HTMLElement): void {
    const w = grid.clientWidth;
    if (w === 0) return; // closed: keep the old size until shown again
    const cols = w >= 700 ? 2 : 1;
    const width = Math.floor((w - (cols - 1) * 12) / cols);
    for (const { plot } of this.plots) if (plot.width !== width) plot.setSize({ width, height: 130 });
  }
}
