// The disk log checkpoints and compacts by itself after writes. When one of those transactions
// fails, no call of the area rejects, so the area says it at its next stats report: an 'error'
// event once per new failure, the stats' lastError and diskErrors, then 'recovered' once a
// write has committed since.
import { describe, expect, it, vi } from 'vitest';
import { logs, setupStore } from './frontswap-fakes.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

describe("a failure of the disk's own checkpoint or compaction", () => {
  it("fires 'error' once at the next report, then 'recovered' once a write has committed", async () => {
    const s = setupStore();
    const area = await s.open('background-faults');
    const log = logs.at(-1)!;
    const events: [string, string][] = [];
    area.addEventListener('error', (e) => events.push(['error', e.detail.message]));
    area.addEventListener('recovered', (e) => events.push(['recovered', e.detail.message]));

    await area.refreshStats();
    expect(events).toEqual([]);

    const page = new Uint8Array(4096).fill(7);
    expect(area.store(3, page)).not.toBe(false);
    log.failures = { errors: 1, backgroundErrors: 1, failing: true, lastError: 'QuotaExceededError: the quota was exceeded' };
    const stats = await area.refreshStats();
    expect(events).toHaveLength(1);
    expect(events[0][0]).toBe('error');
    expect(events[0][1]).toMatch(/background-faults.*checkpoint or compaction failed \(QuotaExceededError: the quota was exceeded\); nothing is lost/);
    expect(stats.diskErrors).toBe(1);
    expect(stats.lastError).toBe(events[0][1]);

    // Still failing, nothing new: no second event.
    await area.refreshStats();
    expect(events).toHaveLength(1);

    // The page stored before is still there.
    const into = new Uint8Array(4096);
    expect(await area.load(3, into)).toBe(true);
    expect(into).toEqual(page);

    log.failures = { ...log.failures, failing: false };
    await area.refreshStats();
    expect(events.map(([type]) => type)).toEqual(['error', 'recovered']);
    expect(events[1][1]).toMatch(/background-faults.*commits again/);
    await area.refreshStats();
    expect(events).toHaveLength(2);

    // A second failure is a new 'error'.
    log.failures = { errors: 2, backgroundErrors: 2, failing: true, lastError: 'AbortError: aborted' };
    await area.refreshStats();
    expect(events.map(([type]) => type)).toEqual(['error', 'recovered', 'error']);
    await area.close();
  });
});
