// The service worker's configuration round trip and its links to the tabs' stores: replies
// matched by id, a silent port bounded by the timeout and dropped, a missing port asked for.
// Time is vitest's fake clock: "bounded by the timeout" and "did not wait" are checked by
// moving it, not by reading the wall clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readConfig, serviceWorkerUrl, DEFAULT_PORT_TIMEOUT_MS } from '../../sw/config.js';
import { StoreLink } from '../../sw/store-link.js';

describe('service-worker configuration in its script URL', () => {
  it('round-trips the drop-in attributes', () => {
    const url = serviceWorkerUrl('https://site.test/dist/tmem-sw.js', {
      routes: '/img/*=cache-first; /api/*=network-first', offline: '/,/app.css', isolate: 'credentialless', capacity: '32MB',
    });
    const c = readConfig(new URL(url).search);
    expect(c.routes).toEqual([{ match: '/img/*', strategy: 'cache-first' }, { match: '/api/*', strategy: 'network-first' }]);
    expect(c.offline).toEqual(['/', '/app.css']);
    expect(c.isolate).toBe('credentialless');
    expect(c.capacityBytes).toBe(32_000_000);
    expect(c.portTimeoutMs).toBe(DEFAULT_PORT_TIMEOUT_MS);
  });

  it('falls back to defaults for malformed parts', () => {
    const c = readConfig('?isolate=maybe&capacity=lots&timeout=-3&routes=%2Fx%3Dfastest');
    expect(c).toMatchObject({ isolate: null, capacityBytes: 64 * 1024 * 1024, portTimeoutMs: DEFAULT_PORT_TIMEOUT_MS, routes: [] });
  });
});

function fakeClients() {
  const posted: { id: string; message: unknown }[] = [];
  return {
    posted,
    clients: { get: async (id: string) => (id.startsWith('gone') ? undefined : { postMessage: (message: unknown) => posted.push({ id, message }) }) },
  };
}

/** Whether `p` settles within `ms` of fake time. */
async function settlesWithin<T>(p: Promise<T>, ms: number): Promise<boolean> {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

afterEach(() => vi.useRealTimers());

describe('StoreLink', () => {
  it('matches replies by id on the client\'s own port', async () => {
    const { clients } = fakeClients();
    const link = new StoreLink(clients, 200);
    const { port1, port2 } = new MessageChannel();
    port2.onmessage = (e) => port2.postMessage({ webtmem: 'cc-flushed', id: e.data.id });
    link.addPort('tab-1', port1);
    const reply = await link.request('tab-1', { webtmem: 'cc-flush', url: 'https://x.test/', headers: [] });
    expect(reply).toEqual({ webtmem: 'cc-flushed', id: 1 });
    expect(link.stats).toMatchObject({ ports: 1, requests: 1, timeouts: 0 });
    port1.close();
    port2.close();
  });

  it('bounds a silent port by the timeout, and drops it after a second silence', async () => {
    const { clients } = fakeClients();
    vi.useFakeTimers();
    const link = new StoreLink(clients, 30);
    const { port1, port2 } = new MessageChannel();
    link.addPort('tab-1', port1);
    const first = link.request('tab-1', { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] });
    expect(await settlesWithin(first, 29)).toBe(false);
    expect(await settlesWithin(first, 1)).toBe(true);
    expect(await first).toBeNull();
    expect(link.stats).toMatchObject({ ports: 1, timeouts: 1 });
    const second = link.request('tab-1', { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] });
    expect(await settlesWithin(second, 30)).toBe(true);
    expect(await second).toBeNull();
    expect(link.stats).toMatchObject({ ports: 0, timeouts: 2 });
    port2.close();
  });

  it('asks a new client for a port without waiting; waits (bounded) only for clients open at a restart', async () => {
    const { clients, posted } = fakeClients();
    vi.useFakeTimers();
    const link = new StoreLink(clients, 2000);
    const asked = link.request('tab-2', { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] });
    expect(await settlesWithin(asked, 1)).toBe(true);
    expect(await asked).toBeNull();
    expect(posted).toEqual([{ id: 'tab-2', message: { webtmem: 'cc-need-port' } }]);

    // After a restart: the open tab is asked, and a request waits for its port.
    link.askAll(Promise.resolve(['tab-3', 'gone-1']));
    const { port1, port2 } = new MessageChannel();
    port2.onmessage = (e) => port2.postMessage({ webtmem: 'cc-flushed', id: e.data.id });
    const waiting = link.request('tab-3', { webtmem: 'cc-flush', url: 'https://x.test/', headers: [] });
    expect(await settlesWithin(waiting, 10)).toBe(false);
    link.addPort('tab-3', port1);
    vi.useRealTimers(); // the reply comes through a real MessageChannel
    expect(await waiting).toMatchObject({ webtmem: 'cc-flushed' });
    vi.useFakeTimers();
    // A client that no longer exists is not waited for.
    link.removeClient('tab-3');
    const gone = link.request('gone-1', { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] });
    expect(await settlesWithin(gone, 1)).toBe(true);
    expect(await gone).toBeNull();
    port2.close();
  });
});
