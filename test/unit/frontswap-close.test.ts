// An area's close() settles, and so does every call made before it: the link sends close()
// once its earlier calls have their answers (a read in progress), the disk service answers it
// once its log has finished the work it holds (the compaction a batch queued), and only then
// does the host close the port.
import { expose, transfer } from 'comlink';
import { describe, expect, it, vi } from 'vitest';
import { areaLockName } from '../../app/frontswap/index.js';
import { DiskLink } from '../../app/frontswap/disk-link.js';
import { AreaDiskService } from '../../worker/frontswap/index.js';
import type { FrontswapStats } from '../../worker/stats.js';
import { logs, outcome, page, PS, setupStore } from './frontswap-fakes.js';
import { TmemError } from '../../worker/core/errors.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

/** Resolves once `p` has settled, or fails the test if it has not within the poll's bound. */
async function settles<T>(p: Promise<T>): Promise<void> {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  await vi.waitFor(() => expect(settled).toBe(true), { timeout: 2000 });
}

describe('frontswap area close()', () => {
  it('a second close() while one is under way settles with it, after the lock is released', async () => {
    const s = setupStore();
    const area = await s.open('twice', { durable: true });
    const log = logs.at(-1)!;
    area.store(1, page(1));
    log.writes.hold();
    await vi.waitFor(() => expect(log.writes.waiting).toBe(1)); // the page's batch reached the disk
    const first = area.close();
    let secondDone = false;
    const second = area.close().then(() => { secondDone = true; });
    await new Promise((r) => setTimeout(r, 0));
    expect(secondDone).toBe(false); // the batch is still held: nothing is committed yet
    log.writes.release();
    await Promise.all([first, second]);
    expect(s.locks.held.size).toBe(0);
    expect(log.disk.has(1)).toBe(true);
  });

  it('a close() during invalidateArea() resolves once the lock is free, as invalidateArea() does', async () => {
    const s = setupStore();
    const area = await s.open('invalidate-then-close', { durable: true });
    const log = logs.at(-1)!;
    area.store(1, page(1));
    log.writes.hold(); // the clear waits behind the held batch
    await vi.waitFor(() => expect(log.writes.waiting).toBe(1));
    const invalidated = area.invalidateArea();
    let closed = false;
    const closing = area.close().then(() => { closed = true; });
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toBe(false);
    expect(s.locks.held.has(areaLockName('invalidate-then-close'))).toBe(true);
    log.writes.release();
    await closing;
    expect(s.locks.held.has(areaLockName('invalidate-then-close'))).toBe(false);
    await invalidated;
    await expect(s.open('invalidate-then-close')).resolves.toBeDefined();
    // Invalidated, the area refuses a second invalidateArea() by rejecting, not by throwing.
    let thrown: unknown = null;
    let again: Promise<void> | null = null;
    try { again = area.invalidateArea(); } catch (e) { thrown = e; }
    expect(thrown).toBeNull();
    await expect(again).rejects.toMatchObject({ code: 'area-closed' });
  });

  it('an automatic writeback that meets store-busy is recorded, not thrown into the event that ran it', async () => {
    const s = setupStore();
    const area = await s.open('busy-writeback', { durable: false, writeback: true });
    for (let i = 0; i < 4; i++) expect(area.store(i, page(i + 1))).toBe('memory');
    const real = { framesOverBudget: s.handle.framesOverBudget.bind(s.handle), get: s.handle.get.bind(s.handle) };
    s.handle.framesOverBudget = () => 8;
    s.handle.get = () => { throw new TmemError('store-busy', 'get: a lock was held past the bound'); };
    try {
      s.handle.budgetChanged(0);
    } finally {
      Object.assign(s.handle, real);
    }
    expect(area.stats().lastError).toContain('writeback stopped');
    const into = new Uint8Array(PS);
    for (let i = 0; i < 4; i++) expect(area.loadSync(i, into) && into[0] === i + 1).toBe(true); // nothing lost
    await area.close();
  });

  it('a store that closes while an area is opening makes the open reject with closed, and the area\'s locks go', async () => {
    const s = setupStore();
    // The last step of an open asks for the storage estimate; the store closes meanwhile.
    vi.stubGlobal('navigator', { locks: s.locks, storage: { persisted: async () => { s.handle.closeAll(); return false; }, estimate: async () => ({}) } });
    expect(await outcome(s.open('closing-meanwhile', { durable: false }))).toBe('closed');
    await vi.waitFor(() => expect(s.locks.held.size).toBe(0));
    await vi.waitFor(() => expect(s.host.size).toBe(0));
  });

  it('close() and invalidateArea() let go of the link, listeners and lock even when emptying the pool meets store-busy', async () => {
    const s = setupStore();
    const baseline = s.handle.listenerCount();
    const busy = () => { throw new TmemError('store-busy', 'a lock was held past the bound'); };
    const real = { flushObject: s.handle.flushObject.bind(s.handle), destroyPool: s.handle.destroyPool.bind(s.handle) };
    for (const end of ['close', 'invalidateArea'] as const) {
      const area = await s.open(`busy-${end}`, { durable: false });
      area.store(1, page(1));
      s.handle.flushObject = busy;
      s.handle.destroyPool = busy;
      try {
        expect(await outcome(area[end]())).toBe('resolved');
      } finally {
        Object.assign(s.handle, real);
      }
      expect(area.stats().lastError).toContain('could not be emptied');
      await vi.waitFor(() => expect(s.host.size).toBe(0));
      await vi.waitFor(() => expect(s.locks.held.size).toBe(0));
      expect(s.handle.listenerCount()).toBe(baseline);
      const again = await s.open(`busy-${end}`, { durable: false }); // the lock is free
      await again.close();
    }
  });

  it('a durable close() answers after the compaction its last batch queued, and releases the lock', async () => {
    const { open, locks } = setupStore();
    const area = await open('queued-compaction', { durable: true });
    const log = logs.at(-1)!;
    log.compactAfterWrite = true;
    log.compactions.hold();
    for (let i = 0; i < 8; i++) area.store(i, page(i + 1));
    await area.flush();
    await vi.waitFor(() => expect(log.compactions.waiting).toBe(1));
    const closing = area.close();
    await vi.waitFor(() => expect(log.closed).toBe(true)); // the service waits for the log
    log.compactions.release();
    await settles(closing);
    await closing;
    expect(locks.held.has(areaLockName('queued-compaction'))).toBe(false);
    expect(log.disk.size).toBe(8);
  });

  it('a compact() racing close() settles, and so does close()', async () => {
    const { open } = setupStore();
    const area = await open('racing-compact', { durable: true });
    const log = logs.at(-1)!;
    log.compactAfterWrite = true;
    log.compactions.hold();
    area.store(1, page(1));
    await area.flush();
    await vi.waitFor(() => expect(log.compactions.waiting).toBe(1));
    const compacting = outcome(area.compact());
    const closing = area.close();
    log.compactions.release();
    await settles(Promise.all([compacting, closing]));
    expect(await compacting).toBe('resolved');
  });

  it('the disk service answers a compact() racing close(), and tells the host it closed (so the port closes) only once its log has finished', async () => {
    const told: string[] = [];
    const service = new AreaDiskService(() => undefined, () => told.push('host told'));
    await service.open({ name: 'service-order', durable: true, pageSize: PS });
    const log = logs.at(-1)!;
    log.compactAfterWrite = true;
    log.compactions.hold();
    await service.writeBatch([1], new ArrayBuffer(PS));
    const compacting = service.compact().finally(() => told.push('compact answered')).catch(() => undefined);
    const closing = service.close().then(() => told.push('close answered'));
    await vi.waitFor(() => expect(log.closed).toBe(true));
    expect(told).toEqual([]); // the compaction the batch queued still runs, then compact()'s
    log.compactions.release();
    await Promise.all([compacting, closing]);
    expect(told).toEqual(['compact answered', 'host told', 'close answered']);
  });

  it('the link sends close() once the calls made before it have their answers: a read in progress gets its page', async () => {
    const { port1, port2 } = new MessageChannel();
    const seen: string[] = [];
    let answerRead!: () => void;
    expose({
      read: () => new Promise((resolve) => {
        seen.push('read');
        answerRead = () => { const data = page(7).buffer; resolve(transfer({ hits: new Uint8Array([1]), data }, [data])); };
      }),
      report: () => { seen.push('report'); return {}; },
      close: () => { seen.push('close'); },
    }, port2);
    const link = new DiskLink(port1, PS, () => () => undefined);
    const reading = link.read([1]);
    const closing = link.close();
    // Sent after close(), so answered after anything close() had sent: it had sent nothing.
    await link.report({} as FrontswapStats);
    expect(seen).toEqual(['read', 'report']);
    answerRead();
    await settles(Promise.all([reading, closing]));
    expect(seen).toEqual(['read', 'report', 'close']);
    expect((await reading)[0]).toEqual(page(7));
    expect(await outcome(link.read([1]))).toBe('area-closed'); // the link is closed for good
  });
});
