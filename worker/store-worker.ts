// The store worker entry (the "hypervisor" thread). The page starts it as a module worker and
// posts one InitMessage; the worker creates the store, holds a Web Lock for as long as it lives
// (the page learns of its death when the lock is released), answers with the buffer, then
// serves the control plane with comlink on the port it was given.
//
// Faults: an uncaught error here means a policy may be half-applied, so the worker reports it
// ('fatal') and closes itself; the page then sees the worker gone. The store's memory lives on
// in the page and its workers, so their puts and gets keep working.
import { expose } from 'comlink';
import { attach, createStore } from './core/index.js';
import { installErrorTransfer } from './hypervisor/error-transfer.js';
import { Hypervisor } from './hypervisor/hypervisor.js';
import { installCleancache } from './cleancache/index.js';
import { createLifecycle } from './handle/lifecycle.js';
import { isPageToWorker, type FailedMessage, type FatalMessage, type InitMessage, type PongMessage, type ReadyMessage } from './wire/store-worker.js';
import { deviceMemory, resolveOptions } from './hypervisor/options.js';

/** The parts of DedicatedWorkerGlobalScope used here (tsconfig.json has the DOM lib only). */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;

/** The one hypervisor of this worker, once the store exists; installCleancache() attaches the
 *  cleancache service to its service-worker ports. */
export let hypervisor: Hypervisor | null = null;
let initialising = false;

installErrorTransfer();

scope.addEventListener('message', (event) => {
  const message: unknown = event.data;
  if (!isPageToWorker(message)) return;
  if (message.webtmem === 'init' && !initialising) {
    initialising = true;
    void init(message);
  } else if (message.webtmem === 'ping') {
    scope.postMessage({ webtmem: 'pong', id: message.id, data: message.data } satisfies PongMessage);
  }
});

async function init(message: InitMessage): Promise<void> {
  try {
    const options = resolveOptions(message.options, deviceMemory());
    const buffer = createStore({
      capacityBytes: options.capacityBytes,
      pageSize: options.pageSize,
      ...(options.maxPools === undefined ? {} : { maxPools: options.maxPools }),
    }) as SharedArrayBuffer;
    const store = attach(buffer);
    const lifecycle = createLifecycle(true) as SharedArrayBuffer;
    const hv = new Hypervisor(store, options, 'shared', (m) => scope.postMessage(m));
    hypervisor = hv;
    installCleancache(hv);
    expose(hv, message.control);
    const lockName = await holdLifeLock();
    scope.postMessage({ webtmem: 'ready', buffer, lifecycle, lockName, budget: hv.budget() } satisfies ReadyMessage);
  } catch (e) {
    const err = e as { name?: string; code?: unknown; message?: string };
    // A DOMException's code is a legacy number; only TmemError's kebab-case code is sent.
    const error = { name: String(err?.name ?? 'Error'), code: typeof err?.code === 'string' ? err.code : undefined, message: String(err?.message ?? e) };
    scope.postMessage({ webtmem: 'failed', error } satisfies FailedMessage);
  }
}

/** Takes a Web Lock that is released only when this worker dies (terminate, close, crash).
 *  Resolves once it is granted, so the page never waits on it before the worker holds it. */
async function holdLifeLock(): Promise<string | null> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return null;
  const id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  const name = `webtmem-store-${id}`;
  await new Promise<void>((granted) => {
    void locks.request(name, () => {
      granted();
      return new Promise<never>(() => {});
    });
  });
  return name;
}

function fatal(message: string): void {
  try {
    scope.postMessage({ webtmem: 'fatal', message } satisfies FatalMessage);
  } finally {
    hypervisor?.close();
    scope.close();
  }
}

scope.addEventListener('error', (event) => fatal(`uncaught error in the store worker: ${(event as ErrorEvent).message}`));
scope.addEventListener('unhandledrejection', (event) =>
  fatal(`unhandled rejection in the store worker: ${String((event as PromiseRejectionEvent).reason)}`),
);
