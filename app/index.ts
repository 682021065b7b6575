// The package entry '.': the page-side API — connect() and the client, sharing with workers,
// frontswap areas, page-side cleancache lookups, the service-worker link, the panel.
export { connect, type ConnectOptions } from './connect.js';
export { TmemClient, type TmemClientEventMap } from './client.js';
export { attachFrom, connectShared, isShareMessage, SharedTmem, type ShareTarget, type SharedTmemEventMap } from './share.js';
export { TmemError } from '../worker/core/errors.js';
export type { PoolFlags, PoolStats, Tmem, TmemErrorCode, TmemStats, TmemStore } from '../worker/core/types.js';
export type { BudgetInfo, BudgetReason } from '../worker/hypervisor/budget.js';
export type { PressureOptions, StoreWorkerOptions } from '../worker/hypervisor/options.js';
export type { PressureSignal, PressureState } from '../worker/hypervisor/pressure.js';
export type { StatsSnapshot, TmemEvent, PressureStats } from '../worker/stats.js';
export { defaultCapacityBytes } from '../worker/hypervisor/options.js';
export { Frontswap, MAX_AREA_NAME, type FrontswapOptions, type FrontswapEventMap, type AreaStorageInfo, type Tier, type FrontswapClient } from './frontswap/index.js';
export type { FrontswapStats } from '../worker/stats.js';
export { PageCleancache, type CachedResource } from './cleancache.js';
export { linkServiceWorker, registerServiceWorker, type ServiceWorkerLink, type ServiceWorkerLinkOptions } from './sw-link.js';
export { ensureIsolation, RELOAD_GUARD_KEY, type IsolationOutcome, type IsolationOptions } from './isolation.js';
export { serviceWorkerUrl, type SwConfigText, type IsolationMode } from '../sw/config.js';
export { serveCleancachePort, CLEANCACHE_UUID } from '../worker/cleancache/index.js';
export type { CleancacheStats } from '../worker/stats.js';
