// The frontswap host: the hypervisor's side of every frontswap area of this tab. Each area
// hands it a MessagePort (control call `frontswapPort`); the host serves an AreaDiskService on
// it with comlink, so the area's write-behind batches are written to IndexedDB here, off the
// calling thread, and the areas' counters join the hypervisor's stats snapshot.
import { expose } from 'comlink';
import type { FrontswapStats, TmemEvent } from '../stats.js';
import { AreaDiskService, type AreaPools } from './area-disk-service.js';
import type { AreaWatch } from '../wire/frontswap.js';

/** Where the host's disk events go (the hypervisor's event log). */
export type HostEventSink = (kind: TmemEvent['kind'], message: string) => void;

export class FrontswapHost {
  readonly #services = new Set<AreaDiskService>();
  readonly #events: HostEventSink;
  readonly #pools: AreaPools | undefined;
  #closed = false;

  /** @param events receives disk errors, recoveries and compactions of every area.
   *  @param pools the store's pools, to destroy those of areas that end without close(). */
  constructor(events: HostEventSink, pools?: AreaPools) {
    this.#events = events;
    this.#pools = pools;
  }

  /** Areas with an open service. */
  get size(): number {
    return this.#services.size;
  }

  /**
   * Serves one area's disk on `port` (comlink). The area calls open() first.
   * @param port the host's end of a MessageChannel made by the area.
   * @param watch the area's holder lock, watched from now on, and its pool: a thread that ends
   *   before its open request arrives still has its service destroy its pool and close.
   */
  connect(port: MessagePort, watch?: AreaWatch): void {
    if (this.#closed) {
      port.close();
      return;
    }
    const service: AreaDiskService = new AreaDiskService(
      (e) => this.#events(e.kind, e.message),
      () => {
        this.#services.delete(service);
        // Called as close() resolves: comlink posts its answer in a microtask, so a task later
        // the answer is out and the port can close.
        setTimeout(() => port.close(), 0);
      },
      this.#pools,
    );
    this.#services.add(service);
    if (watch) service.watch(watch.holderLock, watch.poolId);
    expose(service, port);
  }

  /** Each open area's counters (as last reported) with its disk's, for the snapshot. */
  stats(): FrontswapStats[] {
    const out: FrontswapStats[] = [];
    for (const s of this.#services) {
      const snap = s.snapshot();
      if (snap) out.push(snap);
    }
    return out;
  }

  /** Closes every area's log (queued writes first) and port. */
  close(): void {
    this.#closed = true;
    for (const s of [...this.#services]) void s.close().catch(() => undefined);
  }
}
