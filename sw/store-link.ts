// The service worker's links to the tabs' cleancache services. A service worker cannot read a
// tab's SharedArrayBuffer, so each tab hands it a MessagePort leading to its store worker
// (a SharedArrayBuffer cannot be posted to a service worker: it is outside the tab's agent
// cluster). Ports die with the service worker (restart) and with
// their tab; this keeps one per client, asks a client for a new one when it has none, and
// bounds every request with a timeout so a silent store worker is given up on. The link
// carries writes only (filling a tab's store, flushing a URL), after the response is sent:
// lookups are answered by the service worker's own memory tier (sw/memory-tier.ts).
import { isFromService, type FromService, type ToService } from '../worker/wire/cleancache-port.js';
import type { NeedPortMessage } from '../worker/wire/service-worker.js';
import { systemClock, type Clock, type ClockTimer } from '../worker/clock.js';

/** The parts of the service worker's `clients` used here (a test may pass its own). */
export interface ClientsLike {
  get(id: string): Promise<{ postMessage(message: unknown): void; type?: string } | undefined>;
}

/** A request as the caller gives it: the link numbers it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A request made only once its port is there (a fill copies a body: not for a tab that never
 *  answers), with the buffers to move with it. */
export type MadeRequest = () => { message: WithoutId<ToService>; transfer: Transferable[] };

interface Pending {
  resolve(reply: FromService | null): void;
  timer: ClockTimer;
  port: MessagePort;
}

// Timeouts in a row, with no reply between, after which a port counts as dead.
/** How long a replaced port stays open for replies to requests already sent on it (longer
 *  than any request's timeout). */
const RETIRE_MS = 10_000;
const SILENT_LIMIT = 2;

/** Counters of the links, for tests and the service worker's own stats. */
export interface StoreLinkStats {
  ports: number;
  /** Clients with a request waiting for their port now. */
  waitingClients: number;
  requests: number;
  timeouts: number;
  portRequests: number;
}

// Ask a client for a port at most this often: a page that cannot answer (still loading its
// store worker) must not be flooded.
const NEED_PORT_INTERVAL_MS = 1000;

/** Ports to the tabs' cleancache services, by client id. */
export class StoreLink {
  readonly #clients: ClientsLike;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #ports = new Map<string, MessagePort>();
  /** Clients that are no window (workers): they never send a port. */
  readonly #storeless = new Set<string>();
  readonly #pending = new Map<number, Pending>();
  readonly #silent = new WeakMap<MessagePort, number>();
  readonly #asked = new Map<string, number>();
  readonly #portWaiters = new Map<string, (() => void)[]>();
  #startup: Promise<void> | null = null;
  #onPort: ((clientId: string) => void) | null = null;
  readonly #stats = { requests: 0, timeouts: 0, portRequests: 0 };
  #nextId = 1;

  /**
   * @param clients the service worker's `self.clients`
   * @param timeoutMs bound on each request, in ms
   * @param clock the time and timers of the timeouts and of the port requests' spacing
   */
  constructor(clients: ClientsLike, timeoutMs: number, clock: Clock = systemClock) {
    this.#clients = clients;
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
  }

