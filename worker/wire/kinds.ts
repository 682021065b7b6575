// Every message kind on webtmem's postMessage channels, and the channel it travels on. Each
// channel keeps its messages, unions and readers in a file of its own here; this table is the
// one list of their kinds, checked against the unions by the compiler: a kind missing, one no
// union has, or one filed under the wrong channel does not compile (and test/unit/wire.test.ts
// checks that no kind is on two channels).
// The frontswap channel is comlink's (./frontswap.ts), with no kinds of webtmem's.
import type { CleancachePortKind } from './cleancache-port.js';
import type { ServiceWorkerKind } from './service-worker.js';
import { isFields, isString } from './shape.js';
import type { StoreWorkerKind } from './store-worker.js';

/** Any kind of any webtmem channel. */
export type WireKind = StoreWorkerKind | ServiceWorkerKind | CleancachePortKind;

/** The channels, named after their files in worker/wire/. */
export type Channel = 'store-worker' | 'service-worker' | 'cleancache-port';

type ChannelOf<K extends WireKind> =
  K extends StoreWorkerKind ? 'store-worker' : K extends ServiceWorkerKind ? 'service-worker' : 'cleancache-port';

/** Each kind's channel. 'share' goes from the page to an app worker or iframe, with the store
 *  the store worker made; 'sw-stats' names both the request and its reply. */
export const WIRE_KINDS = {
  init: 'store-worker',
  ping: 'store-worker',
  pong: 'store-worker',
  ready: 'store-worker',
  failed: 'store-worker',
  fatal: 'store-worker',
  stats: 'store-worker',
  budget: 'store-worker',
  share: 'store-worker',
  'sw-stats': 'service-worker',
  'cc-port': 'service-worker',
  'cc-loaded': 'service-worker',
  'cc-bye': 'service-worker',
  'cc-need-port': 'service-worker',
  claim: 'service-worker',
  claimed: 'service-worker',
  'cc-lookup': 'cleancache-port',
  'cc-found': 'cleancache-port',
  'cc-put': 'cleancache-port',
  'cc-stored': 'cleancache-port',
  'cc-flush': 'cleancache-port',
  'cc-flushed': 'cleancache-port',
} as const satisfies { [K in WireKind]: ChannelOf<K> };

/** Whether a string is one of webtmem's kinds. */
export const isWireKind = (kind: string): kind is WireKind => Object.hasOwn(WIRE_KINDS, kind);

/**
 * The kind of a message on any webtmem channel, before its fields are checked (a receiver
 * tells its own messages from an app's this way, then reads them with its channel's reader).
 * @param data a received message's data
 * @returns the kind, or undefined for a message that is not webtmem's
 */
export function kindOf(data: unknown): WireKind | undefined {
  return isFields(data) && isString(data.webtmem) && isWireKind(data.webtmem) ? data.webtmem : undefined;
}
