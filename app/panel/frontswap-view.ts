// Frontswap areas: where their pages are (memory, write-behind buffer, disk), disk use and
// errors.
import type { FrontswapStats } from '../../worker/stats.js';
import { KeyedTable, type Column } from './dom.js';
import { formatBytes, formatCount } from './format.js';

const count = (field: keyof FrontswapStats, label: string, title: string): Column<FrontswapStats> => ({
  field,
  label,
  title,
  value: (f) => f[field] as number,
  text: (f) => formatCount(f[field] as number),
});

const bytes = (field: keyof FrontswapStats, label: string, title: string): Column<FrontswapStats> => ({
  field,
  label,
  title,
  value: (f) => f[field] as number,
  text: (f) => formatBytes(f[field] as number),
});

const COLUMNS: Column<FrontswapStats>[] = [
  { field: 'name', label: 'area', value: (f) => f.name, title: 'frontswap area name' },
  { field: 'durable', label: 'durable', value: (f) => f.durable, text: (f) => (f.durable ? 'yes' : 'no') },
  { field: 'poolId', label: 'pool', value: (f) => f.poolId, title: 'tmem pool backing it' },
  count('memoryPages', 'in memory', 'pages in the tmem pool'),
  count('inFlightPages', 'in flight', 'pages in the write-behind buffer'),
  count('diskPages', 'on disk', 'pages in IndexedDB'),
  bytes('diskBytes', 'disk bytes', 'bytes of live pages on disk'),
  bytes('diskRecordBytes', 'disk records', 'bytes of records on disk, dead slots included'),
  count('stores', 'stores', 'all stores'),
  count('succStores', 'to memory', 'stores memory accepted'),
  count('spilledStores', 'spilled', 'stores sent to disk'),
  count('failedStores', 'failed', 'stores refused (caller keeps the data)'),
  count('loads', 'loads', 'all loads'),
  count('diskLoads', 'disk loads', 'loads served from disk'),
  count('writtenBackPages', 'written back', 'pages moved from memory to disk'),
  count('invalidates', 'invalidates', 'invalidatePage calls'),
  count('compactions', 'compactions', 'disk compactions'),
  count('diskErrors', 'errors', 'disk errors'),
  { field: 'lastError', label: 'last error', value: (f) => f.lastError, text: (f) => f.lastError ?? '' },
];

/** The frontswap section's table, one row per area. */
export class FrontswapTable extends KeyedTable<FrontswapStats> {
  constructor() {
    super(COLUMNS, (f) => f.name, 'frontswap');
  }
}
