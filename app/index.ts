// The package entry '.': the page-side API, exactly what the README's "API reference" documents
// — connect() and its client, sharing the store with workers and iframes, frontswap areas,
// page-side cleancache lookups, the service-worker link. What the drop-in alone needs
// (isolation, the local-mode cleancache service) it imports from its own modules, not from here.
export { connect, type ConnectOptions } from './connect.js';
export { TmemClient, type TmemClientEventMap } from './client.js';
export { attachFrom, connectShared, isShareMessage, SharedTmem, type ShareTarget, type SharedTmemEventMap } from './share.js';
export { TmemError } from '../worker/core/errors.js';
export type { PoolFlags, PoolStats, Tmem, TmemErrorCode, TmemStats, TmemStore } from '../worker/core/types.js';
export type { BudgetInfo, BudgetReason } from '../worker/hypervisor/budget.js';
export type { PressureOptions, StoreWorkerOptions } from '../worker/hypervisor/options.js';
export type { PressureSignal, PressureState } from '../worker/hypervisor/pressure.js';
export type { AnswerBlobStats, CleancacheStats, FrontswapStats, OriginTierStats, PressureStats, ScriptCopyStats, StatsSnapshot, TmemEvent } from '../worker/stats.js';
export { defaultCapacityBytes } from '../worker/hypervisor/options.js';
export { Frontswap, MAX_AREA_NAME, type FrontswapOptions, type FrontswapEventMap, type AreaStorageInfo, type Tier } from './frontswap/index.js';
export { PageCleancache, type CachedResource } from './cleancache.js';
export { linkServiceWorker, registerServiceWorker, serviceWorkerStats, type ServiceWorkerLink, type ServiceWorkerLinkOptions, type ServiceWorkerStats } from './sw-link.js';
export { serviceWorkerUrl, type SwConfigText, type IsolationMode } from '../sw/config.js';
