// More threads, one store. The page hands its store to a dedicated worker or to a same-origin
// isolated iframe (client.share); the receiver attaches the same SharedArrayBuffer and calls
// the core directly, with no round trip. Only threads of the page's agent cluster can receive
// a SharedArrayBuffer: not other tabs, SharedWorkers or service workers. The receiver's handle
// is the one store handle (worker/handle/store-handle.ts) plus frontswap areas and budget
// events read from the store's budget word.
import { wrap, releaseProxy, transfer, type Remote } from 'comlink';
import { attach } from '../worker/core/index.js';
import { TmemError } from '../worker/core/errors.js';
import { installErrorTransfer } from '../worker/hypervisor/error-transfer.js';
import type { ControlApi } from '../worker/hypervisor/hypervisor.js';
import { isShareMessage, type ShareMessage } from '../worker/wire/store-worker.js';
import { waitBound } from '../worker/hypervisor/options.js';
import { kindOf } from '../worker/wire/kinds.js';
import { BudgetWatch } from '../worker/handle/budget-watch.js';
import { isLifecycle } from '../worker/handle/lifecycle.js';
import { StoreHandle, type StoreHandleEventMap } from '../worker/handle/store-handle.js';
import type { Frontswap, FrontswapOptions } from './frontswap/index.js';
import { openFrontswapOnDemand } from './frontswap/on-demand.js';

export { isShareMessage };

/** Events of a {@link SharedTmem}. */
export interface SharedTmemEventMap extends StoreHandleEventMap {
  /** The budget in force (the core's budget word, read from the shared memory) changed. */
  budget: CustomEvent<{ budgetFrames: number }>;
}

/** Where client.share() may send the store. */
export type ShareTarget = Worker | MessagePort | Window;

/**
 * Refuses a target that cannot receive the store, before share() makes anything for it (a
 * control endpoint in the store worker, which nobody would then release).
 * @throws TmemError 'bad-options' for what is no Worker, MessagePort or window; 'not-supported'
 *   for a window that is cross-origin or not crossOriginIsolated.
 */
export function checkShareTarget(target: unknown): asserts target is ShareTarget {
  const t = target as { window?: unknown; postMessage?: unknown } | null;
  if (t === null || (typeof t !== 'object' && typeof t !== 'function')) {
    throw new TmemError('bad-options', `share: the target must be a Worker, a MessagePort or an iframe's contentWindow, got ${t === null ? 'null' : typeof t}`);
  }
  // An iframe's contentWindow comes from another realm, so `instanceof Window` fails on it;
  // a cross-origin one throws on most property reads, `window` excepted.
  if (t.window === t) {
    let isolated: boolean;
    try {
      isolated = (t as unknown as Window).crossOriginIsolated;
    } catch {
      throw new TmemError('not-supported', 'share: the window is cross-origin; only same-origin frames can attach the store');
    }
    if (!isolated) {
      throw new TmemError('not-supported', 'share: the window is not crossOriginIsolated (it needs COOP/COEP headers too), so it cannot receive the store');
    }
    return;
  }
  if (typeof t.postMessage !== 'function') {
    throw new TmemError('bad-options', "share: the target must be a Worker, a MessagePort or an iframe's contentWindow (it has no postMessage)");
  }
}

/** Posts a share message to a target checkShareTarget accepted. */
export function postShare(target: ShareTarget, message: ShareMessage): void {
  if ((target as Window).window === target) (target as Window).postMessage(message, location.origin, [message.control]);
  else (target as Worker | MessagePort).postMessage(message, [message.control]);
}

/** The store as attached by an app worker or iframe: the one store handle, plus frontswap
 *  areas and budget events.
 *
 *  The hypervisor posts its budget messages to the page only, so a SharedTmem learns of budget
 *  changes from the core's budget word (worker/handle/budget-watch.ts), watched only while
 *  anything listens for 'budget' (an open frontswap area does). */
export class SharedTmem extends StoreHandle<SharedTmemEventMap> {
  readonly #control: Remote<ControlApi>;
  // Each 'budget' registration, as EventTarget keys them (listener and capture flag), with the
  // function registered in its place. That function knows when a once registration fires, and
  // the registration's signal when it aborts: EventTarget drops both without calling
  // removeEventListener, and the watch must stop with the last registration however it goes.
  readonly #budgetListeners = new Map<unknown, Map<boolean, EventListener>>();
  #budgetCount = 0;
  readonly #budgetWatch: BudgetWatch;

