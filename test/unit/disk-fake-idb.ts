// IndexedDB as a DiskLog reaches it through idb (worker/disk/connection.ts), for Node: one
// database shared by any number of connections, with the transaction rules a race between a
// read and a compaction depends on, and a hook that can hold a request's answer so a test can
// act while a transaction runs. Node has no IndexedDB and the repository no fake of it; what
// is kept of the spec's rules:
//  - Transactions start in the order they were created: one whose scope overlaps an earlier,
//    unfinished transaction waits for it unless both are read-only. So a read-only
//    transaction sees every write transaction created before it, and none created after it.
//  - Requests run one at a time in order; a transaction commits once it has no request left
//    and its last answer's microtasks have run (as auto-commit does). abort() rolls it back.
//  - put() clones the value when called, get() hands out a clone.
// Only what DiskLog, load() and replay() call is here; keys are numbers (or the meta string).

/** Stands in for IDBKeyRange (lower and upper bounds only); install it as a global. */
export class FakeKeyRange {
  constructor(readonly lower: number | undefined, readonly upper: number | undefined, readonly lowerOpen: boolean, readonly upperOpen: boolean) {}
  static lowerBound(lower: number, open = false): FakeKeyRange { return new FakeKeyRange(lower, undefined, open, false); }
  static upperBound(upper: number, open = false): FakeKeyRange { return new FakeKeyRange(undefined, upper, false, open); }
  includes(key: number): boolean {
    if (this.lower !== undefined && (this.lowerOpen ? key <= this.lower : key < this.lower)) return false;
    if (this.upper !== undefined && (this.upperOpen ? key >= this.upper : key > this.upper)) return false;
    return true;
  }
}

type Key = number | string;
type Query = Key | FakeKeyRange | null | undefined;
const matches = (query: Query, key: Key): boolean =>
  query === null || query === undefined ? true : query instanceof FakeKeyRange ? typeof key === 'number' && query.includes(key) : key === query;

interface Request {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** One transaction; `first` is true while its first request is being answered. */
export class FakeTx {
  state: 'waiting' | 'running' | 'done' = 'waiting';
  readonly done: Promise<void>;
  #commit!: () => void;
  #fail!: (error: unknown) => void;
  readonly #requests: Request[] = [];
  readonly #undo: (() => void)[] = [];
  #answered = 0;

