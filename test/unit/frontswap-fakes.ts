// A frontswap area run for real in Node: openFrontswap, Frontswap, DiskLink, FrontswapHost and
// AreaDiskService over a real MessageChannel, on a real StoreHandle. Only what Node lacks is
// faked: IndexedDB (./frontswap-fake-log.ts) and Web Locks (FakeLocks here).
import { vi } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { createLifecycle } from '../../worker/handle/lifecycle.js';
import { StoreHandle, type ControlLink } from '../../worker/handle/store-handle.js';
import { FrontswapHost } from '../../worker/frontswap/index.js';
import { openFrontswap } from '../../app/frontswap/open.js';
import type { Frontswap, FrontswapClient, FrontswapOptions } from '../../app/frontswap/index.js';

export { logs } from './frontswap-fake-log.js';

export const PS = 4096;

/** navigator.locks as takeAreaLock uses it (ifAvailable only); `held` names the locks held. */
export class FakeLocks {
  readonly held = new Set<string>();

  request(name: string, options: { ifAvailable?: boolean }, grant: (lock: { name: string } | null) => Promise<void> | undefined): Promise<void> {
    if (this.held.has(name)) {
      if (!options.ifAvailable) throw new Error('FakeLocks: waiting for a lock is not modelled');
      return Promise.resolve(grant(null));
    }
    this.held.add(name);
    return Promise.resolve(grant({ name })).finally(() => this.held.delete(name));
  }
}

/** A store handle whose close (the page's close(), for every thread) the test calls. */
export class TestHandle extends StoreHandle {
  closeAll(): void { this.closeForAll('closed by the test'); }
}

/** A fresh store of `frames` pages: its handle, the host serving its areas' disks, Web Locks
 *  for its areas (installed as navigator.locks), open() for an area (no automatic writeback,
 *  no batching delay), and otherThread() for another thread's handle on the same store. */
export function setupStore(frames = 64) {
  const buffer = createStore({ capacityBytes: frames * PS, shared: true });
  const lifecycle = createLifecycle(true);
  // Areas reach the host through ports of their own, never through the control plane.
  const thread = () => new TestHandle({ store: attach(buffer), lifecycle, control: {} as ControlLink, lockName: null });
  const handle = thread();
  const host = new FrontswapHost(() => undefined);
  const locks = new FakeLocks();
  vi.stubGlobal('navigator', { locks });
  const client = handle as unknown as FrontswapClient;
  const open = (name: string, options?: FrontswapOptions): Promise<Frontswap> =>
    openFrontswap(client, async (port) => host.connect(port), name, { writeback: false, flushDelayMs: 0, ...options });
  return { handle, host, locks, open, otherThread: thread };
}

/** A page of `value` bytes. */
export const page = (value: number): Uint8Array => new Uint8Array(PS).fill(value);

/** 'resolved', or the TmemError code a promise rejected with. */
export const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(() => 'resolved', (e: unknown) => (e as { code?: string })?.code ?? `rejected: ${String(e)}`);
