// connect(): starts the store worker (shared mode) or an in-page hypervisor (local mode) and
// returns a TmemClient. The page never waits for the worker by spinning (a blocking wait on
// the main thread is not allowed, and would freeze the page): it waits for the worker's
// 'ready' message, bounded by timeoutMs.
import { wrap } from 'comlink';
import { attach, createStore } from '../worker/core/index.js';
import { TmemError, reviveError } from '../worker/core/errors.js';
import { createLifecycle } from '../worker/handle/lifecycle.js';
import { installErrorTransfer } from '../worker/hypervisor/error-transfer.js';
import { Hypervisor, type ControlApi } from '../worker/hypervisor/hypervisor.js';
import { isWorkerToPage, type InitMessage, type WorkerToPage } from '../worker/wire/store-worker.js';
import { deviceMemory, resolveOptions, waitBound, type ResolvedOptions, type StoreWorkerOptions } from '../worker/hypervisor/options.js';
import { TmemClient } from './client.js';

/** Options of {@link connect}. */
export interface ConnectOptions extends StoreWorkerOptions {
  /** The store worker script (a module worker). Default: `tmem-worker.js` next to this bundle,
   *  which Vite and webpack find and emit on their own (see defaultWorker). An escape hatch for
   *  setups that serve the file themselves (`webtmem/tmem-worker.js` in the package), and for
   *  tests that serve the source, e.g. '/worker/store-worker.ts'. */
  workerUrl?: string | URL;
  /** 'auto' (default): shared when the page is crossOriginIsolated, else local with one
   *  console warning. 'shared': refuse ('not-supported') rather than fall back. 'local':
   *  always the in-page store. */
  mode?: 'auto' | 'shared' | 'local';
  /** Bound on starting the store worker, in ms. Default 10000. */
  timeoutMs?: number;
}

let warned = false;

/** Why the store cannot be shared on this page, or null when it can. */
function sharedUnavailable(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || globalThis.crossOriginIsolated !== true) {
    return 'this page is not crossOriginIsolated, so SharedArrayBuffer cannot be shared with a worker';
  }
  if (typeof Worker === 'undefined') return 'this browser context has no Worker';
  if (typeof Atomics === 'undefined') return 'this browser has no Atomics';
  return null;
}

/**
 * Connects to a new store for this page.
 * @param options capacity, budget, page size, policies, worker URL, mode (see ConnectOptions).
 * @returns a client whose put/get/flush are synchronous on the store's memory.
 * @throws TmemError (rejection) 'bad-options' for bad options; 'not-supported' when mode is
 *   'shared' and the page cannot share; 'worker-failed' when the worker script fails to load
 *   or does not answer within timeoutMs.
 */
