// The hypervisor: the store's owner. It holds the policies (budget, pressure, pool caps through
// the core), publishes stats, keeps the service-worker ports, and answers the control plane.
// It never sees a put or a get: those go from each thread straight to the shared memory.
// The same class runs in the store worker (shared mode, control over comlink) and on the page's
// own thread (local mode, control by direct call).
import type { TmemStore } from '../core/types.js';
import type { CleancacheStats, StatsSnapshot } from '../stats.js';
import { BudgetPolicy, type BudgetInfo } from './budget.js';
import { EventLog } from './events.js';
import type { BudgetMessage, StatsMessage } from '../wire/store-worker.js';
import { timerDelay, type ResolvedOptions } from './options.js';
import { PressurePolicy, type PressureSignal, type PressureState } from './pressure.js';
import { ServicePorts } from './service-ports.js';
import { FrontswapHost } from '../frontswap/host.js';
import { isAreaWatch, type AreaWatch } from '../wire/frontswap.js';
import { StatsPublisher } from './stats-publisher.js';
import { TmemError } from '../core/errors.js';
import { Store } from '../core/store.js';

/** The control plane: what the page (and app workers given a control port) may ask. Every
 *  answer is plain structured-clone data. */
export interface ControlApi {
  /** The budget in force. */
  budget(): BudgetInfo;
  /** Sets the owner's budget in bytes (clamped to the capacity); lowering it evicts ephemeral
   *  pages at once. Rejects with 'bad-options' for a negative or non-finite value. */
  setBudget(bytes: number): BudgetInfo;
  /** A fresh stats snapshot. */
  snapshot(): StatsSnapshot;
  /** A lifecycle event of the page, for the pressure policy. */
  pressure(signal: PressureSignal): PressureState | null;
  /** Milliseconds between published snapshots (0 = paused); returns the new period. */
  setStatsInterval(ms: number): number;
  /** Keeps a MessagePort for the service worker's cleancache lookups (see ./service-ports.ts);
   *  returns how many ports are held. */
  connectPort(port: MessagePort): number;
  /** Serves a frontswap area's disk on `port` (worker/frontswap/host.ts), watching the area's
   *  holder lock and pool (if given) from now on. */
  frontswapPort(port: MessagePort, watch?: AreaWatch): void;
}

/** The store's owner and its policies. */
export class Hypervisor implements ControlApi {
  /** The store, attached on the hypervisor's thread. */
  readonly store: TmemStore;
  /** Recent events, for the panel. */
  readonly log = new EventLog();
  /** Ports for the service worker; the cleancache lookup handler attaches here. */
  readonly servicePorts = new ServicePorts();
  /** The disk side of this tab's frontswap areas (IndexedDB logs fed by their batches), which
   *  also destroys the pool of an area whose thread ended without closing it. attach() makes
   *  every store a Store; a TmemStore of another make (a test's double) has no pools to reclaim
   *  this way. */
  readonly frontswap = new FrontswapHost((kind, message) => this.log.add(kind, message), {
    tagOf: (poolId) => (this.store instanceof Store ? this.store.poolTag(poolId) : 0),
    destroyIf: (poolId, tag) => this.store instanceof Store && this.store.destroyPoolIf(poolId, tag),
  });
  /** The cleancache tier's counters, set by worker/cleancache when it attaches. */
  cleancacheStats: (() => CleancacheStats) | null = null;
  readonly #mode: 'shared' | 'local';
  readonly #budget: BudgetPolicy;
  readonly #pressure: PressurePolicy;
  readonly #publisher: StatsPublisher;
  #seq = 0;

  /**
   * @param store the store, attached on this thread.
   * @param options resolved options (./options.ts).
   * @param mode reported in snapshots.
   * @param post where stats and budget messages go (the page).
   */
  constructor(
    store: TmemStore,
    options: ResolvedOptions,
    mode: 'shared' | 'local',
    post: (message: StatsMessage | BudgetMessage) => void,
  ) {
    this.store = store;
    this.#mode = mode;
    this.#budget = new BudgetPolicy(store, options.budgetBytes, (budget) => post({ webtmem: 'budget', budget }));
    this.#pressure = new PressurePolicy(options.pressure, this.#budget, this.log);
    this.#publisher = new StatsPublisher(() => this.snapshot(), (snapshot) => post({ webtmem: 'stats', snapshot }), options.statsIntervalMs);
    this.log.add('info', `store created: ${store.totalFrames} frames of ${store.pageSize} bytes, budget ${this.#budget.info.budgetFrames} frames`);
  }

  budget(): BudgetInfo {
    return this.#budget.info;
  }

  setBudget(bytes: number): BudgetInfo {
    const before = this.#budget.info.budgetFrames;
    const info = this.#budget.setOwnerBytes(bytes);
    this.log.add('budget', `owner budget ${info.ownerFrames} frames; in force ${before} → ${info.budgetFrames}`);
    return info;
  }

  snapshot(): StatsSnapshot {
    return {
      time: Date.now(),
      seq: ++this.#seq,
      mode: this.#mode,
      store: this.store.stats(),
      // The frontswap and cleancache tiers add their counters where they run.
      frontswap: this.frontswap.stats(),
      cleancache: this.cleancacheStats?.() ?? null,
      pressure: this.#pressure.state,
      events: this.log.list(),
    };
  }

  pressure(signal: PressureSignal): PressureState | null {
    return this.#pressure.signal(signal);
  }

  setStatsInterval(ms: number): number {
    this.#publisher.setInterval(timerDelay('setStatsInterval: ms', ms));
    return this.#publisher.intervalMs;
  }

  connectPort(port: MessagePort): number {
    if (typeof MessagePort === 'undefined' || !(port instanceof MessagePort)) {
      throw new TmemError('bad-options', 'connectPort: expected a MessagePort');
    }
    this.servicePorts.add(port);
    this.log.add('info', `service-worker port connected (${this.servicePorts.served ? 'served' : 'kept until the cleancache handler attaches'})`);
    return this.servicePorts.size;
  }

  frontswapPort(port: MessagePort, watch?: AreaWatch): void {
    if (typeof MessagePort === 'undefined' || !(port instanceof MessagePort)) {
      throw new TmemError('bad-options', 'frontswapPort: expected a MessagePort');
    }
    if (watch !== undefined && !isAreaWatch(watch)) {
      throw new TmemError('bad-options', 'frontswapPort: expected { holderLock: an area holder lock name, poolId?: an integer from 0 }');
    }
    this.frontswap.connect(port, watch);
  }

  /** Stops timers and closes the service ports. The store's memory is left to its holders. */
  close(): void {
    this.frontswap.close();
    this.#publisher.stop();
    this.#pressure.dispose();
    this.servicePorts.close();
  }
}
