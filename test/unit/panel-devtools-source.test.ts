// The DevTools stats source: an inspectedWindow.eval that is never answered (sent while
// DevTools is still attaching) must not stall the panel's polling, which waits for each
// answer before asking again: the poll gives up after EVAL_TIMEOUT_MS with a reason, and the
// next poll is answered normally. A late answer to the abandoned eval changes nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { devtoolsStatsSource, EVAL_TIMEOUT_MS, type InspectedWindowLike } from '../../app/panel/devtools-source.js';

afterEach(() => vi.useRealTimers());

/** A snapshot as the store worker publishes it (the parts a panel reads), taken now. */
const snap = (seq: number, time = Date.now()) => ({ time, seq, mode: 'shared', store: { pools: [] }, frontswap: [], cleancache: null, pressure: {}, events: [] });

describe('devtoolsStatsSource', () => {
  it('an unanswered eval is a miss after the timeout; later polls work; a late answer is ignored', async () => {
    vi.useFakeTimers();
    const callbacks: ((result: unknown) => void)[] = [];
    const inspected: InspectedWindowLike = { eval: (_expression, callback) => { callbacks.push(callback!); } };
    const source = devtoolsStatsSource(inspected);

    const first = source.snapshot();
    await vi.advanceTimersByTimeAsync(EVAL_TIMEOUT_MS - 1);
    let settled = false;
    void first.then(() => { settled = true; });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toBeNull();
    expect(source.missingReason).toMatch(/did not answer/);

    const second = source.snapshot();
    const seven = snap(7);
    callbacks[1](JSON.stringify(seven));
    expect(await second).toEqual(seven);
    expect(source.missingReason).toBeNull();

    callbacks[0]('none'); // the abandoned eval answers at last
    expect(source.missingReason).toBeNull();
  });

  it('answers as before: no webtmem, loading, a snapshot', async () => {
    const one = snap(1);
    const answers = ['none', 'empty', JSON.stringify(one)];
    const inspected: InspectedWindowLike = { eval: (_e, callback) => callback!(answers.shift()) };
    const source = devtoolsStatsSource(inspected);
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/no webtmem/);
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/loading/);
    expect(await source.snapshot()).toEqual(one);
  });

  it('a snapshot over 2 s old is shown as the last one, with why; one of another version is not shown', async () => {
    const old = snap(3, Date.now() - 5000);
    const answers = [JSON.stringify(old), JSON.stringify({ seq: 4, time: Date.now() })];
    const source = devtoolsStatsSource({ eval: (_e, callback) => callback!(answers.shift()) });
    expect(await source.snapshot()).toEqual(old);
    expect(source.missingReason).toMatch(/The stats stopped/);
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/another webtmem version/);
  });
});