  constructor(readonly db: FakeIdb, readonly connection: string, readonly scope: Set<string>, readonly mode: IDBTransactionMode) {
    this.done = new Promise((resolve, reject) => { this.#commit = resolve; this.#fail = reject; });
  }

  /** Requests answered so far. */
  get answered(): number { return this.#answered; }

  objectStore(name: string) {
    if (!this.scope.has(name)) throw new DOMException(`${name} is not in the transaction's scope`, 'NotFoundError');
    const data = this.db.stores.get(name)!;
    const sorted = (query: Query) => [...data.keys()].filter((k) => matches(query, k)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      get: (key: Key) => this.#request(() => structuredClone(data.get(key))),
      getAll: (query?: Query) => this.#request(() => sorted(query).map((k) => structuredClone(data.get(k)))),
      getAllKeys: (query?: Query) => this.#request(() => sorted(query)),
      openKeyCursor: (query: Query, direction: 'next' | 'prev') => this.#request(() => {
        const keys = sorted(query);
        const key = direction === 'prev' ? keys.at(-1) : keys[0];
        return key === undefined ? null : { key };
      }),
      put: (value: unknown, key: Key) => {
        const copy = structuredClone(value); // cloned at the call, as IndexedDB does
        return this.#write(() => { this.#remember(data, key); data.set(key, copy); return key; });
      },
      delete: (query: Query) => this.#write(() => { for (const k of sorted(query)) { this.#remember(data, k); data.delete(k); } }),
      clear: () => this.#write(() => { for (const k of [...data.keys()]) { this.#remember(data, k); data.delete(k); } }),
    };
  }

  abort(): void {
    if (this.state === 'done') throw new DOMException('the transaction has finished', 'InvalidStateError');
    for (const undo of this.#undo.reverse()) undo();
    const error = new DOMException('the transaction was aborted', 'AbortError');
    for (const r of this.#requests.splice(0)) r.reject(error);
    this.#finish();
    this.#fail(error);
  }

  /** Starts the transaction (the database decided it may run now). */
  start(): void {
    this.state = 'running';
    setImmediate(() => void this.#step());
  }

  #remember(data: Map<Key, unknown>, key: Key): void {
    const had = data.has(key);
    const old = data.get(key);
    this.#undo.push(() => { if (had) data.set(key, old); else data.delete(key); });
  }

  #write(run: () => unknown): Promise<unknown> {
    if (this.mode !== 'readwrite') throw new DOMException('the transaction is read-only', 'ReadOnlyError');
    return this.#request(run);
  }

  #request(run: () => unknown): Promise<unknown> {
    if (this.state === 'done') throw new DOMException('the transaction has finished', 'TransactionInactiveError');
    return new Promise((resolve, reject) => this.#requests.push({ run, resolve, reject }));
  }

  async #step(): Promise<void> {
    if (this.state !== 'running') return;
    const r = this.#requests.shift();
    if (!r) {
      // No request left once the last answer's microtasks have run: auto-commit.
      this.#finish();
      this.#commit();
      return;
    }
    let value: unknown;
    try {
      value = r.run();
    } catch (e) {
      r.reject(e);
      if (this.state === 'running') this.abort();
      return;
    }
    await this.db.beforeAnswer?.(this);
    if (this.state !== 'running') { // aborted while the answer was held
      r.reject(new DOMException('the transaction was aborted', 'AbortError'));
      return;
    }
    this.#answered++;
    r.resolve(value);
    setImmediate(() => void this.#step());
  }

  #finish(): void {
    this.state = 'done';
    this.db.finished(this);
  }
}

/** A connection as idb's IDBPDatabase looks to DiskLog (transaction and close). */
export interface FakeConnection {
  transaction(stores: string | string[], mode?: IDBTransactionMode): FakeTx;
  close(): void;
}

/** One database: its stores and the order its transactions run in. */
export class FakeIdb {
  readonly stores = new Map<string, Map<Key, unknown>>([['meta', new Map()], ['records', new Map()], ['journal', new Map()]]);
  /** Called before a request's answer is handed over; the answer waits for the promise. */
  beforeAnswer: ((tx: FakeTx) => Promise<void> | void) | null = null;
  /** Transactions created and not finished, oldest first. */
  readonly #live: FakeTx[] = [];
  readonly #watchers: { connection: string; told: (tx: FakeTx) => void }[] = [];

  /** A connection named `name` (the name tells whose transactions they are). */
  connect(name: string): FakeConnection {
    let closed = false;
    return {
      transaction: (stores, mode = 'readonly') => {
        if (closed) throw new DOMException('the connection is closed', 'InvalidStateError');
        const tx = new FakeTx(this, name, new Set(typeof stores === 'string' ? [stores] : stores), mode);
        this.#live.push(tx);
        for (const w of this.#watchers.filter((w) => w.connection === name)) {
          this.#watchers.splice(this.#watchers.indexOf(w), 1);
          w.told(tx);
        }
        this.#schedule();
        return tx;
      },
      close: () => { closed = true; },
    };
  }

  /** Resolves with the next transaction created on the connection named `connection`. */
  nextTransaction(connection: string): Promise<FakeTx> {
    return new Promise((told) => this.#watchers.push({ connection, told }));
  }

  /** Called by a transaction that committed or aborted. */
  finished(tx: FakeTx): void {
    this.#live.splice(this.#live.indexOf(tx), 1);
    this.#schedule();
  }

  #schedule(): void {
    this.#live.forEach((tx, i) => {
      if (tx.state !== 'waiting') return;
      const blocked = this.#live.slice(0, i).some((u) =>
        (u.mode === 'readwrite' || tx.mode === 'readwrite') && [...u.scope].some((s) => tx.scope.has(s)));
      if (!blocked) tx.start();
    });
  }
}
