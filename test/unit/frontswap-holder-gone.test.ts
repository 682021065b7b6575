// An area that ends without close(): its thread terminated (an app worker's terminate(), a
// closed tab) or its store closed on that thread (detach()). The area sends nothing more and
// its MessagePort says nothing, so the disk service learns of it from the area's holder lock,
// which the browser releases when the thread ends; it then commits the batches it received and
// closes its log. The next opener of the area waits for that, so a durable area reopens with
// every batch the service had received. Run on the real host over a MessageChannel.
import { describe, expect, it, vi } from 'vitest';
import { areaLockName } from '../../app/frontswap/index.js';
import type { Frontswap } from '../../app/frontswap/index.js';
import { areaDiskLockName } from '../../worker/frontswap/area-disk-service.js';
import { AREA_HOLDER_LOCK_PREFIX } from '../../worker/wire/frontswap.js';
import { logs, page, PS, setupStore, type TestHandle } from './frontswap-fakes.js';
import { openFailures } from './frontswap-fake-log.js';
import { TmemError } from '../../worker/core/errors.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

/**
 * Opens `name` on `thread` (an app worker's handle) and returns the area with end(), which does
 * what the browser does when that thread is terminated: the thread's end of the area's disk port
 * goes, and the locks the thread held (the area's lock, its holder lock) are released.
 */
async function openOnThread(s: ReturnType<typeof setupStore>, thread: TestHandle, name: string): Promise<{ area: Frontswap; end: () => void }> {
  const Channel = globalThis.MessageChannel;
  let areaPort: MessagePort | null = null;
  globalThis.MessageChannel = class extends Channel {
    constructor() {
      super();
      areaPort ??= this.port1; // the area keeps port1 and hands port2 to the host
    }
  };
  let area: Frontswap;
  try {
    area = await s.open(name, { durable: true }, thread);
  } finally {
    globalThis.MessageChannel = Channel;
  }
  const end = () => {
    areaPort!.close();
    s.locks.endThread([...s.locks.held].filter((l) => l === areaLockName(name) || l.startsWith(`${AREA_HOLDER_LOCK_PREFIX}${name}:`)));
  };
  return { area, end };
}

/** A page that takes a frame (a same-filled page takes none). */
const varied = (seed: number): Uint8Array => {
  const p = new Uint8Array(PS);
  for (let k = 0; k < PS; k++) p[k] = (seed * 31 + k * 7) & 255;
  return p;
};

/**
 * A durable area open on another thread with eight pages stored, whose one batch has reached
 * its disk service and is held there (the fake log's writes wait for release()).
 */
async function openWithBatchHeld(name: string) {
  const s = setupStore();
  const thread = s.otherThread();
  const { area, end } = await openOnThread(s, thread, name);
  const log = logs.at(-1)!;
  log.writes.hold();
  for (let i = 0; i < 8; i++) expect(area.store(i, page(i + 1))).toBe('memory');
  await vi.waitFor(() => expect(log.writes.waiting).toBe(1)); // the batch reached the service
  return { s, thread, end, log };
}

