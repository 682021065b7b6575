// More threads, one store. The page hands its store to a dedicated worker or to a same-origin
// isolated iframe (client.share); the receiver attaches the same SharedArrayBuffer and calls
// the core directly, with no round trip. Only threads of the page's agent cluster can receive
// a SharedArrayBuffer (spec/platform.md): not other tabs, SharedWorkers or service workers.
import { wrap, releaseProxy, transfer, type Remote } from 'comlink';
import { attach } from '../worker/core/index.js';
import * as L from '../worker/layout.js';
import { TmemError } from '../worker/core/errors.js';
import type { StatsSnapshot } from '../worker/stats.js';
import { AttachedStore, isLifecycle } from '../worker/hypervisor/attached-store.js';
import type { BudgetInfo } from '../worker/hypervisor/budget.js';
import { installErrorTransfer } from '../worker/hypervisor/error-transfer.js';
import type { ControlApi } from '../worker/hypervisor/hypervisor.js';
import { kindOf, type ShareMessage } from '../worker/hypervisor/messages.js';
import { openFrontswap, type Frontswap, type FrontswapOptions } from './frontswap/index.js';

/** Where Atomics.waitAsync is missing, how often a SharedTmem with 'budget' listeners reads
 *  the budget word of the store instead. */
const BUDGET_POLL_MS = 100;
/** Bound on one wait for the budget word, so a wait left behind by a stopped watch ends. */
const BUDGET_WAIT_MS = 30_000;

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) =>
  { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/** Events of a {@link SharedTmem}. */
export interface SharedTmemEventMap {
  /** The budget in force (the core's budget word, read from the shared memory) changed. */
  budget: CustomEvent<{ budgetFrames: number }>;
  /** This thread saw the store worker stop (through its Web Lock); the memory keeps working. */
  'worker-gone': CustomEvent<{ reason: string }>;
}

/** Where client.share() may send the store. */
export type ShareTarget = Worker | MessagePort | Window;

/** Posts a share message; a window must be same-origin and crossOriginIsolated. */
export function postShare(target: ShareTarget, message: ShareMessage): void {
  // An iframe's contentWindow comes from another realm, so `instanceof Window` fails on it.
  if ((target as Window).window === target) {
    const win = target as Window;
    let isolated: boolean;
    try {
      isolated = win.crossOriginIsolated;
    } catch {
      throw new TmemError('not-supported', 'share: the window is cross-origin; only same-origin frames can attach the store');
    }
    if (!isolated) {
      throw new TmemError('not-supported', 'share: the window is not crossOriginIsolated (it needs COOP/COEP headers too), so it cannot receive the store');
    }
    win.postMessage(message, location.origin, [message.control]);
    return;
  }
  (target as Worker | MessagePort).postMessage(message, [message.control]);
}

/** Whether a message's data is a store handed over by client.share(). */
export function isShareMessage(data: unknown): data is ShareMessage {
  return kindOf(data) === 'share';
}

/** The store as attached by an app worker or iframe: the core's synchronous methods, plus a
 *  few control calls through the store worker, and frontswap areas.
 *
 *  The hypervisor posts its budget messages to the page only, so a SharedTmem learns of budget
 *  changes from the core's budget word, which every setBudget notifies: while anything listens
 *  for 'budget' (an open frontswap area does), it awaits the word with Atomics.waitAsync (no
 *  thread blocks; where waitAsync is missing, it reads the word every BUDGET_POLL_MS).
 *  Nothing runs otherwise. */
export class SharedTmem extends AttachedStore {
  readonly #control: Remote<ControlApi>;
  readonly #watch = new AbortController();
  readonly #events = new EventTarget();
  #gone = false;
  readonly #budgetListeners = new Set<unknown>();
  #budgetTimer: ReturnType<typeof setInterval> | undefined;
  // Incremented by each start and stop of the watch: a wait that wakes under an older number
  // belongs to a stopped watch and ends there.
  #budgetWatch = 0;
  #lastBudgetFrames = 0;
  readonly #header: Int32Array;

  /** Made by attachFrom(); not meant to be called directly. */
  constructor(message: ShareMessage) {
    super(attach(message.buffer), message.lifecycle);
    this.#header = new Int32Array(message.buffer, 0, L.HEADER_WORDS);
    installErrorTransfer();
    this.#control = wrap<ControlApi>(message.control);
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (message.lockName && locks) {
      locks.request(message.lockName, { signal: this.#watch.signal }, () => {
        this.#gone = true;
        this.#stopBudgetWatch();
        this.#events.dispatchEvent(new CustomEvent('worker-gone', { detail: { reason: 'the store worker stopped (terminated, crashed or closed)' } }));
      }).catch(() => {});
    }
  }

  /** A fresh snapshot from the store worker. */
  stats(): Promise<StatsSnapshot> {
    return this.#call('stats', () => this.#control.snapshot());
  }

  /** The budget in force. */
  budget(): Promise<BudgetInfo> {
    return this.#call('budget', () => this.#control.budget());
  }

  /** True once the store worker stopped, as seen by the page or by this thread. */
  override get workerGone(): boolean {
    return this.#gone || super.workerGone;
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
    return openFrontswap(this, (port) => this.#call('frontswap', () => this.#control.frontswapPort(transfer(port, [port]))), name, options);
  }

  /** Stops using the store on this thread (the store stays open for the others). */
  detach(): void {
    this.detachView();
    this.#watch.abort();
    this.#stopBudgetWatch();
    this.#control[releaseProxy]();
  }

  addEventListener<K extends keyof SharedTmemEventMap>(
    type: K, listener: (event: SharedTmemEventMap[K]) => void, options?: boolean | AddEventListenerOptions,
  ): void {
    this.#events.addEventListener(type, listener as EventListener, options);
    if (type !== 'budget' || this.#budgetListeners.has(listener)) return;
    this.#budgetListeners.add(listener);
    if (this.#budgetListeners.size === 1 && !this.closed && !this.#gone) this.#startBudgetWatch();
  }

  removeEventListener<K extends keyof SharedTmemEventMap>(
    type: K, listener: (event: SharedTmemEventMap[K]) => void, options?: boolean | EventListenerOptions,
  ): void {
    this.#events.removeEventListener(type, listener as EventListener, options);
    if (type === 'budget' && this.#budgetListeners.delete(listener) && this.#budgetListeners.size === 0) this.#stopBudgetWatch();
  }

  #startBudgetWatch(): void {
    this.#lastBudgetFrames = this.budgetFrames;
    const watch = ++this.#budgetWatch;
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    if (typeof waitAsync !== 'function' || !(this.#header.buffer instanceof SharedArrayBuffer)) {
      this.#budgetTimer = setInterval(() => this.#checkBudget(), BUDGET_POLL_MS);
      return;
    }
    const next = (): void => {
      if (watch !== this.#budgetWatch || this.closed) return;
      this.#checkBudget();
      // Waits on the value just seen: a change between the read and the wait is 'not-equal',
      // read again at once, so no change is missed.
      const result = waitAsync(this.#header, L.H_BUDGET, this.#lastBudgetFrames, BUDGET_WAIT_MS);
      if (result.async) result.value.then(next, () => {});
      else queueMicrotask(next);
    };
    next();
  }

  #checkBudget(): void {
    if (this.closed) { this.#stopBudgetWatch(); return; }
    const frames = this.budgetFrames;
    if (frames === this.#lastBudgetFrames) return;
    this.#lastBudgetFrames = frames;
    this.#events.dispatchEvent(new CustomEvent('budget', { detail: { budgetFrames: frames } }));
  }

  #stopBudgetWatch(): void {
    this.#budgetWatch++;
    clearInterval(this.#budgetTimer);
    this.#budgetTimer = undefined;
  }

  async #call<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new TmemError('closed', `${name}: the webtmem store is closed`);
    if (this.#gone || this.workerGone) throw new TmemError('worker-gone', `${name}: the store worker is gone; puts and gets still work`);
    return fn();
  }
}

/**
 * Attaches the store carried by a share message.
 * @param event the MessageEvent (or its data) that client.share() sent.
 * @throws TmemError 'bad-options' when it is not a webtmem share message.
 */
export function attachFrom(event: MessageEvent | ShareMessage): SharedTmem {
  const data: unknown = event instanceof MessageEvent ? event.data : event;
  if (!isShareMessage(data) || !isLifecycle(data.lifecycle) || !(data.control instanceof MessagePort)) {
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
  return new Promise((resolve, reject) => {
    const onMessage = (event: Event) => {
      const data = (event as MessageEvent).data;
      if (!isShareMessage(data)) return;
      done();
      try {
        resolve(attachFrom(data));
      } catch (e) {
        reject(e);
      }
    };
    const timer = setTimeout(() => {
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
