// The pressure policy on an injected clock: 'hidden' cuts the ephemeral share only once
// delayMs has passed, a show inside the delay cancels the cut, freeze and pagehide cut at
// once, the budget grows back only when no reason remains, and dispose() leaves no timer.
import { describe, expect, it } from 'vitest';
import { BudgetPolicy } from '../../worker/hypervisor/budget.js';
import { EventLog } from '../../worker/hypervisor/events.js';
import { PressurePolicy } from '../../worker/hypervisor/pressure.js';
import { makeStore, pageOf } from './helpers.js';
import { ManualClock } from './manual-clock.js';

function setup(config: { fraction: number; delayMs: number } | null = { fraction: 0.5, delayMs: 150 }) {
  const store = makeStore(64);
  const persistent = store.newPool({ persistent: true });
  const ephemeral = store.newPool({ persistent: false });
  for (let i = 0; i < 10; i++) store.put(persistent, 1, i, pageOf(i));
  for (let i = 0; i < 50; i++) store.put(ephemeral, 2, i, pageOf(100 + i));
  const changes: string[] = [];
  const budget = new BudgetPolicy(store, 64 * 4096, (info) => changes.push(`${info.reason}:${info.budgetFrames}`));
  changes.length = 0;
  const clock = new ManualClock();
  const policy = new PressurePolicy(config, budget, new EventLog(), clock);
  return { store, policy, clock, changes };
}

describe('PressurePolicy', () => {
  it('hidden: nothing before delayMs, the cut at delayMs; visible: the budget grows back', () => {
    const { store, policy, clock, changes } = setup();
    policy.signal('hidden');
    clock.advance(149);
    expect(store.budgetFrames).toBe(64);
    expect(policy.state).toMatchObject({ hidden: true, shrunk: false, shrinks: 0 });
    clock.advance(1);
    // ephemeral share = 64 − 10 persistent = 54; half of it (27) is given up.
    expect(store.budgetFrames).toBe(37);
    expect(policy.state).toMatchObject({ shrunk: true, shrunkFrames: 27, shrinks: 1 });
    policy.signal('visible');
    expect(store.budgetFrames).toBe(64);
    expect(changes).toEqual(['pressure:37', 'regrow:64']);
  });

  it('a show inside the delay cancels the cut, and leaves no timer behind', () => {
    const { store, policy, clock, changes } = setup();
    policy.signal('hidden');
    clock.advance(100);
    policy.signal('visible');
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    expect(store.budgetFrames).toBe(64);
    expect(policy.state).toMatchObject({ events: 1, hiddenEvents: 1, shrinks: 0, regrows: 0 });
    expect(changes).toEqual([]);
  });

  it('freeze and pagehide cut at once; the budget grows back only when no reason remains', () => {
    const { store, policy, clock } = setup({ fraction: 0.5, delayMs: 60_000 });
    policy.signal('freeze');
    expect(store.budgetFrames).toBe(37);
    expect(clock.pending).toBe(0);
    policy.signal('pagehide');
    policy.signal('resume');
    expect(store.budgetFrames).toBe(37); // still unloading
    policy.signal('pageshow');
    expect(store.budgetFrames).toBe(64);
    expect(policy.state).toMatchObject({ shrinks: 1, regrows: 1, freezeEvents: 1, pagehideEvents: 1 });
  });

  it('off: signals are counted, nothing is cut; unknown signals are ignored', () => {
    const { store, policy, clock } = setup(null);
    policy.signal('hidden');
    clock.advance(1_000_000);
    policy.signal('freeze');
    expect(store.budgetFrames).toBe(64);
    expect(policy.state).toMatchObject({ enabled: false, events: 2, shrinks: 0 });
    expect(policy.signal('sleepy' as never)).toBeNull();
  });

  it('dispose() cancels a pending cut', () => {
    const { store, policy, clock } = setup();
    policy.signal('hidden');
    policy.dispose();
    expect(clock.pending).toBe(0);
    clock.advance(1000);
    expect(store.budgetFrames).toBe(64);
  });
});
