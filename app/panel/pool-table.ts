// One row per pool with every counter the core keeps, its flags and its hit ratio.
import type { PoolStats } from '../../worker/stats.js';
import { KeyedTable, type Column } from './dom.js';
import { formatCount, formatRatio, ratio } from './format.js';

/** The pool's flags in words: "persistent", "ephemeral, shared", "… cap 100". */
export function poolFlags(p: PoolStats): string {
  const flags = [p.persistent ? 'persistent' : 'ephemeral'];
  if (p.shared) flags.push('shared');
  if (p.exclusiveGets) flags.push('exclusive gets');
  if (p.maxPages > 0) flags.push(`cap ${formatCount(p.maxPages)}`);
  return flags.join(', ');
}

const count = (field: keyof PoolStats, label: string, title: string): Column<PoolStats> => ({
  field,
  label,
  title,
  value: (p) => p[field] as number,
  text: (p) => formatCount(p[field] as number),
});

const COLUMNS: Column<PoolStats>[] = [
  { field: 'id', label: 'pool', value: (p) => p.id, title: 'pool id' },
  { field: 'flags', label: 'flags', value: (p) => poolFlags(p), title: 'persistent or ephemeral, shared, exclusive gets, page cap' },
  count('pages', 'pages', 'live pages, same-filled included'),
  count('puts', 'puts', 'all puts'),
  count('succPuts', 'stored', 'puts accepted'),
  count('failedPuts', 'rejected', 'puts rejected (no frame, budget, cap)'),
  count('gets', 'gets', 'all gets'),
  count('succGets', 'hits', 'gets that found the page'),
  count('failedGets', 'misses', 'gets that did not'),
  {
    field: 'hitRatio',
    label: 'hit ratio',
    title: 'hits / gets since the pool was made',
    value: (p) => ratio(p.succGets, p.gets),
    text: (p) => formatRatio(ratio(p.succGets, p.gets)),
  },
  count('flushes', 'flushes', 'flushPage calls'),
  count('flushObjects', 'obj flushes', 'flushObject calls'),
  count('evictions', 'evictions', 'pages lost to eviction'),
  count('dupPutsReplaced', 'dup replaced', 'puts that replaced a live page'),
  count('dupPutsFlushed', 'dup flushed', 'rejected puts to a live handle, which flushed it'),
  count('sameFilledPages', 'same-filled', 'pages stored without a frame'),
  count('capRejects', 'cap rejects', 'puts over the pool cap'),
];

/** The pools section's table. */
export class PoolTable extends KeyedTable<PoolStats> {
  constructor() {
    super(COLUMNS, (p) => String(p.id), 'pools');
    this.el.classList.add('pools');
  }
}
