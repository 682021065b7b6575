// The cleancache tier on the store's side: the pool, its counters, and the service that
// answers the service worker over the ports the page hands to the store worker.
export { ResourceReader } from './reader.js';
export { BodyPool, POOLED_MAX_BYTES, SLAB_BYTES } from './body-pool.js';
export { Cleancache, CLEANCACHE_UUID, DEFAULT_MAX_SHARE, mergeCleancacheStats, type CleancacheStore } from './cleancache.js';
export { serveCleancachePort } from './port-service.js';
export { installCleancache, type CleancacheHost } from './install.js';
export type * from '../wire/cleancache-port.js';
