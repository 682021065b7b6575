// A frontswap area run for real in Node: openFrontswap, Frontswap, DiskLink, FrontswapHost and
// AreaDiskService over a real MessageChannel, on a real StoreHandle. Only what Node lacks is
// faked: IndexedDB (./frontswap-fake-log.ts) and Web Locks (FakeLocks here).
import { vi } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import type { Store } from '../../worker/core/store.js';
import { createLifecycle } from '../../worker/handle/lifecycle.js';
import { StoreHandle, type ControlLink, type StoreHandleEventMap } from '../../worker/handle/store-handle.js';
import { FrontswapHost } from '../../worker/frontswap/index.js';
import { openFrontswap } from '../../app/frontswap/open.js';
import type { Frontswap, FrontswapClient, FrontswapOptions } from '../../app/frontswap/index.js';

export { logs } from './frontswap-fake-log.js';

export const PS = 4096;

type LockOptions = { ifAvailable?: boolean; signal?: AbortSignal };
type LockCallback<T> = (lock: { name: string } | null) => T | Promise<T>;

/** navigator.locks as webtmem uses it: exclusive locks granted in request order, ifAvailable,
 *  a signal that withdraws a waiting request, and endThread(), the browser's release of a
 *  thread's locks when the thread ends. `held` names the locks held. */
export class FakeLocks {
  readonly held = new Set<string>();
  /** The grant in force of each held lock: a release by an older grant is ignored. */
  readonly #grants = new Map<string, symbol>();
  readonly #queues = new Map<string, (() => void)[]>();

  request<T>(name: string, optionsOrCallback: LockOptions | LockCallback<T>, maybeCallback?: LockCallback<T>): Promise<T> {
    const [options, callback] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback!];
    return new Promise<T>((resolve, reject) => {
      const run = (lock: { name: string } | null) => Promise.resolve().then(() => callback(lock));
      const grant = () => {
        const token = Symbol(name);
        this.held.add(name);
        this.#grants.set(name, token);
        run({ name }).then(
          (value) => { this.#release(name, token); resolve(value); },
          (error: unknown) => { this.#release(name, token); reject(error); },
        );
      };
      const signal = options.signal;
      if (signal?.aborted) return reject(new DOMException('the request was aborted', 'AbortError'));
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      if (!this.held.has(name) && queue.length === 0) return grant();
      if (options.ifAvailable) return void run(null).then(resolve, reject);
      const waiting = () => grant();
      queue.push(waiting);
      signal?.addEventListener('abort', () => {
        const i = queue.indexOf(waiting);
        if (i < 0) return; // granted already: aborting changes nothing then
        queue.splice(i, 1);
        reject(new DOMException('the request was aborted', 'AbortError'));
      });
    });
  }

  /** Requests waiting for `name`. */
  waiting(name: string): number {
    return this.#queues.get(name)?.length ?? 0;
  }

  /** What the browser does when the thread holding `names` ends (terminated, crashed): they
   *  are released, though their holders never let go, and the next requests are granted. */
  endThread(names: string[]): void {
    for (const name of names) {
      const token = this.#grants.get(name);
      if (token) this.#release(name, token);
    }
  }

  #release(name: string, token: symbol): void {
    if (this.#grants.get(name) !== token) return;
    this.#grants.delete(name);
    this.held.delete(name);
    this.#queues.get(name)?.shift()?.();
  }
}

/** A store handle whose close (the page's close(), for every thread) or detach (this thread
 *  only) the test calls, and which counts the listeners registered on it. */
export class TestHandle extends StoreHandle {
  /** Each listener registered now, by type, with the function the handle really holds (which
   *  forgets it when a `once` listener fires or its signal aborts). */
  readonly #listeners = new Map<string, Map<unknown, EventListener>>();

  closeAll(): void { this.closeForAll('closed by the test'); }

  detach(): void { this.detachThread('detached by the test'); }

  /** The store worker dies (its lock released): 'worker-gone' for every thread's handle. */
  workerDied(): void { this.workerStopped('terminated by the test'); }

  /** Fires a 'budget' event, as a budget message from the store worker does. */
  budgetChanged(budgetFrames: number): void { this.dispatch(new CustomEvent('budget', { detail: { budgetFrames } })); }

  /** Listeners registered now (of `type`, or of every type). */
  listenerCount(type?: string): number {
    let n = 0;
    for (const [t, byListener] of this.#listeners) if (type === undefined || t === type) n += byListener.size;
    return n;
  }

  override addEventListener<K extends keyof StoreHandleEventMap & string>(type: K, listener: (event: StoreHandleEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void {
    const byListener = this.#listeners.get(type) ?? new Map<unknown, EventListener>();
    this.#listeners.set(type, byListener);
    if (byListener.has(listener)) return; // a duplicate is ignored, as EventTarget does
    const once = typeof options === 'object' && options.once === true;
    const held: EventListener = (event) => {
      if (once) byListener.delete(listener);
      (listener as EventListener)(event);
    };
    byListener.set(listener, held);
    if (typeof options === 'object') options.signal?.addEventListener('abort', () => byListener.delete(listener));
    super.addEventListener(type, held, options);
  }

  override removeEventListener<K extends keyof StoreHandleEventMap & string>(type: K, listener: (event: StoreHandleEventMap[K]) => void, options?: boolean | EventListenerOptions): void {
    const held = this.#listeners.get(type)?.get(listener);
    if (!held) return;
    this.#listeners.get(type)!.delete(listener);
    super.removeEventListener(type, held, options);
  }
}

/** A fresh store of `frames` pages: its handle, the host serving its areas' disks, Web Locks
 *  for its areas (installed as navigator.locks), open() for an area (no automatic writeback,
 *  no batching delay; on this thread's handle unless another is given), otherThread() for
 *  another thread's handle on the same store, the hypervisor's own attachment, and the host's
 *  event messages. */
export function setupStore(frames = 64) {
  const buffer = createStore({ capacityBytes: frames * PS, shared: true });
  const lifecycle = createLifecycle(true);
  // Areas reach the host through ports of their own, never through the control plane.
  const thread = () => new TestHandle({ store: attach(buffer), lifecycle, control: {} as ControlLink, lockName: null });
  const handle = thread();
  // The hypervisor's own attachment: the host destroys ended areas' pools through it.
  const hypervisor = attach(buffer) as Store;
  const events: string[] = [];
  const host = new FrontswapHost((_kind, message) => { events.push(message); }, {
    tagOf: (id) => hypervisor.poolTag(id),
    destroyIf: (id, tag) => hypervisor.destroyPoolIf(id, tag),
  });
  const locks = new FakeLocks();
  vi.stubGlobal('navigator', { locks });
  const open = (name: string, options?: FrontswapOptions, on: TestHandle = handle): Promise<Frontswap> =>
    openFrontswap(on as unknown as FrontswapClient, async (port, watch) => host.connect(port, watch), name, { writeback: false, flushDelayMs: 0, ...options });
  return { handle, host, locks, open, otherThread: thread, hypervisor, events };
}

/** A page of `value` bytes. */
export const page = (value: number): Uint8Array => new Uint8Array(PS).fill(value);

/** 'resolved', or the TmemError code a promise rejected with. */
export const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(() => 'resolved', (e: unknown) => (e as { code?: string })?.code ?? `rejected: ${String(e)}`);
