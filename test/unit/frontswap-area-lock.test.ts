// takeAreaLock: a refusal is asked again after a round trip to the lock manager, twice at
// most, so that a lock another thread has just released (its release still on its way to the
// browser's lock manager) is taken, and a lock really held is still refused.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { takeAreaLock } from '../../app/frontswap/area-lock.js';

/** A lock manager that refuses the first `busy` ifAvailable requests, then grants. */
function locksBusyFor(busy: number) {
  const calls = { requests: 0, queries: 0, held: 0 };
  const locks = {
    request: (_name: string, _options: LockOptions, callback: (lock: Lock | null) => unknown) => {
      calls.requests++;
      const granted = calls.requests > busy;
      if (granted) calls.held++;
      return Promise.resolve(callback(granted ? ({ name: _name } as Lock) : null)).finally(() => { if (granted) calls.held--; });
    },
    query: async () => { calls.queries++; return { held: [], pending: [] }; },
  };
  vi.stubGlobal('navigator', { locks });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('takeAreaLock', () => {
  it('takes a lock refused at first and free after a round trip (released a moment ago elsewhere)', async () => {
    const calls = locksBusyFor(2);
    const release = await takeAreaLock('a', false);
    expect(calls).toEqual({ requests: 3, queries: 2, held: 1 });
    await release();
    expect(calls.held).toBe(0);
  });

  it('refuses a lock still held after two round trips, with area-locked', async () => {
    const calls = locksBusyFor(3);
    await expect(takeAreaLock('b', false)).rejects.toMatchObject({ code: 'area-locked', message: expect.stringMatching(/area "b" is held by another tab or worker/) });
    expect(calls).toEqual({ requests: 3, queries: 2, held: 0 });
  });

  it('refuses with not-supported where there are no Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    await expect(takeAreaLock('c', false)).rejects.toMatchObject({ code: 'not-supported' });
  });
});
