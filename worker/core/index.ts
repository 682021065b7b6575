// The platform-neutral core ("./core" export): no DOM, no IndexedDB, no Node APIs.
export { createStore, attach } from './store-buffer.js';
export { TmemError } from './errors.js';
export type {
  StoreOptions, PoolFlags, Tmem, TmemStore, TmemStats, PoolStats, TmemErrorCode,
} from './types.js';
/** Layout arithmetic, for sizing a store before creating it (bytes per frame, total bytes). */
export { computeLayout, metadataBytesPerFrame, LAYOUT_VERSION } from '../layout.js';
export type { Layout } from '../layout.js';
