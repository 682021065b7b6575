// The page's handle on the store: the one store handle (worker/handle/store-handle.ts, whose
// rules for close and a dead store worker hold on every thread) plus what only the page does:
// it owns the store (close, budget, stats period, pressure signals), hears the store worker's
// messages (budget and stats events), hands the store to workers and opens frontswap areas.
import { createEndpoint, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { TmemError } from '../worker/core/errors.js';
import type { TmemStore } from '../worker/core/types.js';
import type { StatsSnapshot } from '../worker/stats.js';
import type { BudgetInfo } from '../worker/hypervisor/budget.js';
import type { ControlApi } from '../worker/hypervisor/hypervisor.js';
import type { WorkerToPage } from '../worker/wire/store-worker.js';
import type { PressureSignal, PressureState } from '../worker/hypervisor/pressure.js';
import { StoreHandle, type StoreHandleEventMap } from '../worker/handle/store-handle.js';
import { checkShareTarget, postShare, type ShareTarget } from './share.js';
import type { Frontswap, FrontswapOptions } from './frontswap/index.js';
import { openFrontswapOnDemand } from './frontswap/on-demand.js';

/** Events of a {@link TmemClient}. */
export interface TmemClientEventMap extends StoreHandleEventMap {
  /** The budget in force or the owner's budget changed (setBudget, pressure, regrow). */
  budget: CustomEvent<BudgetInfo>;
  /** A stats snapshot arrived (every statsIntervalMs); also in `client.lastStats`. */
  stats: CustomEvent<StatsSnapshot>;
}

/** How a client reaches its hypervisor; made by connect() (./connect.ts). */
export type ClientWiring = WiringCommon & (
  /** The store worker's shared memory, and comlink's proxy of its control plane (share()
   *  makes endpoints of it for other threads). */
  | { mode: 'shared'; buffer: SharedArrayBuffer; lifecycle: SharedArrayBuffer; control: Remote<ControlApi> }
  /** A plain buffer and the hypervisor on this thread. */
  | { mode: 'local'; buffer: ArrayBuffer | SharedArrayBuffer; lifecycle: ArrayBuffer | SharedArrayBuffer; control: ControlApi }
);

/** What both modes' wirings have. */
interface WiringCommon {
  store: TmemStore;
  /** A Web Lock the store worker holds while alive, or null. */
  lockName: string | null;
  budget: BudgetInfo;
  /** Delivers the hypervisor's messages to `listener`; returns an unsubscribe function. */
  subscribe(listener: (message: WorkerToPage) => void): () => void;
  /** Stops the hypervisor (terminates the store worker). */
  shutdown(): void;
}

const LIFECYCLE_EVENTS: [target: 'document' | 'window', type: string][] = [
  ['document', 'visibilitychange'], ['document', 'freeze'], ['document', 'resume'],
  ['window', 'pagehide'], ['window', 'pageshow'],
];

/** The store as seen from the page: see the README section "connect". */
export class TmemClient extends StoreHandle<TmemClientEventMap> {
  /** 'shared': the store worker's SharedArrayBuffer; 'local': a plain buffer on this thread. */
  readonly mode: 'shared' | 'local';
  readonly #wiring: ClientWiring;
  readonly #unsubscribe: () => void;
  #lastStats: StatsSnapshot | null = null;
  #lastBudget: BudgetInfo;
  #closing = false;
  #lifecycleOff: (() => void) | undefined;

  /** Made by connect(); not meant to be called directly. */
  constructor(wiring: ClientWiring) {
    super({ store: wiring.store, lifecycle: wiring.lifecycle, control: wiring.control, lockName: wiring.lockName });
    this.mode = wiring.mode;
    this.#wiring = wiring;
    this.#lastBudget = wiring.budget;
    this.#unsubscribe = wiring.subscribe((m) => this.#receive(m));
    this.#forwardLifecycle();
  }

  /** The latest published snapshot (null until the first arrives). */
  get lastStats(): StatsSnapshot | null {
    return this.#lastStats;
  }

  /** The budget as last announced by the hypervisor. */
  get lastBudget(): BudgetInfo {
    return this.#lastBudget;
  }

  /** The store's buffer (a SharedArrayBuffer in shared mode). */
  get buffer(): SharedArrayBuffer | ArrayBuffer {
    return this.#wiring.buffer;
  }

  /** A fresh snapshot from the hypervisor (also kept as lastStats): store, pressure, events. */
  override async stats(): Promise<StatsSnapshot> {
    const snapshot = await super.stats();
    // The reply comes on the control channel, published snapshots on the worker's own: a
    // reply overtaken by a newer published snapshot must not put lastStats back.
    if (this.#lastStats === null || snapshot.seq >= this.#lastStats.seq) this.#lastStats = snapshot;
    return snapshot;
  }

  /**
   * Sets the store's budget. Lowering it evicts ephemeral pages at once; persistent pages stay
   * (persistent puts fail until usage is under the budget). A 'budget' event follows.
   * @param bytes 0..capacityBytes (more is clamped).
   * @throws TmemError 'bad-options' (rejection) for a negative or non-finite value.
   */
  setBudget(bytes: number): Promise<BudgetInfo> {
    return this.call('setBudget', (c) => c.setBudget(bytes));
  }

  /** Milliseconds between published snapshots (0 pauses); resolves to the new period. */
  setStatsInterval(ms: number): Promise<number> {
    return this.call('setStatsInterval', (c) => c.setStatsInterval(ms));
  }

  /** Forwards a page lifecycle signal to the pressure policy (done automatically for this
   *  page's own events; useful for frames or custom signals). */
  signalPressure(signal: PressureSignal): Promise<PressureState | null> {
    return this.call('signalPressure', (c) => c.pressure(signal));
  }

  /**
   * Hands a MessagePort to the hypervisor for the service worker's cleancache lookups. The
   * port is kept until the lookup handler attaches in the store worker.
   * @param port one end of a MessageChannel whose other end goes to the service worker.
   */
  connectPort(port: MessagePort): Promise<number> {
    return this.call('connectPort', (c) => c.connectPort(transfer(port, [port])));
  }

  /**
   * Lets a dedicated worker of this page, or a same-origin isolated iframe, attach the same
   * store. The receiver calls connectShared() (or attachFrom(event)) from 'webtmem'.
   * @param target a Worker, a MessagePort leading to one, or an iframe's contentWindow.
   * @throws TmemError 'not-supported' in local mode or for a window that is cross-origin or not
   *   isolated; 'bad-options' for anything else that is no Worker, MessagePort or window.
   */
  async share(target: ShareTarget): Promise<void> {
    const wiring = this.#wiring;
    if (wiring.mode === 'local') {
      throw new TmemError('not-supported', "share: the store is in 'local' mode (page not crossOriginIsolated), so other threads cannot attach it");
    }
    checkShareTarget(target);
    const port = await this.call('share', () => wiring.control[createEndpoint]());
    try {
      postShare(target, { webtmem: 'share', buffer: wiring.buffer, lifecycle: wiring.lifecycle, lockName: wiring.lockName, control: port });
    } catch (e) {
      // Not sent (the target went away meanwhile, say): release the endpoint, so the store
      // worker stops serving it.
      wrap(port)[releaseProxy]();
      throw e;
    }
  }

  /**
   * Opens a frontswap area: pages stored by offset, in memory while the store has room, else
   * spilled through a write-behind buffer to IndexedDB (see the README section "frontswap").
   * One tab holds an area at a time (a Web Lock).
   * @param name 1..128 characters; also names the area's IndexedDB log.
   * @param options durable (writethrough, reopened after reload), wait (for the lock), buffer.
   * @throws TmemError (rejection) 'bad-name', 'bad-options', 'area-locked', 'bad-database',
   *   'disk-error', 'closed', 'worker-gone'.
   */
  frontswap(name: string, options?: FrontswapOptions): Promise<Frontswap> {
    return openFrontswapOnDemand(this, (port, watch) => this.call('frontswap', (c) => c.frontswapPort(transfer(port, [port]), watch)), name, options);
  }

  /**
   * Closes the store for every thread: later calls throw (or reject) 'closed', also the calls
   * waiting now. The store worker is terminated; its memory is released once no thread holds it.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.closeForAll('the webtmem client is closed');
    this.#wiring.shutdown();
  }

  protected override onEnded(): void {
    this.#unsubscribe();
    this.#lifecycleOff?.();
  }

  /** The page closes the store itself (close()): nothing to wait for once its worker is gone. */
  protected override waitsForClose(): boolean {
    return false;
  }

  #receive(message: WorkerToPage): void {
    switch (message.webtmem) {
      case 'stats':
        // Every snapshot takes a seq, stats() replies too: keep the newest (see stats()).
        if (this.#lastStats === null || message.snapshot.seq >= this.#lastStats.seq) this.#lastStats = message.snapshot;
        this.dispatch(new CustomEvent('stats', { detail: message.snapshot }));
        break;
      case 'budget':
        this.#lastBudget = message.budget;
        this.dispatch(new CustomEvent('budget', { detail: message.budget }));
        break;
      case 'fatal':
        this.workerStopped(message.message);
        break;
    }
  }

  /** The store worker has no document: the page tells it about visibility, freeze, pagehide. */
  #forwardLifecycle(): void {
    if (typeof document === 'undefined' || typeof window === 'undefined') return;
    const send = (signal: PressureSignal) => { this.signalPressure(signal).catch(() => {}); };
    const onEvent = (event: Event) => {
      switch (event.type) {
        case 'visibilitychange': send(document.visibilityState === 'hidden' ? 'hidden' : 'visible'); break;
        case 'freeze': send('freeze'); break;
        case 'resume': send('resume'); break;
        case 'pagehide': send('pagehide'); break;
        case 'pageshow': send('pageshow'); break;
      }
    };
    for (const [where, type] of LIFECYCLE_EVENTS) (where === 'document' ? document : window).addEventListener(type, onEvent);
    this.#lifecycleOff = () => {
      for (const [where, type] of LIFECYCLE_EVENTS) (where === 'document' ? document : window).removeEventListener(type, onEvent);
    };
    // A client made while the page is already hidden starts under pressure.
    if (document.visibilityState === 'hidden') send('hidden');
  }
}
