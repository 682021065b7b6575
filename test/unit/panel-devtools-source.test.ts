// The DevTools stats source: an inspectedWindow.eval that is never answered (sent while
// DevTools is still attaching) must not stall the panel's polling, which waits for each
// answer before asking again: the poll gives up after EVAL_TIMEOUT_MS with a reason, and the
// next poll is answered normally. A late answer to the abandoned eval changes nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { devtoolsStatsSource, EVAL_TIMEOUT_MS, type InspectedWindowLike } from '../../app/panel/devtools-source.js';

afterEach(() => vi.useRealTimers());

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
    callbacks[1](JSON.stringify({ seq: 7 }));
    expect(await second).toEqual({ seq: 7 });
    expect(source.missingReason).toBeNull();

    callbacks[0]('none'); // the abandoned eval answers at last
    expect(source.missingReason).toBeNull();
  });

  it('answers as before: no webtmem, loading, a snapshot', async () => {
    const answers = ['none', 'empty', JSON.stringify({ seq: 1 })];
    const inspected: InspectedWindowLike = { eval: (_e, callback) => callback!(answers.shift()) };
    const source = devtoolsStatsSource(inspected);
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/no webtmem/);
    expect(await source.snapshot()).toBeNull();
    expect(source.missingReason).toMatch(/loading/);
    expect(await source.snapshot()).toEqual({ seq: 1 });
  });
});
