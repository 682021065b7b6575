// A lowered budget makes every area write back; areas on other threads do it at the same
// moment, each seeing the whole excess at first. A rebalance looks at the store again every
// REBALANCE_CHECK_PAGES pages, so the areas together move about the excess, not once each.
import { describe, expect, it, vi } from 'vitest';
import { REBALANCE_CHECK_PAGES } from '../../app/frontswap/writeback.js';
import { PS, setupStore } from './frontswap-fakes.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

/** A page starting with `value` and not same-filled (a same-filled page takes no frame). */
const page = (value: number): Uint8Array => new Uint8Array(PS).map((_, i) => (value + i) & 255);

/** A store of 128 frames: an area holding 64 pages in memory, and another thread's pool
 *  holding the other 64 (what a second area there would hold). */
async function fullStore() {
  const s = setupStore(128);
  const other = s.otherThread();
  const pool = other.newPool({ persistent: true });
  for (let i = 0; i < 64; i++) expect(other.put(pool, 1, i, page(200 + i))).toBe(true);
  const area = await s.open('budget-rebalance', { durable: false, writeback: true });
  for (let i = 0; i < 64; i++) expect(area.store(i, page(i))).toBe('memory');
  expect(s.handle.storeStats().usedFrames).toBe(128);
  const moved: number[] = [];
  area.addEventListener('writeback', (e) => moved.push(e.detail.pages));
  return { s, other, pool, area, moved };
}

/** Whether every page the area stored loads back (from memory, the buffer or the disk). */
async function loadsAll(area: { load(o: number, into: Uint8Array): Promise<boolean> }): Promise<boolean> {
  const into = new Uint8Array(PS);
  for (let i = 0; i < 64; i++) if (!(await area.load(i, into)) || into[0] !== i) return false;
  return true;
}

describe('frontswap writeback when the budget falls', () => {
  it('moves the whole excess when nothing else frees frames', async () => {
    const { s, area, moved } = await fullStore();
    s.hypervisor.setBudget(80);
    s.handle.budgetChanged(80);
    expect(moved).toEqual([48]);
    expect(area.stats().memoryPages).toBe(16);
    expect(s.handle.storeStats().usedFrames).toBe(80);
    expect(await loadsAll(area)).toBe(true);
    await area.flush();
    expect(await loadsAll(area)).toBe(true);
    await area.close();
  });

  it('stops once another thread has freed the excess meanwhile, moving at most one step past it', async () => {
    const { s, other, pool, area, moved } = await fullStore();
    s.hypervisor.setBudget(80);
    // Another thread's area writes back at the same moment: its frames are free once this
    // area has moved its first page.
    const flushPage = s.handle.flushPage.bind(s.handle);
    let calls = 0;
    s.handle.flushPage = (p, o, i) => {
      flushPage(p, o, i);
      if (++calls === 1) for (let k = 0; k < 48; k++) other.flushPage(pool, 1, k);
    };
    s.handle.budgetChanged(80);
    expect(moved).toEqual([REBALANCE_CHECK_PAGES]);
    expect(area.stats().memoryPages).toBe(64 - REBALANCE_CHECK_PAGES);
    expect(s.handle.storeStats().usedFrames).toBe(128 - 48 - REBALANCE_CHECK_PAGES);
    expect(await loadsAll(area)).toBe(true);
    await area.close();
  });
});
