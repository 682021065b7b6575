// The wire between the page and its store worker, and the share message that hands the store
// to an app worker or iframe: message types, one discriminated union per direction, and
// readers that narrow a received value to them. The control plane (budget, stats, …) is not
// here: it is comlink on a MessagePort of its own, typed by ControlApi (./hypervisor.ts).
// Every message carries `webtmem: <kind>`, so an app's own messages on the same port are left
// alone.
import type { StatsSnapshot } from '../stats.js';
import type { BudgetInfo } from './budget.js';
import type { StoreWorkerOptions } from './options.js';

/** Page → store worker, once: create the store, expose the control plane on `control`. */
export interface InitMessage {
  webtmem: 'init';
  options: StoreWorkerOptions;
  control: MessagePort;
}

/** Page → store worker: a liveness probe (the benchmark's round trip). */
export interface PingMessage {
  webtmem: 'ping';
  id: number;
  /** Echoed unchanged in the pong. */
  data?: unknown;
}

/** Store worker → page: the answer to a ping. */
export interface PongMessage {
  webtmem: 'pong';
  id: number;
  data?: unknown;
}

/** Store worker → page: the store exists. */
export interface ReadyMessage {
  webtmem: 'ready';
  buffer: SharedArrayBuffer;
  lifecycle: SharedArrayBuffer;
  /** A Web Lock the store worker holds until it dies (null where Web Locks are missing). */
  lockName: string | null;
  budget: BudgetInfo;
}

/** Store worker → page: the store could not be created (the error as structured clone). */
export interface FailedMessage {
  webtmem: 'failed';
  error: { name: string; code?: string; message: string };
}

/** Store worker → page: an uncaught error; the worker closes itself after sending it. */
export interface FatalMessage {
  webtmem: 'fatal';
  message: string;
}

/** Store worker → page, every statsIntervalMs. */
export interface StatsMessage {
  webtmem: 'stats';
  snapshot: StatsSnapshot;
}

/** Store worker → page, whenever the budget in force or the owner's budget changes. */
export interface BudgetMessage {
  webtmem: 'budget';
  budget: BudgetInfo;
}

/** Page → app worker or iframe: attach this store (client.share). */
export interface ShareMessage {
  webtmem: 'share';
  buffer: SharedArrayBuffer;
  lifecycle: SharedArrayBuffer;
  lockName: string | null;
  /** A comlink endpoint of the store worker's control plane, for this receiver alone. */
  control: MessagePort;
}

/** What the page posts to its store worker. */
export type PageToWorker = InitMessage | PingMessage;
/** What the store worker posts to the page. */
export type WorkerToPage = ReadyMessage | FailedMessage | FatalMessage | StatsMessage | BudgetMessage | PongMessage;
/** Every kind on these channels. */
export type MessageKind = PageToWorker['webtmem'] | WorkerToPage['webtmem'] | ShareMessage['webtmem'];

const PAGE_TO_WORKER: ReadonlySet<string> = new Set<PageToWorker['webtmem']>(['init', 'ping']);
const WORKER_TO_PAGE: ReadonlySet<string> = new Set<WorkerToPage['webtmem']>(['ready', 'failed', 'fatal', 'stats', 'budget', 'pong']);

/** The `webtmem` kind of a message on any webtmem channel, or undefined for a message that is
 *  not ours. */
export function kindOf(data: unknown): string | undefined {
  if (data && typeof data === 'object' && 'webtmem' in data && typeof data.webtmem === 'string') return data.webtmem;
  return undefined;
}

/** Whether a value received by the store worker is one of the page's messages. */
export function isPageToWorker(data: unknown): data is PageToWorker {
  const kind = kindOf(data);
  return kind !== undefined && PAGE_TO_WORKER.has(kind);
}

/** Whether a value received by the page from its store worker is one of the worker's messages. */
export function isWorkerToPage(data: unknown): data is WorkerToPage {
  const kind = kindOf(data);
  return kind !== undefined && WORKER_TO_PAGE.has(kind);
}

/** Whether a message's data is a store handed over by client.share(): the kind and the
 *  transferable parts are checked, so a receiver may attach it. */
export function isShareMessage(data: unknown): data is ShareMessage {
  if (kindOf(data) !== 'share' || !data || typeof data !== 'object') return false;
  const m: Partial<Record<keyof ShareMessage, unknown>> = data;
  return (
    typeof SharedArrayBuffer !== 'undefined' && m.buffer instanceof SharedArrayBuffer &&
    m.lifecycle instanceof SharedArrayBuffer &&
    (m.lockName === null || typeof m.lockName === 'string') &&
    typeof MessagePort !== 'undefined' && m.control instanceof MessagePort
  );
}
