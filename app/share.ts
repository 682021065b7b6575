// More threads, one store. The page hands its store to a dedicated worker or to a same-origin
// isolated iframe (client.share); the receiver attaches the same SharedArrayBuffer and calls
// the core directly, with no round trip. Only threads of the page's agent cluster can receive
// a SharedArrayBuffer (spec/platform.md): not other tabs, SharedWorkers or service workers.
import { wrap, releaseProxy, type Remote } from 'comlink';
import { attach } from '../worker/core/index.js';
import { TmemError } from '../worker/core/errors.js';
import type { StatsSnapshot } from '../worker/protocol.js';
import { AttachedStore, isLifecycle } from '../worker/hypervisor/attached-store.js';
import type { BudgetInfo } from '../worker/hypervisor/budget.js';
import { installErrorTransfer } from '../worker/hypervisor/error-transfer.js';
import type { ControlApi } from '../worker/hypervisor/hypervisor.js';
import { kindOf, type ShareMessage } from '../worker/hypervisor/messages.js';

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
 *  few control calls through the store worker. */
export class SharedTmem extends AttachedStore {
  readonly #control: Remote<ControlApi>;
  readonly #watch = new AbortController();
  #gone = false;

  /** Made by attachFrom(); not meant to be called directly. */
  constructor(message: ShareMessage) {
    super(attach(message.buffer), message.lifecycle);
    installErrorTransfer();
    this.#control = wrap<ControlApi>(message.control);
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (message.lockName && locks) {
      locks.request(message.lockName, { signal: this.#watch.signal }, () => { this.#gone = true; }).catch(() => {});
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

  /** Stops using the store on this thread (the store stays open for the others). */
  detach(): void {
    this.detachView();
    this.#watch.abort();
    this.#control[releaseProxy]();
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
