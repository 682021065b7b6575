// An app worker's store (SharedTmem) learns of budget changes by awaiting the core's budget
// word, which setBudget notifies: the event comes without any timer running (fake timers stop
// the polling fallback, so this fails if the watch polls), and a stopped watch fires nothing.
// Atomics.waitAsync wakes through a task, so "nothing" is checked once a second watch on the
// same word, whose wait was queued after the stopped one's, has woken for the same change.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { createLifecycle } from '../../worker/handle/lifecycle.js';
import { attachFrom } from '../../app/share.js';
import { BudgetWatch } from '../../worker/handle/budget-watch.js';

function shared() {
  const buffer = createStore({ capacityBytes: 256 * 4096 });
  const lifecycle = createLifecycle(true) as SharedArrayBuffer;
  const { port1, port2 } = new MessageChannel();
  const store = attachFrom({ webtmem: 'share', buffer, lifecycle, lockName: null, control: port1 });
  const another = attachFrom({ webtmem: 'share', buffer, lifecycle, lockName: null, control: port2 });
  return { buffer, store, another, hypervisor: attach(buffer), port1, port2 };
}

afterEach(() => vi.useRealTimers());

describe('BudgetWatch on Atomics.waitAsync', () => {
  it('a stopped watch fires nothing', async () => {
    const buffer = createStore({ capacityBytes: 64 * 4096 });
    const core = attach(buffer);
    const a: number[] = [];
    const b: number[] = [];
    const first = new BudgetWatch(buffer, (f) => a.push(f));
    first.start();
    let wake = () => {};
    const second = new BudgetWatch(buffer, (f) => { b.push(f); wake(); });
    const woke = () => new Promise<void>((r) => { wake = r; });
    let arrived = new Promise<void>((r) => { const w = new BudgetWatch(buffer, () => { w.stop(); r(); }); w.start(); });
    core.setBudget(50);
    await arrived;
    first.stop();
    // Atomics.waitAsync wakes through a task, so "nothing" is checked once a second watch,
    // whose wait was queued after the stopped one's, has woken for the same change.
    second.start();
    arrived = woke();
    core.setBudget(60);
    await arrived;
    expect(b).toEqual([60]);
    expect(a).toEqual([50]);
    second.stop();
  });
});

describe('SharedTmem budget events', () => {
  it('fire on setBudget from another attachment, with no timer', async () => {
    vi.useFakeTimers();
    const { store, another, hypervisor, port1, port2 } = shared();
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
    // The last listener gone, the watch stops (what a stopped watch does: the test below).
    store.removeEventListener('budget', listener);
    const witnessed = new Promise<number>((r) => another.addEventListener('budget', (e) => r(e.detail.budgetFrames)));
    hypervisor.setBudget(80);
    expect(await witnessed).toBe(80);
    expect(seen).toEqual([100, 40]);
    store.detach();
    another.detach();
    port1.close();
    port2.close();
  });
});

describe('BudgetWatch polling fallback (no Atomics.waitAsync)', () => {
  it('reads the word every pollMs on its clock, and a stopped watch schedules nothing', async () => {
    const { ManualClock } = await import('./manual-clock.js');
    const buffer = createStore({ capacityBytes: 64 * 4096 });
    const core = attach(buffer);
    const clock = new ManualClock();
    const seen: number[] = [];
    const watch = new BudgetWatch(buffer, (frames) => seen.push(frames), { clock, pollMs: 100, waitAsync: null });
    watch.start();
    core.setBudget(10);
    clock.advance(99);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([10]);
    core.setBudget(20);
    core.setBudget(30);
    clock.advance(100);
    expect(seen).toEqual([10, 30]);
    watch.stop();
    expect(clock.pending).toBe(0);
    core.setBudget(5);
    clock.advance(1000);
    expect(seen).toEqual([10, 30]);
  });
});
