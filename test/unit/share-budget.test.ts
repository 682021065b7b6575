// An app worker's store (SharedTmem) learns of budget changes by awaiting the core's budget
// word, which setBudget notifies: the event comes without any timer running (fake timers stop
// the polling fallback, so this fails if the watch polls), and a stopped watch fires nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { createLifecycle } from '../../worker/handle/lifecycle.js';
import { attachFrom } from '../../app/share.js';

function shared() {
  const buffer = createStore({ capacityBytes: 256 * 4096 });
  const { port1 } = new MessageChannel();
  const store = attachFrom({ webtmem: 'share', buffer, lifecycle: createLifecycle(true) as SharedArrayBuffer, lockName: null, control: port1 });
  return { buffer, store, hypervisor: attach(buffer), port1 };
}

afterEach(() => vi.useRealTimers());

describe('SharedTmem budget events', () => {
  it('fire on setBudget from another attachment, with no timer', async () => {
    vi.useFakeTimers();
    const { store, hypervisor, port1 } = shared();
    const seen: number[] = [];
    let wake = () => {};
    const listener = (e: CustomEvent<{ budgetFrames: number }>) => { seen.push(e.detail.budgetFrames); wake(); };
    store.addEventListener('budget', listener);
    const next = () => new Promise<void>((r) => { wake = r; });
    let arrived = next();
    hypervisor.setBudget(100);
    await arrived;
    arrived = next();
    hypervisor.setBudget(40);
    await arrived;
    expect(seen).toEqual([100, 40]);
    // Stopped: a later change fires nothing.
    store.removeEventListener('budget', listener);
    hypervisor.setBudget(80);
    await new Promise((r) => queueMicrotask(() => r(null)));
    await Promise.resolve();
    expect(seen).toEqual([100, 40]);
    store.detach();
    port1.close();
  });
});