  /** Counters. */
  get stats(): StoreLinkStats {
    return { ports: this.#ports.size, waitingClients: this.#portWaiters.size, ...this.#stats };
  }

  /** Called when a client's port arrives, before the requests that waited for it are sent
   *  (TabFill replays the flushes the tab missed). */
  onPort(hook: (clientId: string) => void): void {
    this.#onPort = hook;
  }

  /** Posts a request on the client's port now, if it has one (no waiting for a port), and
   *  waits for the reply; null when it has none or did not answer in time. */
  sendNow(clientId: string, message: WithoutId<ToService>, timeoutMs = this.#timeoutMs): Promise<FromService | null> {
    const port = this.#ports.get(clientId);
    return port ? this.#send(port, message, [], timeoutMs) : Promise.resolve(null);
  }

  /** Whether a client has handed over a port (the drop-in's runtime does after the load). */
  has(clientId: string): boolean {
    return this.#ports.has(clientId);
  }

  /** Keeps the port a client sent (replacing its older one). */
  addPort(clientId: string, port: MessagePort): void {
    const old = this.#ports.get(clientId);
    if (old && old !== port) {
      // A page may hand over a second port while requests are still out on the first (this
      // service worker asked for one at start, and the page sent one on controllerchange).
      // Closing the first at once would lose their replies (a put would be dropped): retire
      // it, and close it once any request sent on it has had its time.
      this.#ports.delete(clientId);
      this.#clock.setTimeout(() => port !== old && old.close(), RETIRE_MS);
    }
    this.#ports.set(clientId, port);
    port.addEventListener('message', (event: MessageEvent) => {
      const reply: unknown = event.data;
      if (isFromService(reply)) this.#receive(reply);
    });
    // Chromium 122+ fires 'close' when the other end's worker or document is gone: drop the
    // port at once instead of learning it from a timeout.
    port.addEventListener('close', () => this.#drop(clientId, port));
    port.start();
    // Before the requests waiting for this port: what the hook posts goes first.
    this.#onPort?.(clientId);
    for (const wake of this.#portWaiters.get(clientId) ?? []) wake();
    this.#portWaiters.delete(clientId);
  }

  /**
   * Sends a request to the service of `clientId`'s own tab and waits for its reply. Only
   * writes use the link (the service worker's lookups are answered by its own memory tier),
   * and they run after the response, under waitUntil: no response ever waits here.
   * @param clientId the tab whose store is written
   * @param message the request, without its id, or what makes it (and its transfer list)
   *   once the port is there and the request still wanted
   * @param transfer buffers to move with it (a made request brings its own)
   * @param timeoutMs bound on the whole wait, the port's arrival included (a tab's first
   *   fetches race the port it posts once its store worker runs)
   * @param wanted asked once the port is there, just before the message goes: false drops
   *   it (what it carries was invalidated while it waited)
   * @returns the reply, or null when the tab did not answer in time (or is gone), or the
   *   message was dropped
   */
  async request(
    clientId: string, message: WithoutId<ToService> | MadeRequest, transfer: Transferable[] = [], timeoutMs = this.#timeoutMs,
    wanted: () => boolean = () => true,
  ): Promise<FromService | null> {
    const started = this.#clock.now();
    const port = await this.#portFor(clientId, timeoutMs);
    if (port === null || !wanted()) return null;
    const made = typeof message === 'function' ? message() : { message, transfer };
    return this.#send(port, made.message, made.transfer, Math.max(1, timeoutMs - (this.#clock.now() - started)));
  }

  /**
   * Sends a request to every tab with a port and waits for their replies (a flush: every
   * tab's copy of the URL must go).
   * @returns how many tabs answered
   */
  async requestAll(message: WithoutId<ToService>, timeoutMs = this.#timeoutMs): Promise<number> {
    // Just started, this service worker has asked the open tabs for their ports: wait for
    // that, so a flush reaches the tabs that answer (TabFill replays it to later ones).
    if (this.#startup) await this.#startup;
    const replies = await Promise.all([...new Set(this.#ports.values())].map((port) => this.#send(port, message, [], timeoutMs)));
    return replies.filter((r) => r !== null).length;
  }

  #send(port: MessagePort, message: WithoutId<ToService>, transfer: Transferable[], timeoutMs: number): Promise<FromService | null> {
    this.#stats.requests++;
    const id = this.#nextId++;
    return new Promise<FromService | null>((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        this.#stats.timeouts++;
        // Two timeouts in a row with no reply between: the port leads to a dead or hung store
        // worker (its tab closed or crashed); forget it, so later writes stop waiting on it.
        // One alone may be a live store worker on a loaded machine.
        const silent = (this.#silent.get(port) ?? 0) + 1;
        this.#silent.set(port, silent);
        if (silent >= SILENT_LIMIT) for (const [owner, p] of this.#ports) if (p === port) this.#drop(owner, p);
        resolve(null);
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer, port });
      try {
        port.postMessage({ ...message, id }, transfer);
      } catch {
        this.#clock.clearTimeout(timer);
        this.#pending.delete(id);
        resolve(null);
      }
    });
  }

  /** Forgets a client's port (its page is going away: 'cc-bye'). */
  removeClient(clientId: string): void {
    const port = this.#ports.get(clientId);
    if (port) this.#drop(clientId, port);
  }

  /**
   * Asks every client open at start-up for a port (the service worker just started and has
   * none). Requests made before the list arrives wait for it (a millisecond or so).
   * @param clientIds the window clients, e.g. from clients.matchAll()
   */
  askAll(clientIds: readonly string[] | Promise<readonly string[]>): void {
    const startup = Promise.resolve(clientIds).then(async (ids) => {
      await Promise.all(ids.map((id) => this.#ask(id)));
    }).catch(() => {});
    this.#startup = startup.then(() => { if (this.#startup === startup) this.#startup = null; });
  }

  /** The port to the client's own store; waits up to `waitMs` for a tab that exists but
   *  whose port has not arrived yet (it is starting its store worker, or this service worker
   *  just restarted and asked for one). */
  async #portFor(clientId: string, waitMs: number): Promise<MessagePort | null> {
    if (this.#startup && !this.#ports.has(clientId)) await this.#startup;
    const own = this.#ports.get(clientId);
    if (own) return own;
    if (!(await this.#ask(clientId))) return null;
    if (!this.#ports.has(clientId)) {
      await new Promise<void>((wake) => {
        const list = this.#portWaiters.get(clientId) ?? [];
        const waiter = () => { this.#clock.clearTimeout(timer); wake(); };
        // A wait that times out leaves the list: a client that never links (a worker, a page
        // without the runtime) would otherwise gather one waiter per fill for good.
        const timer = this.#clock.setTimeout(() => {
          const i = list.indexOf(waiter);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0 && this.#portWaiters.get(clientId) === list) this.#portWaiters.delete(clientId);
          wake();
        }, waitMs);
        list.push(waiter);
        this.#portWaiters.set(clientId, list);
      });
    }
    return this.#ports.get(clientId) ?? null;
  }

  /** Posts 'cc-need-port' to a client; resolves true when the client exists. */
  async #ask(clientId: string): Promise<boolean> {
    if (this.#storeless.has(clientId)) return false;
    const now = this.#clock.now();
    if (now - (this.#asked.get(clientId) ?? -Infinity) < NEED_PORT_INTERVAL_MS) return true;
    this.#asked.set(clientId, now);
    if (this.#asked.size > 256) this.#asked.delete(this.#asked.keys().next().value as string);
    const client = await this.#clients.get(clientId);
    if (!client) return false;
    // Only a window runs a store (a worker's fetches are filled nowhere: its page's store
    // fills from the page's own fetches): nothing to wait for, now or later.
    if (client.type !== undefined && client.type !== 'window') {
      this.#storeless.add(clientId);
      if (this.#storeless.size > 256) this.#storeless.delete(this.#storeless.keys().next().value as string);
      return false;
    }
    this.#stats.portRequests++;
    client.postMessage({ webtmem: 'cc-need-port' } satisfies NeedPortMessage);
    return true;
  }

  #receive(reply: FromService): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    this.#clock.clearTimeout(pending.timer);
    this.#silent.delete(pending.port);
    pending.resolve(reply);
  }

  #drop(clientId: string, port: MessagePort): void {
    if (this.#ports.get(clientId) === port) this.#ports.delete(clientId);
    port.close();
    this.#asked.delete(clientId);
  }
}
