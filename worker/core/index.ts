// The platform-neutral core ("./core" export): no DOM, no IndexedDB, no Node APIs.
export { createStore, attach } from './store.js';
export { TmemError } from './errors.js';
export type {
  StoreOptions, PoolFlags, Tmem, TmemStore, TmemStats, PoolStats, TmemErrorCode,
} from './types.js';
