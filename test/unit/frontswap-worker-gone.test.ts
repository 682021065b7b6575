// The store worker dying under an open area: the disk goes with it, memory does not (the
// store's buffer outlives its worker). The area stays open on what it holds: nothing buffered
// is retried any more, an 'error' event counts what never reached the disk, loads answer from
// memory and the buffer, a store that would need the disk returns false (never a promise of a
// write that cannot happen), flush() rejects 'worker-gone', and close() releases the lock
// unless a durable area still holds pages the disk never got.
import { describe, expect, it, vi } from 'vitest';
import { areaLockName } from '../../app/frontswap/index.js';
import { logs, outcome, PS, setupStore } from './frontswap-fakes.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

/** A page starting with `value` and not same-filled (a same-filled page takes no frame, so it
 *  would be stored whatever the budget). */
const page = (value: number): Uint8Array => new Uint8Array(PS).map((_, i) => (value + i) & 255);

const loads = (area: { loadSync(o: number, into: Uint8Array): boolean }, offset: number): number | null => {
  const into = new Uint8Array(PS);
  return area.loadSync(offset, into) ? into[0] : null;
};

/** A durable area holding pages 0..3 on disk, and 4 and 5 in a batch the disk holds up. */
async function durableWithHeldBatch(name: string) {
  const s = setupStore();
  const area = await s.open(name, { durable: true });
  const log = logs.at(-1)!;
  for (let i = 0; i < 4; i++) area.store(i, page(i + 1));
  await area.flush();
  log.writes.hold();
  area.store(4, page(5));
  area.store(5, page(6));
  await vi.waitFor(() => expect(log.writes.waiting).toBe(1));
  return { s, area };
}