  /** Made by attachFrom(); not meant to be called directly. */
  constructor(message: ShareMessage) {
    installErrorTransfer();
    const control = wrap<ControlApi>(message.control);
    super({ store: attach(message.buffer), lifecycle: message.lifecycle, control, lockName: message.lockName });
    this.#control = control;
    this.#budgetWatch = new BudgetWatch(message.buffer, (budgetFrames) => {
      if (this.closed) this.#budgetWatch.stop();
      else this.dispatch(new CustomEvent('budget', { detail: { budgetFrames } }));
    });
  }

  /**
   * Opens a frontswap area from this thread, as client.frontswap does on the page: the memory
   * tier is a pool in the shared store, the write-behind buffer lives on this thread, batches
   * go to the store worker's disk service over a port of their own. The area's Web Lock is per
   * name, so the page and this worker cannot hold the same area at once.
   * @param name 1..128 characters; also names the area's IndexedDB log.
   * @param options durable, wait, buffer and batching (see FrontswapOptions).
   * @throws TmemError (rejection) 'bad-name', 'bad-options', 'area-locked', 'bad-database',
   *   'disk-error', 'closed', 'worker-gone'.
   */
  frontswap(name: string, options?: FrontswapOptions): Promise<Frontswap> {
    return openFrontswapOnDemand(this, (port, watch) => this.call('frontswap', (c) => c.frontswapPort(transfer(port, [port]), watch)), name, options);
  }

  /** Stops using the store on this thread (the store stays open for the others); calls
   *  waiting now reject 'closed'. */
  detach(): void {
    if (this.closed) return;
    this.detachThread('this thread detached from the webtmem store');
    this.#control[releaseProxy]();
  }

  override addEventListener<K extends keyof SharedTmemEventMap>(
    type: K, listener: (event: SharedTmemEventMap[K]) => void, options?: boolean | AddEventListenerOptions,
  ): void {
    if (type !== 'budget' || listener === null || listener === undefined) {
      super.addEventListener(type, listener, options);
      return;
    }
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const once = typeof options === 'object' && options.once === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    let byCapture = this.#budgetListeners.get(listener);
    // A registration in place already, or a signal aborted already: EventTarget adds nothing.
    if (byCapture?.has(capture) || signal?.aborted) return;
    if (!byCapture) this.#budgetListeners.set(listener, byCapture = new Map());
    const given = listener as unknown as EventListenerOrEventListenerObject;
    const registered: EventListener = (event) => {
      if (once) this.#dropBudgetListener(listener, capture, registered);
      if (typeof given === 'function') given.call(event.currentTarget, event);
      else given.handleEvent(event);
    };
    byCapture.set(capture, registered);
    signal?.addEventListener('abort', () => this.#dropBudgetListener(listener, capture, registered), { once: true });
    super.addEventListener(type, registered as unknown as (event: SharedTmemEventMap[K]) => void, options);
    if (++this.#budgetCount === 1 && !this.closed && !this.workerGone) this.#budgetWatch.start();
  }

  override removeEventListener<K extends keyof SharedTmemEventMap>(
    type: K, listener: (event: SharedTmemEventMap[K]) => void, options?: boolean | EventListenerOptions,
  ): void {
    if (type !== 'budget') {
      super.removeEventListener(type, listener, options);
      return;
    }
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    const registered = this.#budgetListeners.get(listener)?.get(capture);
    if (!registered) return;
    super.removeEventListener(type, registered as unknown as (event: SharedTmemEventMap[K]) => void, options);
    this.#dropBudgetListener(listener, capture, registered);
  }

  /** Forgets a 'budget' registration if it is still the one given; stops the watch with the last. */
  #dropBudgetListener(listener: unknown, capture: boolean, registered: EventListener): void {
    const byCapture = this.#budgetListeners.get(listener);
    if (byCapture?.get(capture) !== registered) return;
    byCapture.delete(capture);
    if (byCapture.size === 0) this.#budgetListeners.delete(listener);
    if (--this.#budgetCount === 0) this.#budgetWatch.stop();
  }

  protected override onEnded(): void {
    this.#budgetWatch.stop();
  }
}

/**
 * Attaches the store carried by a share message.
 * @param event the MessageEvent (or its data) that client.share() sent.
 * @throws TmemError 'bad-options' when it is not a webtmem share message.
 */
export function attachFrom(event: MessageEvent | ShareMessage): SharedTmem {
  return attachData(event instanceof MessageEvent ? event.data : event);
}

function attachData(data: unknown): SharedTmem {
  if (!isShareMessage(data) || !isLifecycle(data.lifecycle)) {
    throw new TmemError('bad-options', 'attachFrom: the message is not a webtmem share message (client.share(worker) sends one)');
  }
  return new SharedTmem(data);
}

/**
 * Waits for the page to share its store with this worker (client.share(worker)) and attaches it.
 * @param options.scope where the share message arrives: default the worker's global scope; a
 *   MessagePort (started here) or an iframe's window also work.
 * @param options.timeoutMs bound on the wait; default 10000.
 * @throws TmemError 'worker-failed' when nothing arrives in time.
 */
export function connectShared(options: { scope?: EventTarget; timeoutMs?: number } = {}): Promise<SharedTmem> {
  const scope = options.scope ?? (globalThis as unknown as EventTarget);
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    waitBound('connectShared: timeoutMs', timeoutMs);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    const onMessage = (event: Event) => {
      const data: unknown = 'data' in event ? event.data : undefined;
      // Anything else on this scope is not for us: a message that only claims to be a share,
      // or (on a window) comes from another origin, is passed over, and the wait goes on.
      if (kindOf(data) !== 'share' || !isShareMessage(data) || !isLifecycle(data.lifecycle)) return;
      // The scope's own origin (self.origin: a srcdoc frame's location says about:srcdoc).
      const origin = (event as MessageEvent).origin;
      const own = (globalThis as { origin?: string }).origin;
      if (origin && own && origin !== own) return;
      done();
      try {
        resolve(attachData(data));
      } catch (e) {
        reject(e);
      }
    };
    const timer = timeoutMs === Infinity ? undefined : setTimeout(() => {
      done();
      reject(new TmemError('worker-failed', `connectShared: no store was shared with this thread within ${timeoutMs} ms; call client.share(worker) on the page`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      scope.removeEventListener('message', onMessage);
    };
    scope.addEventListener('message', onMessage);
    // A MessagePort delivers nothing to addEventListener listeners until it is started.
    (scope as Partial<MessagePort>).start?.();
  });
}
