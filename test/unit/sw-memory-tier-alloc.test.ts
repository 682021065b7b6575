// The service worker's memory tier makes its store at the first put. When that allocation
// fails (a device short of memory), the put is lost, as a cleancache put may be, and nothing
// throws into the request being answered; the next put tries again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resourceKey, toRecord } from '../../sw/http/index.js';

const failing = vi.hoisted(() => ({ allocations: 0 }));
vi.mock('../../worker/core/index.js', async (importOriginal) => {
  const core = await importOriginal<typeof import('../../worker/core/index.js')>();
  return {
    ...core,
    createStore: (options: Parameters<typeof core.createStore>[0]) => {
      if (failing.allocations > 0) {
        failing.allocations--;
        throw new RangeError('Array buffer allocation failed');
      }
      return core.createStore(options);
    },
  };
});
const { MemoryTier } = await import('../../sw/memory-tier.js');

afterEach(() => vi.restoreAllMocks());

describe('MemoryTier whose store cannot be allocated', () => {
  it("loses the put ('no-memory'), warns once, throws nothing, and stores at the next put that can allocate", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const tier = new MemoryTier(2 * 1024 * 1024);
    const response = { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/css' }) };
    const record = toRecord(resourceKey('https://s.test/a.css', [], new Headers()), response, new Uint8Array(3000).fill(7), { requestTime: 1, responseTime: 2 }, 0);
    failing.allocations = 2;
    expect(tier.put(record, [])).toBe('no-memory');
    expect(tier.put(record, [])).toBe('no-memory');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/could not allocate its 2097152 bytes \(Array buffer allocation failed\)/);
    expect(tier.lookup(new Request('https://s.test/a.css'))).toBeNull();
    expect(tier.stats()).toMatchObject({ puts: 0, usedBytes: 0 });
    expect(tier.put(record, [])).toBe('stored');
    expect(tier.lookup(new Request('https://s.test/a.css'))?.body).toEqual(new Uint8Array(3000).fill(7));
  });
});
