// The page's stats source (the in-page panel's): the newest snapshot as live; one over 2 s old
// shown as the last, saying publishing stopped; one this panel cannot read not shown; an
// element with id="webtmem" (which window.webtmem names when webtmem is not there) is no webtmem.
import { describe, expect, it } from 'vitest';
import { pageStatsSource, STALE_STATS_MS, type WebtmemGlobal } from '../../app/panel/stats-source.js';
import { StatsHistory } from '../../app/panel/stats-history.js';
import type { StatsSnapshot } from '../../worker/stats.js';

const snap = (seq: number, time = Date.now()) =>
  ({ time, seq, mode: 'shared', store: { pools: [] }, frontswap: [], cleancache: null, pressure: {}, events: [] }) as unknown as StatsSnapshot;

describe('pageStatsSource', () => {
  it('a fresh snapshot is live; a stale one is shown with why; another version is not shown', async () => {
    const w: WebtmemGlobal = { lastStats: snap(1), stats: async () => snap(2) };
    const source = pageStatsSource(w);
    expect(await source.snapshot()).toBe(w.lastStats);
    expect(source.missingReason).toBeNull();
    w.lastStats = snap(3, Date.now() - STALE_STATS_MS - 1000);
    expect(await source.snapshot()).toBe(w.lastStats);
    expect(source.missingReason).toMatch(/The stats stopped/);
    w.lastStats = { seq: 4, time: Date.now() } as unknown as StatsSnapshot;
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/another webtmem version/);
  });

  it('a page that publishes every 5 s is live at 3 s; stopped after three of its gaps', async () => {
    const now = Date.now();
    const w: WebtmemGlobal = { lastStats: snap(1, now - 8000) };
    const source = pageStatsSource(w);
    await source.snapshot(); // the first: stale by the default bound (nothing known of the pace)
    w.lastStats = snap(2, now - 3000);
    expect(await source.snapshot()).toBe(w.lastStats);
    expect(source.missingReason).toBeNull(); // 5 s between the two: 15 s before it counts
    w.lastStats = snap(2, now - 16_000);
    w.lastStats.seq = 2;
    expect(await source.snapshot()).toBe(w.lastStats);
    expect(source.missingReason).toMatch(/The stats stopped/);
  });

  it('an element named webtmem is no webtmem', async () => {
    const element = { id: 'webtmem', tagName: 'DIV' } as unknown as WebtmemGlobal;
    const source = pageStatsSource(() => element);
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/no webtmem/);
  });
});

describe('StatsHistory', () => {
  it('ignores a snapshot that arrives late (lower seq, no later); starts anew on a lower seq at a later time', () => {
    const history = new StatsHistory(10);
    expect(history.push(snap(5, 1000))).toBe(true);
    expect(history.push(snap(6, 1200))).toBe(true);
    expect(history.push(snap(5, 1000))).toBe(false); // a stats() reply overtaken by a published one
    expect(history.samples().map((s) => s.seq)).toEqual([5, 6]);
    expect(history.push(snap(1, 5000))).toBe(true); // the worker restarted
    expect(history.samples().map((s) => s.seq)).toEqual([1]);
  });
});

describe('toSample rates', () => {
  const pool = (id: number, gets: number, succGets: number, puts = 0) =>
    ({ id, uuid: null, persistent: false, shared: true, pages: 0, puts, succPuts: puts, failedPuts: 0, gets, succGets, failedGets: gets - succGets, flushes: 0, flushObjects: 0, evictions: 0 });
  const at = (seq: number, time: number, pools: object[]) =>
    ({ ...snap(seq, time), store: { pageSize: 4096, pools } }) as unknown as StatsSnapshot;

  it("count each pool's own growth: a pool destroyed between two snapshots takes nothing from the others' rates", () => {
    const history = new StatsHistory(10);
    history.push(at(1, 1000, [pool(1, 100, 0), pool(2, 50, 50, 10)]));
    // Pool 1 (100 gets, no hits) is destroyed; pool 2 did 150 gets, all hits, and 20 puts.
    history.push(at(2, 2000, [pool(2, 200, 200, 30)]));
    const [, s] = history.samples();
    expect([s.getsPerSec, s.hitRatio, s.putsPerSec]).toEqual([150, 1, 20]);
    // A new pool counts all of its gets.
    history.push(at(3, 3000, [pool(2, 200, 200, 30), pool(3, 10, 5)]));
    expect(history.samples()[2]).toMatchObject({ getsPerSec: 10, hitRatio: 0.5 });
  });
});
