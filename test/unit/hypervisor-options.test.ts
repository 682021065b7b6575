// The store worker's options and the page's waits, checked before anything starts: a delay
// longer than a timer can hold (2^31 - 1 ms) would run at once (setTimeout's rule), so it is
// refused with a clear bad-options; a wait may be Infinity (no timer at all).
import { describe, expect, it, vi } from 'vitest';
import { TmemError } from '../../worker/core/errors.js';
import { MAX_TIMER_MS, resolveOptions, timerDelay, waitBound } from '../../worker/hypervisor/options.js';
import { connectShared } from '../../app/share.js';

const codeOf = (fn: () => unknown) => {
  try { fn(); return 'ok'; } catch (e) { return e instanceof TmemError ? `${e.code}: ${e.message}` : String(e); }
};

describe('timer delays and wait bounds', () => {
  it('statsIntervalMs and pressure.delayMs above what a timer holds are refused, naming the option', () => {
    expect(codeOf(() => resolveOptions({ statsIntervalMs: 2 ** 31 }, 4))).toMatch(/^bad-options: .*statsIntervalMs must be at most 2147483647/);
    expect(codeOf(() => resolveOptions({ pressure: { delayMs: Infinity } }, 4))).toMatch(/^bad-options: .*pressure.delayMs/);
    expect(resolveOptions({ statsIntervalMs: MAX_TIMER_MS, pressure: { delayMs: 0 } }, 4)).toMatchObject({ statsIntervalMs: MAX_TIMER_MS, pressure: { delayMs: 0 } });
    expect(codeOf(() => timerDelay('setStatsInterval: ms', -1))).toMatch(/^bad-options: .*setStatsInterval: ms/);
  });

  it('a wait bound is ms in (0, 2^31 - 1], or Infinity', () => {
    expect(waitBound('t', Infinity)).toBe(Infinity);
    expect(waitBound('t', MAX_TIMER_MS)).toBe(MAX_TIMER_MS);
    for (const bad of [0, -5, NaN, 2 ** 31, '100', null]) expect(codeOf(() => waitBound('t', bad))).toMatch(/^bad-options: .*t must be/);
  });

  it('connectShared refuses a bound a timer cannot hold, and with Infinity waits without one', async () => {
    await expect(connectShared({ scope: new EventTarget(), timeoutMs: 2 ** 31 })).rejects.toMatchObject({ code: 'bad-options' });
    // Infinity sets no timer at all (given to setTimeout, it would fire at once).
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      void connectShared({ scope: new EventTarget(), timeoutMs: Infinity });
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
  });

  it('connectShared passes over a message that only claims to be a share, and keeps waiting', async () => {
    const scope = new EventTarget();
    const waiting = connectShared({ scope, timeoutMs: 200 });
    scope.dispatchEvent(Object.assign(new Event('message'), { data: { webtmem: 'share' } }));
    await expect(waiting).rejects.toMatchObject({ code: 'worker-failed' }); // the timeout, not bad-options
  });
});
