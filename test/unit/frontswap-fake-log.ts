// IndexedDB as a frontswap area's disk service sees it, for Node: FakeLog stands in for
// openDiskLog's DiskLog (each test file puts it in place with vi.mock, which vitest hoists per
// file). Apart from test/unit/frontswap-fakes.ts because the mock's factory imports it while
// the disk service that imports the mocked module is still loading. Each step a race needs can
// be held by the test (a Gate), so tests never sleep.
import type { CompactionReport, DiskItem, DiskKey, DiskLogOptions } from '../../worker/disk/index.js';

/** Bytes per page of the fake disk's counters. */
const PS = 4096;

/** A step that runs at once unless the test holds it; held steps wait for release(). */
export class Gate {
  #held = false;
  #waiting: (() => void)[] = [];

  /** Steps reaching the gate now wait. */
  hold(): void { this.#held = true; }

  /** Lets the waiting steps through; later ones pass at once. */
  release(): void {
    this.#held = false;
    for (const go of this.#waiting.splice(0)) go();
  }

  /** Steps waiting at the gate. */
  get waiting(): number { return this.#waiting.length; }

  pass(): Promise<void> {
    if (!this.#held) return Promise.resolve();
    return new Promise((go) => this.#waiting.push(go));
  }
}

/** Every log's clear() passes here: a test holds it to catch a log still clearing at open. */
export const clears = new Gate();

/** The values of each database, by name. */
const disks = new Map<string, Map<DiskKey, Uint8Array>>();

/**
 * The DiskLog an area's service uses, with the real one's ordering rules: writes, deletes,
 * clears and compactions run one at a time in order, and a write queues an auto-compaction
 * behind itself (as afterWrite() does once enough is dead); reads skip the queue; close() waits
 * for the queue and the reads in progress, and later calls throw.
 */
export class FakeLog {
  /** The database's values: shared by every log opened on the same name, as IndexedDB's are. */
  readonly disk: Map<DiskKey, Uint8Array>;
  readonly writes = new Gate();
  readonly reads = new Gate();
  readonly compactions = new Gate();
  /** Queue an auto-compaction behind every write. */
  compactAfterWrite = false;
  closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #inRead = new Set<Promise<unknown>>();

  constructor(readonly dbName: string) {
    const disk = disks.get(dbName) ?? new Map<DiskKey, Uint8Array>();
    disks.set(dbName, disk);
    this.disk = disk;
  }

  keys(): DiskKey[] { return [...this.disk.keys()]; }

  /** What stats() reports of the log's own failures: a test sets them. */
  failures = { errors: 0, backgroundErrors: 0, failing: false, lastError: null as string | null };

  stats() {
    return { liveValues: this.disk.size, liveBytes: this.disk.size * PS, recordBytes: 0, compactions: 0, ...this.failures };
  }

  writeBatch(items: DiskItem[]): Promise<void> {
    this.#open();
    const values = items.map(({ key, bytes }) => [key, bytes.slice()] as const);
    return this.#serial(async () => {
      await this.writes.pass();
      for (const [key, bytes] of values) this.disk.set(key, bytes);
      if (this.compactAfterWrite) void this.#serial(() => this.compactions.pass());
    });
  }

  deleteBatch(keys: DiskKey[]): Promise<void> {
    this.#open();
    return this.#serial(async () => { for (const k of keys) this.disk.delete(k); });
  }

  clear(): Promise<void> {
    this.#open();
    return this.#serial(async () => {
      await clears.pass();
      this.disk.clear();
    });
  }

  compact(): Promise<CompactionReport> {
    this.#open();
    return this.#serial(async () => {
      await this.compactions.pass();
      return { records: 0, movedValues: 0, movedBytes: 0, reclaimedBytes: 0, ms: 0 } as CompactionReport;
    });
  }

  async read(key: DiskKey): Promise<Uint8Array | undefined> {
    return (await this.readMany([key]))[0];
  }

  readMany(keys: DiskKey[]): Promise<(Uint8Array | undefined)[]> {
    this.#open();
    const reading = this.reads.pass().then(() => keys.map((k) => this.disk.get(k)?.slice()));
    this.#inRead.add(reading);
    return reading.finally(() => this.#inRead.delete(reading));
  }

  injectFault(): void {}

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.#queue, ...this.#inRead]);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #open(): void {
    if (this.closed) throw new Error(`${this.dbName} is closed`);
  }
}

/** Every FakeLog opened, newest last. */
export const logs: FakeLog[] = [];

/** Errors the next opens reject with, first first (a broken or foreign database). */
export const openFailures: Error[] = [];

/** Stands in for openDiskLog: one FakeLog per open, unless openFailures holds an error. */
export async function openFakeLog(name: string, _options?: DiskLogOptions): Promise<FakeLog> {
  const failure = openFailures.shift();
  if (failure) throw failure;
  const log = new FakeLog(`webtmem-log:${name}`);
  logs.push(log);
  return log;
}
