// The store handle's rules, once for every thread: control calls in flight reject with
// 'worker-gone' when the store worker stops and with 'closed' on close or detach; later calls
// are refused at once; data calls keep working after the worker is gone and throw 'closed'
// after close; codes travel in `code`.
import { describe, expect, it, vi } from 'vitest';
import { attach, createStore, TmemError } from '../../worker/core/index.js';
import { createLifecycle, Lifecycle } from '../../worker/handle/lifecycle.js';
import { StoreHandle, type ControlLink } from '../../worker/handle/store-handle.js';

/** A control plane whose calls wait until the test answers them. */
function heldControl() {
  const waiting: ((value: unknown) => void)[] = [];
  const hold = () => new Promise((resolve) => waiting.push(resolve));
  const control = { snapshot: hold, budget: hold, setBudget: hold, pressure: hold, setStatsInterval: hold, connectPort: hold, frontswapPort: hold };
  return { control: control as unknown as ControlLink, waiting };
}

/** A handle with its protected transitions opened for the test. */
class TestHandle extends StoreHandle {
  stopped(reason: string) { return this.workerStopped(reason); }
  closeAll() { this.closeForAll('closed by the test'); }
  detach() { this.detachThread('detached by the test'); }
}

function setup(lifecycle = createLifecycle(true)) {
  const buffer = createStore({ capacityBytes: 16 * 4096, shared: true });
  const { control, waiting } = heldControl();
  const handle = new TestHandle({ store: attach(buffer), lifecycle, control, lockName: null });
  return { handle, waiting, buffer, lifecycle };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof TmemError ? e.code : `not a TmemError: ${String(e)}`));

describe('StoreHandle', () => {
  it('answers control calls while the store worker lives', async () => {
    const { handle, waiting } = setup();
    const stats = handle.stats();
    await Promise.resolve();
    await Promise.resolve();
    expect(waiting).toHaveLength(1);
    waiting[0]({ seq: 1 });
    expect(await stats).toEqual({ seq: 1 });
  });

  it('calls in flight when the store worker stops reject worker-gone; the event fires once; data calls keep working', async () => {
    const { handle, waiting, lifecycle } = setup();
    const pool = handle.newPool({ persistent: true });
    const events: string[] = [];
    handle.addEventListener('worker-gone', (e) => events.push(e.detail.reason));
    const inFlight = [codeOf(handle.stats()), codeOf(handle.budget())];
    await Promise.resolve();
    expect(handle.stopped('terminated')).toBe(true);
    expect(handle.stopped('again')).toBe(false);
    expect(await Promise.all(inFlight)).toEqual(['worker-gone', 'worker-gone']);
    // An answer arriving late changes nothing.
    for (const answer of waiting) answer({ late: true });
    expect(await codeOf(handle.stats())).toBe('worker-gone');
    expect(events).toEqual(['terminated']);
    expect(handle.workerGone).toBe(true);
    expect(handle.put(pool, 1, 1, new Uint8Array(4096).fill(4))).toBe(true);
    // Every thread holding the lifecycle sees it.
    const other = setup(lifecycle).handle;
    expect(other.workerGone).toBe(true);
    expect(await codeOf(other.stats())).toBe('worker-gone');
  });

  it('close: calls in flight and later calls reject closed, data calls throw closed, on every thread', async () => {
    const { handle, lifecycle } = setup();
    const other = setup(lifecycle).handle;
    const inFlight = [codeOf(handle.stats()), codeOf(other.stats())];
    handle.closeAll();
    // The other thread's call is refused when that thread next looks (here: its own end).
    other.stopped('the owner closed the store');
    expect(await Promise.all(inFlight)).toEqual(['closed', 'closed']);
    expect(await codeOf(handle.budget())).toBe('closed');
    expect(() => other.newPool({ persistent: true })).toThrow(TmemError);
    expect(handle.closed && other.closed).toBe(true);
  });

  it('close after the worker died: closed wins', async () => {
    const { handle } = setup();
    handle.stopped('crashed');
    handle.closeAll();
    expect(await codeOf(handle.stats())).toBe('closed');
  });

  it("fires 'closed' once on close and on detach, and on another thread when it sees the close", () => {
    const { handle, lifecycle } = setup();
    const other = setup(lifecycle).handle;
    const detaching = setup().handle;
    const seen: string[] = [];
    handle.addEventListener('closed', () => seen.push('closer'));
    other.addEventListener('closed', () => seen.push('other'));
    detaching.addEventListener('closed', () => seen.push('detached'));
    handle.closeAll();
    handle.closeAll();
    expect(seen).toEqual(['closer']);
    other.stopped('the owner closed the store'); // how another thread learns of it
    detaching.detach();
    expect(seen).toEqual(['closer', 'other', 'detached']);
  });

  it('detach: this thread only', async () => {
    const { handle, lifecycle } = setup();
    const other = setup(lifecycle).handle;
    const inFlight = codeOf(handle.stats());
    handle.detach();
    expect(await inFlight).toBe('closed');
    let code = '';
    try { handle.storeStats(); } catch (e) { code = (e as TmemError).code; }
    expect(code).toBe('closed');
    expect(other.closed).toBe(false);
    expect(other.storeStats().totalFrames).toBe(16);
  });

  it("another thread learning that the page closed the store (its worker's lock released) ends closed, with no worker-gone", () => {
    const { handle, lifecycle } = setup();
    const other = setup(lifecycle).handle;
    const seen: string[] = [];
    other.addEventListener('worker-gone', () => seen.push('worker-gone'));
    other.addEventListener('closed', () => seen.push('closed'));
    handle.closeAll();
    expect(other.stopped('the store worker released its lock')).toBe(true);
    expect(seen).toEqual(['closed']);
    expect(other.workerGone || handle.workerGone).toBe(false);
  });

  it('a control call refused before it was sent (close in the same tick) never reaches the store worker', async () => {
    const { handle, waiting } = setup();
    const call = codeOf(handle.stats());
    handle.closeAll();
    expect(await call).toBe('closed');
    await Promise.resolve();
    await Promise.resolve();
    expect(waiting).toHaveLength(0);
  });

  it('after the worker is gone, a handle that does not wait for the close lets go (the page\'s own client)', async () => {
    class PageHandle extends TestHandle {
      protected override waitsForClose(): boolean { return false; }
    }
    const buffer = createStore({ capacityBytes: 16 * 4096, shared: true });
    const lifecycle = createLifecycle(true);
    const waits = vi.spyOn(Lifecycle.prototype, 'closedOrTimeout');
    try {
      const page = new PageHandle({ store: attach(buffer), lifecycle, control: heldControl().control, lockName: null });
      const worker = new TestHandle({ store: attach(buffer), lifecycle, control: heldControl().control, lockName: null });
      page.stopped('crashed');
      await Promise.resolve();
      expect(waits).not.toHaveBeenCalled(); // nothing holds the page's handle, and its store, alive
      worker.stopped('crashed');
      await Promise.resolve();
      expect(waits).toHaveBeenCalled();
      page.closeAll(); // and the worker waiting on the word sees the close
      await vi.waitFor(() => expect(worker.closed).toBe(true));
    } finally {
      waits.mockRestore();
    }
  });
});