export async function connect(options: ConnectOptions = {}): Promise<TmemClient> {
  if (options === null || typeof options !== 'object') {
    throw new TmemError('bad-options', `connect: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const { workerUrl, mode = 'auto', timeoutMs = 10_000, ...storeOptions } = options;
  if (mode !== 'auto' && mode !== 'shared' && mode !== 'local') {
    throw new TmemError('bad-options', `connect: mode must be 'auto', 'shared' or 'local', got ${String(mode)}`);
  }
  waitBound('connect: timeoutMs', timeoutMs);
  const resolved = resolveOptions(storeOptions, deviceMemory());
  installErrorTransfer();
  const why = sharedUnavailable();
  if (mode === 'local') return connectLocal(resolved);
  if (why && mode === 'shared') {
    throw new TmemError('not-supported', `connect: ${why}; mode 'shared' needs Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp`);
  }
  if (why) {
    if (!warned) {
      warned = true;
      console.warn(
        `webtmem: ${why}. The store runs in 'local' mode on this thread (same synchronous API, no sharing with workers). ` +
          'To share it, serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp ' +
          "(or credentialless), or turn on the drop-in's isolation option.",
      );
    }
    return connectLocal(resolved);
  }
  return workerUrl === undefined
    ? startStoreWorker(resolved, defaultWorker, 'tmem-worker.js (next to webtmem)', timeoutMs)
    : startStoreWorker(resolved, () => new Worker(workerUrl, { type: 'module', name: 'webtmem-store' }), String(workerUrl), timeoutMs);
}

/**
 * The store worker next to this bundle. Vite, Rollup and webpack emit a worker file only when
 * they see exactly `new Worker(new URL('<literal>', import.meta.url), { type: 'module' })`, so
 * dist/index.js must hold this expression in that form and in one piece: then an app that
 * imports 'webtmem' gets tmem-worker.js in its build with no configuration. The name is split
 * here only so that webtmem's own build (and the test server, which serves this source) does
 * not try to bundle a './tmem-worker.js' that exists only next to the built bundle; the
 * minifier joins the two strings, and scripts/build.mjs fails if the joined form is missing.
 */
function defaultWorker(): Worker {
  return new Worker(new URL('./tmem-worker' + '.js', import.meta.url), { type: 'module', name: 'webtmem-store' });
}

/** Local mode: the same core over a plain ArrayBuffer, the hypervisor on this thread. */
function connectLocal(options: ResolvedOptions): TmemClient {
  const buffer = createStore({
    capacityBytes: options.capacityBytes,
    pageSize: options.pageSize,
    shared: false,
    ...(options.maxPools === undefined ? {} : { maxPools: options.maxPools }),
  });
  const store = attach(buffer);
  const listeners = new Set<(m: WorkerToPage) => void>();
  // Delivered in a microtask, so events come after the call that caused them, as in shared mode.
  const post = (m: WorkerToPage) => queueMicrotask(() => { for (const l of listeners) l(m); });
  const hypervisor = new Hypervisor(store, options, 'local', post);
  return new TmemClient({
    mode: 'local',
    store,
    buffer,
    lifecycle: createLifecycle(false),
    control: hypervisor,
    lockName: null,
    budget: hypervisor.budget(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown: () => hypervisor.close(),
  });
}

/** Shared mode: start the store worker and wait (bounded) for its ready message. */
function startStoreWorker(options: ResolvedOptions, start: () => Worker, url: string, timeoutMs: number): Promise<TmemClient> {
  let worker: Worker;
  try {
    worker = start();
  } catch (e) {
    return Promise.reject(new TmemError('worker-failed', `connect: could not start the store worker ${String(url)}: ${(e as Error).message}`));
  }
  const { port1, port2 } = new MessageChannel();
  return new Promise<TmemClient>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
    };
    const fail = (error: TmemError) => {
      cleanup();
      worker.terminate();
      port1.close();
      reject(error);
    };
    const timer = timeoutMs === Infinity ? undefined : setTimeout(
      () => fail(new TmemError('worker-failed', `connect: the store worker ${String(url)} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    // A module worker whose script 404s, is not JavaScript, or throws while loading fires a
    // plain 'error' event here (no message: the browser hides cross-thread details).
    const onError = (event: Event) => {
      const detail = (event as ErrorEvent).message || 'the script could not be fetched or evaluated (404? wrong MIME type? syntax error?)';
      fail(new TmemError('worker-failed', `connect: the store worker ${String(url)} failed to start: ${detail}`));
    };
    const onMessage = (event: MessageEvent) => {
      const message: unknown = event.data;
      if (!isWorkerToPage(message)) return;
      if (message.webtmem === 'failed') {
        const error = reviveError(message.error);
        fail(error instanceof TmemError ? error : new TmemError('worker-failed', `connect: ${message.error.message}`));
      } else if (message.webtmem === 'fatal') {
        // The worker ended itself before it was ready (an unhandled rejection while starting):
        // it will never answer, so say why now rather than at the timeout.
        fail(new TmemError('worker-failed', `connect: the store worker ${String(url)} failed while starting: ${message.message}`));
      } else if (message.webtmem === 'ready') {
        // attach() refuses a buffer this code cannot read (a store worker script of another
        // webtmem version, say a stale cached copy): fail as for any other refusal, never hang.
        let store: ReturnType<typeof attach>;
        try {
          store = attach(message.buffer);
        } catch (e) {
          fail(e instanceof TmemError ? e : new TmemError('worker-failed', `connect: the store worker's buffer could not be attached: ${(e as Error)?.message}`));
          return;
        }
        cleanup();
        resolve(new TmemClient({
          mode: 'shared',
          store,
          buffer: message.buffer,
          lifecycle: message.lifecycle,
          control: wrap<ControlApi>(port1),
          lockName: message.lockName,
          budget: message.budget,
          subscribe(listener) {
            const onWorkerMessage = (e: MessageEvent) => { const m: unknown = e.data; if (isWorkerToPage(m)) listener(m); };
            worker.addEventListener('message', onWorkerMessage);
            return () => worker.removeEventListener('message', onWorkerMessage);
          },
          shutdown() {
            worker.terminate();
            port1.close();
          },
        }));
      }
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.postMessage({ webtmem: 'init', options: { ...options, pressure: options.pressure ?? false }, control: port2 } satisfies InitMessage, [port2]);
  });
}
