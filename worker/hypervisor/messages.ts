// Messages on a store worker's own port and on the share channel (types and guards only). The
// control plane is not here: it is comlink on a MessagePort of its own (./control.ts). Every
// message carries `webtmem: <kind>` so that an app's own messages on the same port are left
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

/** Page → store worker and back: a liveness probe (the benchmark's round trip). `data` is
 *  echoed unchanged. */
export interface PingMessage {
  webtmem: 'ping' | 'pong';
  id: number;
  data?: unknown;
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

/** What the store worker posts to the page. */
export type WorkerToPage = ReadyMessage | FailedMessage | FatalMessage | StatsMessage | BudgetMessage | PingMessage;

/** The `webtmem` kind of a message, or undefined for a message that is not ours. */
export function kindOf(data: unknown): string | undefined {
  if (data && typeof data === 'object') {
    const kind = (data as { webtmem?: unknown }).webtmem;
    if (typeof kind === 'string') return kind;
  }
  return undefined;
}