describe('frontswap area when the store worker dies', () => {
  it('not durable: buffered pages stay loadable, memory still takes stores, what needs the disk is refused', async () => {
    const s = setupStore();
    const area = await s.open('gone-plain');
    const log = logs.at(-1)!;
    const errors: string[] = [];
    area.addEventListener('error', (e) => errors.push(e.detail.message));
    area.store(20, page(20));
    expect(area.writeback(1)).toBe(1); // 20 goes to disk, and commits
    await area.flush();
    log.writes.hold();
    for (let i = 0; i < 8; i++) expect(area.store(i, page(i + 1))).toBe('memory');
    expect(area.writeback(4)).toBe(4); // 0..3 to the buffer, their batch held
    await vi.waitFor(() => expect(log.writes.waiting).toBe(1));
    s.handle.workerDied();
    expect(errors).toEqual([expect.stringContaining('4 buffered pages')]);
    expect(area.stats().lastError).toContain('store worker is gone');
    // Every page reported stored is still loadable, from memory (4..7) or the buffer (0..3).
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((o) => loads(area, o))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await outcome(area.load(20, new Uint8Array(PS)))).toBe('worker-gone');
    expect(area.store(8, page(9))).toBe('memory');
    expect(area.writeback(2)).toBe(0); // nothing may leave memory now
    // Memory refuses: the buffer could never write the page, so the store is refused.
    s.hypervisor.setBudget(0);
    expect(area.store(9, page(10))).toBe(false);
    expect(area.where(9)).toBe('absent');
    expect(area.store(2, page(11))).toBe(false); // rule 6: the older page, buffered, goes
    expect(loads(area, 2)).toBe(null);
    expect(area.store(5, page(12))).toBe('memory'); // rewritten in its own frame
    area.invalidatePage(1);
    expect(area.where(1)).toBe('absent');
    expect(await outcome(area.flush())).toBe('worker-gone');
    expect(errors).toHaveLength(1); // no retries, so no more errors
    expect(await outcome(area.close())).toBe('resolved');
    expect(s.locks.held.has(areaLockName('gone-plain'))).toBe(false);
  });

  it('durable: every store is refused (it writes through); close() keeps the area while the disk lacks its pages', async () => {
    const { s, area } = await durableWithHeldBatch('gone-durable');
    s.handle.workerDied();
    expect(area.store(6, page(7))).toBe(false);
    expect(area.where(6)).toBe('absent');
    expect(area.store(0, page(9))).toBe(false); // memory keeps no page the disk lacks
    expect(loads(area, 0)).toBe(null);
    expect([1, 2, 3, 4, 5].map((o) => loads(area, o))).toEqual([2, 3, 4, 5, 6]);
    expect(await outcome(area.close())).toBe('worker-gone');
    expect(loads(area, 5)).toBe(6); // still open, nothing lost
    expect(s.locks.held.has(areaLockName('gone-durable'))).toBe(true);
    expect(await outcome(area.invalidateArea())).toBe('worker-gone');
    expect(s.locks.held.has(areaLockName('gone-durable'))).toBe(false);
    expect(() => area.store(1, page(1))).toThrow(expect.objectContaining({ code: 'area-closed' }));
  });

  it('a durable area whose buffer holds only what was dropped (deletes, invalidated copies): flush and close resolve', async () => {
    const { s, area } = await durableWithHeldBatch('gone-dropped');
    area.invalidatePage(2); // its delete waits in the buffer
    s.handle.workerDied();
    expect(area.stats().inFlightPages).toBe(2);
    expect(await outcome(area.flush())).toBe('worker-gone'); // 4 and 5 never reached the disk
    area.invalidatePage(4);
    area.invalidatePage(5);
    expect(area.stats().inFlightPages).toBe(0);
    expect([4, 5].map((o) => loads(area, o))).toEqual([null, null]);
    expect([1, 3].map((o) => loads(area, o))).toEqual([2, 4]);
    expect(await outcome(area.flush())).toBe('resolved');
    expect(await outcome(area.close())).toBe('resolved');
    expect(s.locks.held.has(areaLockName('gone-dropped'))).toBe(false);
  });

  it('a durable area with nothing buffered: stores refused, flush and close resolve', async () => {
    const s = setupStore();
    const area = await s.open('gone-idle', { durable: true });
    s.handle.workerDied();
    expect(area.store(1, page(1))).toBe(false);
    expect(await outcome(area.flush())).toBe('resolved'); // nothing to write
    expect(await outcome(area.close())).toBe('resolved');
    expect(s.locks.held.has(areaLockName('gone-idle'))).toBe(false);
  });

  it('an area whose worker died while it opened says so once its caller can listen', async () => {
    const s = setupStore();
    // Another thread sees the worker die while this one opens, after its disk answered (in
    // the open's last wait, for the storage estimate): this thread's own handle has not seen
    // it yet, the lifecycle word says so first.
    vi.stubGlobal('navigator', { locks: s.locks, storage: { persisted: async () => { s.otherThread().workerDied(); return false; } } });
    const area = await s.open('gone-opening');
    const errors: string[] = [];
    area.addEventListener('error', (e) => errors.push(e.detail.message));
    expect(area.stats().lastError).toContain('store worker is gone');
    await vi.waitFor(() => expect(errors).toEqual([expect.stringContaining('store worker is gone')]));
    s.hypervisor.setBudget(0);
    expect(area.store(1, page(1))).toBe(false); // memory refused; a spill would need the disk
  });
});

describe('a thread that saw the store worker die', () => {
  it('still learns of the page\'s close(): a closed event, and its area ends and lets its lock go', async () => {
    const s = setupStore();
    const worker = s.otherThread();
    const area = await s.open('gone-then-closed', {}, worker);
    let closed = 0;
    worker.addEventListener('closed', () => closed++);
    worker.workerDied();
    s.handle.workerDied();
    expect(area.store(1, page(1))).toBe('memory'); // open on memory
    s.handle.closeAll(); // the page's close(): no store worker left to tell anyone
    await vi.waitFor(() => expect(closed).toBe(1));
    expect(s.locks.held.has(areaLockName('gone-then-closed'))).toBe(false);
    expect(() => area.store(1, page(1))).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});
