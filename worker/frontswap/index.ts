// The hypervisor's side of the frontswap tier (the calling thread's side is app/frontswap/).
export { FrontswapHost, type HostEventSink } from './host.js';
export { AreaDiskService, areaLogName } from './area-disk-service.js';
export type { AreaDiskApi, AreaDiskInfo, AreaOpenReply, AreaOpenRequest, AreaReadReply } from '../wire/frontswap.js';
