// Options of the store and its hypervisor, checked once before anything is created: on the page
// (so bad input fails before a worker starts) and again in the store worker (which trusts no
// message). The core checks what it owns (page size, pool count) and reports 'bad-options'.
import { TmemError } from '../core/errors.js';

/** Options of the pressure policy (see ./pressure.ts). */
export interface PressureOptions {
  /** Fraction (0..1) of the ephemeral share given up while the page is hidden, frozen or being
   *  unloaded. Default 0.5. 0 counts the events but never shrinks. */
  fraction?: number;
  /** Milliseconds a page must stay hidden before the shrink. Default 5000. Freeze and pagehide
   *  shrink at once: a frozen page's workers stop too, so a timer would never fire. */
  delayMs?: number;
}

/** What the store worker (or local mode's in-page hypervisor) is started with. */
export interface StoreWorkerOptions {
  /** Bytes of page frames the store is created with (its maximum). Default: see
   *  {@link defaultCapacityBytes}. */
  capacityBytes?: number;
  /** Initial budget in bytes (0..capacityBytes). Default: the whole capacity. */
  budgetBytes?: number;
  /** Page size, a power of two in 512..65536. Default 4096. */
  pageSize?: number;
  /** Pool ids in the store. Default: the core's (64). */
  maxPools?: number;
  /** Pressure policy; false turns it off (events are still counted). */
  pressure?: PressureOptions | false;
  /** Milliseconds between two published stats snapshots. Default 200 (5 per second). 0 stops
   *  publishing. */
  statsIntervalMs?: number;
}

/** {@link StoreWorkerOptions} with every default filled in. */
export interface ResolvedOptions {
  capacityBytes: number;
  budgetBytes: number;
  pageSize: number;
  maxPools: number | undefined;
  pressure: { fraction: number; delayMs: number } | null;
  statsIntervalMs: number;
}

const MiB = 1 << 20;

/**
 * The default capacity: 1/64 of the device memory that `navigator.deviceMemory` reports
 * (Chromium only, coarse: 0.25..8 GiB), clamped to 16..128 MiB; 64 MiB when it is unknown.
 * So an 8 GiB laptop gets 128 MiB, a 2 GiB phone 32 MiB.
 * @param deviceMemoryGiB `navigator.deviceMemory`, or undefined where the browser hides it.
 */
export function defaultCapacityBytes(deviceMemoryGiB: number | undefined): number {
  if (typeof deviceMemoryGiB !== 'number' || !(deviceMemoryGiB > 0)) return 64 * MiB;
  const bytes = Math.floor((deviceMemoryGiB * 1024 * MiB) / 64);
  return Math.min(128 * MiB, Math.max(16 * MiB, bytes));
}

/** `navigator.deviceMemory` where it exists (it is missing from lib.dom and from most browsers). */
export function deviceMemory(): number | undefined {
  const nav = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator;
  return typeof nav?.deviceMemory === 'number' ? nav.deviceMemory : undefined;
}

function bad(message: string): never {
  throw new TmemError('bad-options', message);
}

/** The longest delay a timer keeps: setTimeout and setInterval run a longer one at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay for a timer: a finite number of ms in 0..MAX_TIMER_MS. */
export function timerDelay(name: string, value: unknown): number {
  const ms = nonNegative(name, value, false);
  if (ms > MAX_TIMER_MS) bad(`${name} must be at most ${MAX_TIMER_MS} ms (a timer runs a longer delay at once), got ${ms}`);
  return ms;
}

/** A bound on a wait: ms in (0, MAX_TIMER_MS], or Infinity for none (no timer is set). */
export function waitBound(name: string, value: unknown): number {
  if (value === Infinity) return value;
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMER_MS) {
    bad(`${name} must be a number of ms in (0, ${MAX_TIMER_MS}], or Infinity to wait without bound; got ${String(value)}`);
  }
  return value;
}

function nonNegative(name: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    bad(`${name} must be a finite ${integer ? 'integer' : 'number'} >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks options and fills in defaults.
 * @param input options as the caller gave them (anything: they may come from a message).
 * @param deviceMemoryGiB `navigator.deviceMemory`, for the default capacity.
 * @throws TmemError 'bad-options' naming the first bad field.
 */
export function resolveOptions(input: unknown, deviceMemoryGiB: number | undefined): ResolvedOptions {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object') bad(`options must be an object, got ${typeof input}`);
  const o = input as Record<string, unknown>;
  const capacityBytes =
    o.capacityBytes === undefined ? defaultCapacityBytes(deviceMemoryGiB) : nonNegative('capacityBytes', o.capacityBytes, true);
  if (capacityBytes === 0) bad('capacityBytes must be > 0');
  const pageSize = o.pageSize === undefined ? 4096 : nonNegative('pageSize', o.pageSize, true);
  const budgetBytes = o.budgetBytes === undefined ? capacityBytes : nonNegative('budgetBytes', o.budgetBytes, true);
  if (budgetBytes > capacityBytes) bad(`budgetBytes (${budgetBytes}) exceeds capacityBytes (${capacityBytes})`);
  const maxPools = o.maxPools === undefined ? undefined : nonNegative('maxPools', o.maxPools, true);
  const statsIntervalMs = o.statsIntervalMs === undefined ? 200 : timerDelay('statsIntervalMs', o.statsIntervalMs);
  let pressure: ResolvedOptions['pressure'] = { fraction: 0.5, delayMs: 5000 };
  if (o.pressure === false) pressure = null;
  else if (o.pressure !== undefined) {
    if (typeof o.pressure !== 'object' || o.pressure === null) bad('pressure must be an object or false');
    const p = o.pressure as Record<string, unknown>;
    const fraction = p.fraction === undefined ? 0.5 : nonNegative('pressure.fraction', p.fraction, false);
    if (fraction > 1) bad(`pressure.fraction must be in 0..1, got ${fraction}`);
    const delayMs = p.delayMs === undefined ? 5000 : timerDelay('pressure.delayMs', p.delayMs);
    pressure = { fraction, delayMs };
  }
  return { capacityBytes, budgetBytes, pageSize, maxPools, pressure, statsIntervalMs };
}
