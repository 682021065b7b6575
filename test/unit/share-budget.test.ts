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

describe('SharedTmem budget watch follows its registrations', () => {
  // The watch of `store` (the first BudgetWatch started after the spy is set).
  function watched() {
    const starts = vi.spyOn(BudgetWatch.prototype, 'start');
    const env = shared();
    return { ...env, watch: () => starts.mock.contexts[0] as BudgetWatch, starts };
  }
  function end({ store, another, port1, port2, starts }: ReturnType<typeof watched>) {
    store.detach();
    another.detach();
    port1.close();
    port2.close();
    starts.mockRestore();
  }

  it('stops once a `once` listener has fired, and runs while another registration remains', async () => {
    const env = watched();
    const { store, hypervisor } = env;
    const seen: string[] = [];
    const fired = new Promise<void>((r) => store.addEventListener('budget', (e) => { seen.push(`once ${e.detail.budgetFrames}`); r(); }, { once: true }));
    expect(env.watch().running).toBe(true);
    hypervisor.setBudget(100);
    await fired;
    expect(env.watch().running).toBe(false);
    // A listener kept twice (capture and not) is two registrations; removing one keeps the watch.
    const kept = (e: CustomEvent<{ budgetFrames: number }>) => seen.push(`kept ${e.detail.budgetFrames}`);
    store.addEventListener('budget', kept);
    store.addEventListener('budget', kept, true);
    store.addEventListener('budget', kept); // the same registration again: nothing new
    store.removeEventListener('budget', kept);
    expect(env.watch().running).toBe(true);
    store.removeEventListener('budget', kept, { capture: true });
    expect(env.watch().running).toBe(false);
    expect(seen).toEqual(['once 100']);
    end(env);
  });

  it('a second add of a pending once listener is ignored, as EventTarget ignores it: the watch stops when it fires', async () => {
    const env = watched();
    const { store, hypervisor } = env;
    let calls = 0;
    let wake = () => {};
    const listener = () => { calls++; wake(); };
    const controller = new AbortController();
    store.addEventListener('budget', listener, { once: true });
    store.addEventListener('budget', listener); // a duplicate: nothing is added
    store.addEventListener('budget', listener, { signal: controller.signal }); // nor here
    controller.abort(); // its signal was never registered: the once registration stays
    expect(env.watch().running).toBe(true);
    const fired = new Promise<void>((r) => { wake = r; });
    hypervisor.setBudget(70);
    await fired;
    expect(calls).toBe(1);
    expect(env.watch().running).toBe(false);
    end(env);
  });

  it('a once listener that adds itself again from its own call keeps the watch', async () => {
    const env = watched();
    const { store, hypervisor } = env;
    const seen: number[] = [];
    let wake = () => {};
    const listener = (e: CustomEvent<{ budgetFrames: number }>) => {
      seen.push(e.detail.budgetFrames);
      if (seen.length === 1) store.addEventListener('budget', listener, { once: true });
      wake();
    };
    store.addEventListener('budget', listener, { once: true });
    let fired = new Promise<void>((r) => { wake = r; });
    hypervisor.setBudget(70);
    await fired;
    expect(env.watch().running).toBe(true);
    fired = new Promise<void>((r) => { wake = r; });
    hypervisor.setBudget(60);
    await fired;
    expect(seen).toEqual([70, 60]);
    expect(env.watch().running).toBe(false);
    end(env);
  });

  it('stops when the signal of the last listener aborts; an aborted signal registers nothing', () => {
    const env = watched();
    const { store } = env;
    const controller = new AbortController();
    store.addEventListener('budget', () => {}, { signal: controller.signal });
    expect(env.watch().running).toBe(true);
    controller.abort();
    expect(env.watch().running).toBe(false);
    store.addEventListener('budget', () => {}, { signal: controller.signal });
    expect(env.watch().running).toBe(false);
    // And a registration dropped by removeEventListener before its signal aborts is not
    // dropped twice: the watch of a later listener keeps running.
    const second = new AbortController();
    const listener = () => {};
    store.addEventListener('budget', listener, { signal: second.signal });
    store.removeEventListener('budget', listener);
    store.addEventListener('budget', () => {});
    second.abort();
    expect(env.watch().running).toBe(true);
    end(env);
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
