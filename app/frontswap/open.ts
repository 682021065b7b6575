// Opening a frontswap area: check the arguments, take the area's Web Lock (and the holder lock
// its disk service watches), make its memory pool, connect a port to the disk service on the
// hypervisor's thread (naming both: the service destroys the pool and closes if this thread
// ends without close()), open (durable) or clear (non-durable) its disk log. Anything that fails
// undoes what came before, locks last.
import { TmemError } from '../../worker/core/errors.js';
import { WriteBehind, type DiskSink } from '../../worker/disk/index.js';
import { holdHolderLock, takeAreaLock } from './area-lock.js';
import { checkName } from './checks.js';
import { DiskLink } from './disk-link.js';
import { Frontswap } from './frontswap.js';
import type { AreaStorageInfo, FrontswapClient, FrontswapOptions } from './types.js';
import type { AreaWatch } from '../../worker/wire/frontswap.js';

/** Hands the host's end of a MessageChannel to the hypervisor (control call frontswapPort),
 *  with what its disk service is to watch from then on (the holder lock, the pool). */
export type ConnectAreaPort = (port: MessagePort, watch?: AreaWatch) => Promise<unknown>;

const NO_SINK: DiskSink = { writeBatch: async () => undefined, deleteBatch: async () => undefined };
const OPTION_KEYS = new Set(['durable', 'wait', 'bufferPages', 'batchPages', 'flushDelayMs', 'retryMinMs', 'retryMaxMs', 'writeback', 'recordBytes']);

/**
 * Opens the area `name` on `client`'s store (see client.frontswap).
 * @param client the page's TmemClient or a worker's SharedTmem
 * @param connectPort gives the disk service its port
 * @param name 1..128 characters
 * @param options durability, lock waiting, buffer and batching
 * @throws TmemError (rejection) 'bad-name', 'bad-options', 'area-locked', 'bad-database',
 *   'disk-error', 'not-supported', 'closed', 'worker-gone'
 */
export async function openFrontswap(client: FrontswapClient, connectPort: ConnectAreaPort, name: string, options: FrontswapOptions = {}): Promise<Frontswap> {
  checkName(name);
  if (options === null || typeof options !== 'object') throw new TmemError('bad-options', 'frontswap: options must be an object');
  for (const k of Object.keys(options)) if (!OPTION_KEYS.has(k)) throw new TmemError('bad-options', `frontswap: unknown option "${k}"`);
  for (const k of ['durable', 'wait', 'writeback'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new TmemError('bad-options', `frontswap: ${k} must be a boolean`);
  }
  const buffer = {
    ...(options.bufferPages === undefined ? {} : { maxPages: options.bufferPages }),
    ...(options.batchPages === undefined ? {} : { batchPages: options.batchPages }),
    ...(options.flushDelayMs === undefined ? {} : { flushDelayMs: options.flushDelayMs }),
    ...(options.retryMinMs === undefined ? {} : { retryMinMs: options.retryMinMs }),
    ...(options.retryMaxMs === undefined ? {} : { retryMaxMs: options.retryMaxMs }),
  };
  new WriteBehind(NO_SINK, buffer); // checks the numbers before anything is opened or cleared
  if (client.closed) throw new TmemError('closed', 'frontswap: the webtmem client is closed');
  const durable = options.durable ?? false;
  const releaseArea = await takeAreaLock(name, options.wait ?? false);
  let holder: Awaited<ReturnType<typeof holdHolderLock>> = null;
  // The holder lock goes with the area lock, whichever way the area ends.
  const release = () => {
    holder?.release();
    return releaseArea();
  };
  let link: DiskLink | null = null;
  let poolId = -1;
  try {
    holder = await holdHolderLock(name);
    // The pool first, and named with the port: if this thread ends without close(), even before
    // its open request arrives, the disk service destroys the pool and closes.
    poolId = client.newPool({ persistent: true });
    const { port1, port2 } = new MessageChannel();
    await connectPort(port2, holder ? { holderLock: holder.lockName, poolId } : undefined);
    link = new DiskLink(port1, client.pageSize, (unreachable) => watchStore(client, unreachable));
    const reply = await link.open({
      name, durable, pageSize: client.pageSize,
      ...(options.recordBytes === undefined ? {} : { recordBytes: options.recordBytes }),
      ...(holder ? { holderLock: holder.lockName, poolId } : {}),
    });
    const storage = await storageInfo(durable);
    // The store may have closed on this thread while the open was under way: its 'closed' event
    // has gone by, so an area made now would never hear of it and would keep its lock.
    if (client.closed) throw new TmemError('closed', `frontswap: the webtmem store closed while area "${name}" was opening`);
    return new Frontswap({
      client, link, name, durable, poolId, offsets: reply.offsets, disk: reply.disk, storage,
      buffer, autoWriteback: options.writeback ?? true, release,
    });
  } catch (e) {
    try {
      if (poolId >= 0 && !client.closed) client.destroyPool(poolId);
    } catch {
      // store-busy (a lock held by a dead thread): the pool stays, as any destroy leaves it
      // then; the open's own error is the one to report, and the locks must still go.
    }
    await link?.close().catch(() => undefined);
    void release();
    throw e;
  }
}

/** Tells `unreachable` when the area's disk calls can no longer be answered: 'closed' when the
 *  store closes for this thread (close() on the page, which stops the store worker without a
 *  'worker-gone' here, or detach() on this thread, which ends its areas), 'worker-gone' when
 *  the client sees its store worker stop. The link ends at the first; it stops the watch (the
 *  returned function) then, or when it closes, so its listeners never outlive it. */
function watchStore(client: FrontswapClient, unreachable: (error: TmemError) => void): () => void {
  const closed = () => unreachable(new TmemError('closed', 'frontswap: the webtmem store is closed, so the disk tier is unreachable'));
  const gone = () => unreachable(new TmemError('worker-gone', 'frontswap: the store worker is gone, so the disk tier is unreachable; buffered pages stay loadable'));
  if (client.closed) closed();
  else if (client.workerGone) gone();
  else {
    client.addEventListener('closed', closed);
    client.addEventListener('worker-gone', gone);
  }
  return () => {
    client.removeEventListener('closed', closed);
    client.removeEventListener('worker-gone', gone);
  };
}

/** Asks for persistent storage for durable areas (a page may ask; Chromium grants it to
 *  engaged or installed sites without a prompt) and reports the estimate. Never throws. */
async function storageInfo(durable: boolean): Promise<AreaStorageInfo> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  const info: AreaStorageInfo = { persisted: null, usage: null, quota: null };
  if (!storage) return info;
  const bounded = <T>(p: Promise<T>) => Promise.race([p, new Promise<undefined>((r) => setTimeout(r, 1000, undefined))]);
  try {
    if (durable && typeof storage.persist === 'function') info.persisted = (await bounded(storage.persist())) ?? null;
    else if (typeof storage.persisted === 'function') info.persisted = (await bounded(storage.persisted())) ?? null;
    const est = typeof storage.estimate === 'function' ? await bounded(storage.estimate()) : undefined;
    info.usage = est?.usage ?? null;
    info.quota = est?.quota ?? null;
  } catch {
    // Opaque origins and some embedded contexts refuse; the area works without it.
  }
  return info;
}