describe('frontswap area ended without close()', () => {
  it('its thread terminated: the service commits the batch it received, closes its log and leaves the host', async () => {
    const { s, thread, end, log } = await openWithBatchHeld('terminated');
    end();
    log.writes.release();
    await vi.waitFor(() => expect(s.host.size).toBe(0));
    expect(log.closed).toBe(true);
    expect([...log.disk.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await vi.waitFor(() => expect(s.locks.held.size).toBe(0)); // the disk lock too
    thread.detach(); // stops the dead area's timer; its locks are gone already
  });

  it('its thread terminated: the next opener waits for the service\'s last writes and finds every page', async () => {
    const { s, thread, end, log } = await openWithBatchHeld('ended-thread');
    end();
    const opened = logs.length;
    const reopening = s.open('ended-thread', { durable: true });
    // The next open reached its service: here it waits for the previous service's disk lock
    // (opening no log meanwhile).
    await vi.waitFor(() => expect(logs.length > opened || s.locks.waiting(areaDiskLockName('ended-thread')) === 1).toBe(true));
    expect(logs.length).toBe(opened);
    log.writes.release();
    const next = await reopening;
    expect(log.closed).toBe(true);
    expect(s.host.size).toBe(1); // the next opener's service only
    const into = new Uint8Array(PS);
    for (let i = 0; i < 8; i++) {
      expect(next.where(i)).toBe('disk');
      expect(await next.load(i, into)).toBe(true);
      expect(into).toEqual(page(i + 1));
    }
    await next.close();
    expect(s.host.size).toBe(0);
    await vi.waitFor(() => expect(s.locks.held.size).toBe(0)); // released as the lock callbacks settle
    thread.detach(); // stops the dead area's timer; its locks are gone already
  });

  it('its thread detached (the store closed there): the service closes and every lock is released', async () => {
    const s = setupStore();
    const thread = s.otherThread();
    const area = await s.open('detached-thread', { durable: true }, thread);
    const log = logs.at(-1)!;
    area.store(1, page(1));
    await area.flush();
    expect(s.host.size).toBe(1);
    thread.detach();
    await vi.waitFor(() => expect(s.host.size).toBe(0));
    expect(log.closed).toBe(true);
    await vi.waitFor(() => expect(s.locks.held.size).toBe(0));
    const next = await s.open('detached-thread', { durable: true });
    expect(next.where(1)).toBe('disk');
    await next.close();
  });

  it('its thread terminated: the area\'s pool is destroyed, its frames freed, and a new area reuses them', async () => {
    const s = setupStore(32);
    const thread = s.otherThread();
    const { area, end } = await openOnThread(s, thread, 'pool-freed');
    for (let i = 0; i < 20; i++) expect(area.store(i, varied(i))).toBe('memory');
    await area.flush();
    const pool = area.poolId;
    expect(s.hypervisor.poolTag(pool)).toBeGreaterThan(0);
    expect(s.hypervisor.stats().usedFrames).toBe(20);
    end();
    await vi.waitFor(() => expect(s.host.size).toBe(0));
    expect(s.hypervisor.poolTag(pool)).toBe(0);
    expect(s.hypervisor.stats().usedFrames).toBe(0);
    expect(s.events.some((m) => m.includes(`memory pool ${pool} was destroyed`))).toBe(true);
    // The frames are free again: an area on another thread fills them in memory.
    const next = await s.open('pool-next', { durable: false });
    for (let i = 0; i < 32; i++) expect(next.store(i, varied(i))).toBe('memory');
    await next.close();
    thread.detach();
  });

  it('a pool the area destroyed itself, and a new pool made under its id, are left alone when its thread ends', async () => {
    const s = setupStore(32);
    const thread = s.otherThread();
    const { area, end } = await openOnThread(s, thread, 'pool-reused');
    const pool = area.poolId;
    // The area destroys its pool (as close() does first) and another pool takes the id before
    // the service learns that the thread ended.
    thread.destroyPool(pool);
    const other = s.handle.newPool({ persistent: true });
    expect(other).toBe(pool);
    for (let i = 0; i < 5; i++) expect(s.handle.put(other, 9, i, varied(50 + i))).toBe(true);
    end();
    await vi.waitFor(() => expect(s.host.size).toBe(0));
    expect(s.events.some((m) => m.includes(`memory pool ${pool} was gone already`))).toBe(true);
    const into = new Uint8Array(PS);
    for (let i = 0; i < 5; i++) {
      expect(s.handle.get(other, 9, i, into)).toBe(true);
      expect(into).toEqual(varied(50 + i));
    }
    expect(s.hypervisor.stats().usedFrames).toBe(5);
    thread.detach();
  });

  it('an open that fails after its pool was made destroys the pool; if that throws, the open still reports its error and lets go of its locks', async () => {
    const s = setupStore(32);
    const used = () => s.hypervisor.stats().pools.length;
    expect(used()).toBe(0);
    // The disk's error, as it crossed the area's port (this harness installs no error reviver).
    const codeOf = (p: Promise<unknown>) => p.then(() => 'opened', (e: unknown) => ((e as Error).message.includes('not a frontswap area') ? 'bad-database' : String(e)));
    openFailures.push(new TmemError('bad-database', 'not a frontswap area'));
    expect(await codeOf(s.open('bad-disk', { durable: true }))).toBe('bad-database');
    expect(used()).toBe(0); // the area destroyed its pool itself
    // Now its own destroy fails (a stuck lock): the open still reports the disk's error, not
    // the destroy's, and every lock goes, so the area opens again.
    const destroy = s.handle.destroyPool.bind(s.handle);
    s.handle.destroyPool = () => { throw new TmemError('store-busy', 'destroyPool: a lock was held past the bound'); };
    openFailures.push(new TmemError('bad-database', 'not a frontswap area'));
    expect(await codeOf(s.open('bad-disk', { durable: true }))).toBe('bad-database');
    s.handle.destroyPool = destroy;
    await vi.waitFor(() => expect(s.locks.held.size).toBe(0));
    expect(s.host.size).toBe(0);
    const area = await s.open('bad-disk', { durable: true });
    expect(area.store(0, varied(1))).toBe('memory');
    await area.close();
  });

  it('its thread ended between sending its port and its open request: the service destroys the pool named with the port and closes', async () => {
    const s = setupStore(32);
    const holder = `${AREA_HOLDER_LOCK_PREFIX}early:1`;
    void s.locks.request(holder, () => new Promise(() => {})); // held by the area's thread
    await vi.waitFor(() => expect(s.locks.held.has(holder)).toBe(true));
    const pool = s.handle.newPool({ persistent: true });
    for (let i = 0; i < 6; i++) expect(s.handle.put(pool, 0, i, varied(i))).toBe(true);
    const { port2 } = new MessageChannel();
    s.host.connect(port2, { holderLock: holder, poolId: pool });
    expect(s.host.size).toBe(1);
    s.locks.endThread([holder]); // the thread ends: its open request is never sent
    await vi.waitFor(() => expect(s.host.size).toBe(0));
    expect(s.hypervisor.poolTag(pool)).toBe(0);
    expect(s.hypervisor.stats().usedFrames).toBe(0);
    expect(s.events.some((m) => m.includes('"early"') && m.includes(`memory pool ${pool} was destroyed`))).toBe(true);
  });
});
