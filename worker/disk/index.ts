// The disk tier: a log-structured store on IndexedDB (format.ts documents the layout) and the
// write-behind buffer that feeds it. Imported by the store worker and by the service worker.
export { openDiskLog, DiskLog } from './log.js';
export type { DiskLogOptions, DiskLogStats, DiskFaultName, CompactionReport } from './log.js';
export { WriteBehind } from './write-behind.js';
export { Backoff, systemClock } from './backoff.js';
export type { BackoffOptions, Clock } from './backoff.js';
export type { DiskSink, WriteBehindOptions, WriteBehindStats } from './write-behind.js';
export type { DiskKey, DiskItem } from './key.js';
export { databaseName, SCHEMA_VERSION, DEFAULT_RECORD_BYTES } from './format.js';
