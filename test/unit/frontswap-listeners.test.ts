// An area listens to its store ('budget', 'closed', 'worker-gone': its own and its disk link's)
// only while it is open: however it ends, it leaves no listener on the store, which outlives it
// (a page opens and closes many areas on one client).
import { describe, expect, it, vi } from 'vitest';
import { setupStore } from './frontswap-fakes.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

describe('frontswap area listeners on its store', () => {
  it('none is left once the store has closed under the area', async () => {
    const s = setupStore();
    const area = await s.open('listeners-store-closed', { durable: true });
    expect(s.handle.listenerCount()).toBeGreaterThan(0);
    s.handle.closeAll();
    s.host.close();
    expect(() => area.where(0)).toThrow(expect.objectContaining({ code: 'closed' })); // the area ended
    expect(s.handle.listenerCount()).toBe(0);
  });

  it('none is left once this thread has detached (its areas end with it)', async () => {
    const s = setupStore();
    const thread = s.otherThread();
    await s.open('listeners-detached', {}, thread);
    expect(thread.listenerCount()).toBeGreaterThan(0);
    thread.detach();
    expect(thread.listenerCount()).toBe(0);
  });

  it('none is left after close() or invalidateArea(), while the store stays open', async () => {
    const s = setupStore();
    const closed = await s.open('listeners-close');
    const invalidated = await s.open('listeners-invalidate', { durable: true });
    expect(s.handle.listenerCount('worker-gone')).toBe(4); // each area's own, and its disk link's
    await closed.close();
    await invalidated.invalidateArea();
    expect(s.handle.listenerCount()).toBe(0);
  });

  it('none is left by an open that failed after its disk link was made', async () => {
    const s = setupStore();
    // No pool left: the area's pool, made once its disk link exists, is refused.
    for (;;) {
      try { s.handle.newPool({ persistent: true }); } catch { break; }
    }
    await expect(s.open('listeners-failed-open')).rejects.toMatchObject({ code: 'too-many-pools' });
    expect(s.host.size).toBe(0); // the link was made and closed
    expect(s.handle.listenerCount()).toBe(0);
  });
});
