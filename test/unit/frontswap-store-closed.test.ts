// The store closing under an open area (the page's close(), which waits for no area): the area
// closes at once without writing its buffer; its waiting calls and every later one reject
// 'closed', its lock is released, and an 'error' event counts what never reached the disk.
// And a store() that throws because the store closed changes nothing.
import { describe, expect, it, vi } from 'vitest';
import { areaLockName } from '../../app/frontswap/index.js';
import { logs, outcome, page, PS, setupStore } from './frontswap-fakes.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

/** The page's close(): the handle ends for every thread, then the hypervisor closes its host. */
function closeStore(s: ReturnType<typeof setupStore>): void {
  s.handle.closeAll();
  s.host.close();
}

describe('frontswap area when the store closes', () => {
  it('a waiting flush and later calls reject closed; the lock is released; an error event counts the unwritten pages', async () => {
    const s = setupStore();
    const area = await s.open('closing-store', { durable: true });
    const log = logs.at(-1)!;
    const errors: string[] = [];
    area.addEventListener('error', (e) => errors.push(e.detail.message));
    log.writes.hold();
    for (let i = 0; i < 8; i++) expect(area.store(i, page(i + 1))).toBe('memory');
    await vi.waitFor(() => expect(log.writes.waiting).toBe(1)); // the batch is in flight
    const flushing = outcome(area.flush());
    closeStore(s);
    expect(await flushing).toBe('closed');
    expect(await outcome(area.close())).toBe('closed');
    expect(await outcome(area.load(0, new Uint8Array(PS)))).toBe('closed');
    expect(() => area.store(0, page(9))).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(s.locks.held.has(areaLockName('closing-store'))).toBe(false);
    expect(errors).toEqual([expect.stringContaining('8 buffered pages')]);
    expect(log.disk.size).toBe(0);
  });

  it('a load waiting on the disk rejects closed', async () => {
    const s = setupStore();
    const area = await s.open('closing-read');
    const log = logs.at(-1)!;
    area.store(3, page(3));
    area.writeback(1);
    await area.flush();
    log.reads.hold();
    const loading = outcome(area.load(3, new Uint8Array(PS)));
    await vi.waitFor(() => expect(log.reads.waiting).toBe(1));
    closeStore(s);
    expect(await loading).toBe('closed');
    expect(s.locks.held.has(areaLockName('closing-read'))).toBe(false);
  });

  it('a durable store() whose memory put throws (closed by another thread, not yet seen here) changes nothing', async () => {
    const s = setupStore();
    const area = await s.open('throwing-put', { durable: true });
    area.store(1, page(1));
    await area.flush();
    const before = area.stats();
    s.otherThread().closeAll(); // this thread's handle sees the closed store, but no event yet
    expect(() => area.store(2, page(2))).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => area.store(1, page(9))).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(area.stats()).toMatchObject({ stores: before.stores, inFlightPages: 0 });
    expect(area.where(2)).toBe('absent');
    expect(area.where(1)).toBe('memory');
  });
});
