// Cleancache (fetched resources): lookups, hits, bytes served, and the top resources by hits;
// and, when the page's stats carry it, the origin's memory tier kept by the service worker
// (shared by the tabs): its budget, use, lookups and hits.
import type { CleancacheStats } from '../../worker/stats.js';
import { KeyedTable, h, setAttr, setText } from './dom.js';
import { formatBytes, formatCount, formatRatio, ratio } from './format.js';

type Top = CleancacheStats['top'][number];

/** The cleancache section: counters and a top-resources table. */
export class CleancacheView {
  readonly el: HTMLElement;
  private readonly figures = new Map<string, HTMLElement>();
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly origin: HTMLElement;
  private readonly top = new KeyedTable<Top>(
    [
      { field: 'url', label: 'resource', value: (t) => t.url },
      { field: 'hits', label: 'hits', value: (t) => t.hits, text: (t) => formatCount(t.hits) },
      { field: 'bytes', label: 'size', value: (t) => t.bytes, text: (t) => formatBytes(t.bytes) },
    ],
    (t) => t.url,
    'cleancache-top',
  );

  constructor() {
    const fig = (field: string, label: string) => {
      const v = h('b', { 'data-field': field });
      this.figures.set(field, v);
      return h('span', { class: 'fig' }, `${label} `, v);
    };
    const legend = h(
      'div',
      { class: 'legend' },
      fig('lookups', 'lookups'),
      fig('hits', 'hits'),
      fig('misses', 'misses'),
      fig('hitRatio', 'hit ratio'),
      fig('puts', 'puts'),
      fig('bytesServed', 'served'),
      fig('evictions', 'evictions'),
      fig('resources', 'resources'),
    );
    this.origin = h(
      'div',
      { class: 'legend', 'data-part': 'service-worker-memory' },
      h('span', { class: 'fig' }, 'origin memory (service worker) '),
      fig('swUsed', 'used'),
      fig('swBudget', 'of'),
      fig('swBlobs', 'large bodies also as blobs'),
      fig('swCopies', 'answers from script copies'),
      fig('swLookups', 'lookups'),
      fig('swHits', 'hits'),
      fig('swResources', 'resources'),
      fig('swEvictions', 'evictions'),
    );
    this.empty = h('p', { class: 'muted' }, 'Cleancache is not enabled on this page.');
    this.body = h('div', {}, legend, this.origin, this.top.el);
    this.el = h('section', { 'data-section': 'cleancache' }, h('h2', {}, 'Cleancache'), this.empty, this.body);
  }

  /** Shows the cleancache counters, or says it is off. */
  update(c: CleancacheStats | null): void {
    this.empty.hidden = c !== null;
    this.body.hidden = c === null;
    if (!c) return;
    const values: Record<string, [number | null, string]> = {
      lookups: [c.lookups, formatCount(c.lookups)],
      hits: [c.hits, formatCount(c.hits)],
      misses: [c.misses, formatCount(c.misses)],
      hitRatio: [ratio(c.hits, c.lookups), formatRatio(ratio(c.hits, c.lookups))],
      puts: [c.puts, formatCount(c.puts)],
      bytesServed: [c.bytesServed, formatBytes(c.bytesServed)],
      evictions: [c.evictions, formatCount(c.evictions)],
      resources: [c.resources, formatCount(c.resources)],
    };
    const sw = c.serviceWorker ?? null;
    this.origin.hidden = sw === null;
    if (sw) {
      values.swUsed = [sw.usedBytes, formatBytes(sw.usedBytes)];
      values.swBudget = [sw.budgetBytes, formatBytes(sw.budgetBytes)];
      // Older service workers (before the blobs) report none.
      const blobBytes = sw.blobs?.bytes ?? 0;
      values.swBlobs = [blobBytes, formatBytes(blobBytes)];
      // Answers from the Cache Storage copies of large scripts (none from older workers).
      const copied = sw.copies?.served ?? 0;
      values.swCopies = [copied, formatCount(copied)];
      values.swLookups = [sw.lookups, formatCount(sw.lookups)];
      values.swHits = [sw.hits, formatCount(sw.hits)];
      values.swResources = [sw.resources, formatCount(sw.resources)];
      values.swEvictions = [sw.evictions, formatCount(sw.evictions)];
    }
    for (const [field, [raw, text]] of Object.entries(values)) {
      const el = this.figures.get(field)!;
      setAttr(el, 'data-value', String(raw));
      setText(el, text);
    }
    this.top.update([...c.top].sort((a, b) => b.hits - a.hits).slice(0, 10));
  }
}
