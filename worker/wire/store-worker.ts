// The wire between the page and its store worker, and the share message that hands the store
// to an app worker or iframe: one interface per message, a discriminated union per direction,
// and readers that check a received value's fields before narrowing it to them. The control
// plane (budget, stats, …) is not here: it is comlink on a MessagePort of its own, typed by
// ControlApi (worker/hypervisor/hypervisor.ts). Every message carries `webtmem: <kind>`, so an
// app's own messages on the same port are left alone.
import type { StatsSnapshot } from '../stats.js';
import type { BudgetInfo } from '../hypervisor/budget.js';
import type { StoreWorkerOptions } from '../hypervisor/options.js';
import { isFields, isId, isNumber, isPort, isSharedBuffer, isString, isStringOrNull, numbersIn, unionReader, type Fields } from './shape.js';

/** Page → store worker, once: create the store, expose the control plane on `control`. */
export interface InitMessage {
  webtmem: 'init';
  /** Checked field by field by the store worker (resolveOptions), which refuses bad ones. */
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
/** The kinds of this channel. */
export type StoreWorkerKind = PageToWorker['webtmem'] | WorkerToPage['webtmem'] | ShareMessage['webtmem'];

const BUDGET_NUMBERS = [
  'pageSize', 'totalFrames', 'ownerFrames', 'ownerBytes', 'budgetFrames', 'budgetBytes', 'usedFrames', 'persistentFrames',
] as const satisfies readonly (keyof BudgetInfo)[];

const isBudget = (v: unknown): boolean =>
  isFields(v) && isString(v.reason) && numbersIn(v, BUDGET_NUMBERS) && typeof v.underPressure === 'boolean';

/** The store and its lifecycle words, as both 'ready' and 'share' carry them. */
const carriesStore = (m: Fields): boolean => isSharedBuffer(m.buffer) && isSharedBuffer(m.lifecycle) && isStringOrNull(m.lockName);

const PAGE_TO_WORKER = {
  init: (m) => isFields(m.options) && isPort(m.control),
  ping: (m) => isId(m.id),
} satisfies { [K in PageToWorker['webtmem']]: (m: Fields) => boolean };

const WORKER_TO_PAGE = {
  ready: (m) => carriesStore(m) && isBudget(m.budget),
  failed: (m) => isFields(m.error) && isString(m.error.name) && isString(m.error.message) && (m.error.code === undefined || isString(m.error.code)),
  fatal: (m) => isString(m.message),
  stats: (m) => isFields(m.snapshot) && isNumber(m.snapshot.time),
  budget: (m) => isBudget(m.budget),
  pong: (m) => isId(m.id),
} satisfies { [K in WorkerToPage['webtmem']]: (m: Fields) => boolean };

/** Whether a value received by the store worker is one of the page's messages. */
export const isPageToWorker = unionReader<PageToWorker>(PAGE_TO_WORKER);

/** Whether a value received by the page from its store worker is one of the worker's messages. */
export const isWorkerToPage = unionReader<WorkerToPage>(WORKER_TO_PAGE);

/** Whether a message's data is a store handed over by client.share(): the kind and the
 *  transferable parts are checked, so a receiver may attach it. */
export const isShareMessage = unionReader<ShareMessage>({ share: (m) => carriesStore(m) && isPort(m.control) });
