// The frontswap tier, page side (the hypervisor's side is worker/frontswap/).
export { Frontswap } from './frontswap.js';
export { openFrontswap, type ConnectAreaPort } from './open.js';
export type { FrontswapOptions, FrontswapEventMap, AreaStorageInfo, FrontswapClient } from './types.js';
export type { Tier } from './tier-map.js';
export { MAX_AREA_NAME } from './checks.js';
export { areaLockName } from './area-lock.js';
