// The service worker's configuration round trip and its links to the tabs' stores: replies
// matched by id, a silent port bounded by the timeout and dropped, a missing port asked for
// (at most once a second). Time is a ManualClock the tests move: no bound here waits on the
// wall clock.
import { describe, expect, it } from 'vitest';
import { readConfig, serviceWorkerUrl, parseMemory, DEFAULT_MEMORY_BYTES, DEFAULT_PORT_TIMEOUT_MS } from '../../sw/config.js';
import { StoreLink } from '../../sw/store-link.js';
import { ManualClock } from './manual-clock.js';

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
    expect(c.memoryBytes).toBe(DEFAULT_MEMORY_BYTES);
    expect(readConfig(new URL(serviceWorkerUrl('https://site.test/tmem-sw.js', { memory: '8MiB' })).search).memoryBytes).toBe(8 * 1024 * 1024);
    expect(c.fillOnInstall).toBe(false);
    const filling = serviceWorkerUrl('https://site.test/tmem-sw.js', { fillOnInstall: true });
    expect(new URL(filling).searchParams.get('fill')).toBe('1');
    expect(readConfig(new URL(filling).search).fillOnInstall).toBe(true);
  });

  it('data-memory: a size in 1 MiB..4 GiB, else the default with a clear error', () => {
    expect(parseMemory(null)).toEqual({ value: DEFAULT_MEMORY_BYTES });
    expect(parseMemory('16MB')).toEqual({ value: 16_000_000 });
    expect(parseMemory('1MiB')).toEqual({ value: 1_048_576 });
    expect(parseMemory('1MB').error).toBe('webtmem: data-memory="1MB" is not a size between 1 MiB and 4 GiB (e.g. "32MB"); using 32 MiB');
    for (const bad of ['lots', '10KB', '9GB', '-1MB']) {
      const parsed = parseMemory(bad);
      expect(parsed.value).toBe(DEFAULT_MEMORY_BYTES);
      expect(parsed.error).toMatch(/data-memory=.*not a size/);
    }
    expect(readConfig('?memory=lots').memoryBytes).toBe(DEFAULT_MEMORY_BYTES);
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
    clients: {
      get: async (id: string) => (id.startsWith('gone') ? undefined : {
        type: id.startsWith('worker') ? 'worker' : 'window', postMessage: (message: unknown) => posted.push({ id, message }),
      }),
    },
  };
}

/** A port whose other end answers every request with its flush reply. */
function answeringPort(): MessageChannel {
  const channel = new MessageChannel();
  channel.port2.onmessage = (e) => channel.port2.postMessage({ webtmem: 'cc-flushed', id: e.data.id });
  return channel;
}

/** Checks that `reply` waits on one timer of `ms`: unsettled a millisecond before, settled
 *  at it. */
async function boundedBy<T>(clock: ManualClock, reply: Promise<T>, ms: number): Promise<T> {
  let done = false;
  void reply.finally(() => { done = true; });
  await expect.poll(() => clock.pending).toBe(1);
  clock.advance(ms - 1);
  await Promise.resolve();
  expect(done).toBe(false);
  clock.advance(1);
  return reply;
}

const FLUSH = { webtmem: 'cc-flush', url: 'https://x.test/', headers: [] as [string, string][] } as const;
const LOOKUP = { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] as [string, string][] } as const;

describe('StoreLink', () => {
  it('matches replies by id on the client\'s own port', async () => {
    const { clients } = fakeClients();
    const link = new StoreLink(clients, 200, new ManualClock());
    const { port1, port2 } = answeringPort();
    link.addPort('tab-1', port1);
    const reply = await link.request('tab-1', FLUSH);
    expect(reply).toEqual({ webtmem: 'cc-flushed', id: 1 });
    expect(link.stats).toMatchObject({ ports: 1, requests: 1, timeouts: 0 });
    port1.close();
    port2.close();
  });

  it('ignores a reply that is not one of the service\'s, and takes the real one', async () => {
    const { clients } = fakeClients();
    const link = new StoreLink(clients, 200, new ManualClock());
    const { port1, port2 } = new MessageChannel();
    port2.onmessage = (e) => {
      port2.postMessage({ webtmem: 'cc-flushed' });
      port2.postMessage({ webtmem: 'cc-stored', id: e.data.id, result: 'kept' });
      port2.postMessage({ webtmem: 'cc-flushed', id: e.data.id });
    };
    link.addPort('tab-1', port1);
    expect(await link.request('tab-1', FLUSH)).toEqual({ webtmem: 'cc-flushed', id: 1 });
    port1.close();
    port2.close();
  });

  it('bounds a silent port by the timeout, and drops it after a second silence', async () => {
    const { clients } = fakeClients();
    const clock = new ManualClock();
    const link = new StoreLink(clients, 30, clock);
    const { port1, port2 } = new MessageChannel();
    link.addPort('tab-1', port1);
    for (const [timeouts, ports] of [[1, 1], [2, 0]]) {
      expect(await boundedBy(clock, link.request('tab-1', LOOKUP), 30)).toBeNull();
      expect(link.stats).toMatchObject({ ports, timeouts });
    }
    port2.close();
  });

  it('asks a client without a port for one and waits for it, bounded; a gone client is not waited for', async () => {
    const { clients, posted } = fakeClients();
    const clock = new ManualClock();
    const link = new StoreLink(clients, 2000, clock);
    const { port1, port2 } = answeringPort();
    const first = link.request('tab-2', FLUSH);
    await expect.poll(() => posted.length).toBe(1);
    link.addPort('tab-2', port1);
    expect(await first).toMatchObject({ webtmem: 'cc-flushed' });
    expect(posted).toEqual([{ id: 'tab-2', message: { webtmem: 'cc-need-port' } }]);
    // A client that does not send one in time: null once the bound has passed, not before,
    // and nothing of the wait is kept (a client that never links must not gather waiters).
    const late = link.request('tab-9', FLUSH, [], 50);
    await expect.poll(() => link.stats.waitingClients).toBe(1);
    expect(await boundedBy(clock, late, 50)).toBeNull();
    expect(link.stats.waitingClients).toBe(0);
    // A client that no longer exists is not waited for: null with the clock standing still.
    expect(await link.request('gone-1', FLUSH)).toBeNull();
    port2.close();
  });

  it('a worker client is not waited for (it never sends a port), and a request made for it is never made', async () => {
    const { clients, posted } = fakeClients();
    const clock = new ManualClock();
    const link = new StoreLink(clients, 2000, clock);
    let made = 0;
    const make = () => { made++; return { message: FLUSH, transfer: [] }; };
    expect(await link.request('worker-1', make)).toBeNull();
    expect(await link.request('worker-1', make)).toBeNull(); // asked again within the second: still not waited for
    expect(await link.request('gone-2', make)).toBeNull();
    expect([made, posted.length, link.stats.waitingClients, clock.pending]).toEqual([0, 0, 0, 0]);
    // A window's request is made once its port is there.
    const { port1, port2 } = answeringPort();
    const reply = link.request('tab-5', make);
    await expect.poll(() => posted.length).toBe(1);
    expect(made).toBe(0);
    link.addPort('tab-5', port1);
    expect(await reply).toMatchObject({ webtmem: 'cc-flushed' });
    expect(made).toBe(1);
    port2.close();
  });

  it('asks one client for a port at most once a second', async () => {
    const { clients, posted } = fakeClients();
    const clock = new ManualClock();
    const link = new StoreLink(clients, 10, clock);
    const ask = async () => expect(await boundedBy(clock, link.request('tab-3', FLUSH), 10)).toBeNull();
    await ask();
    clock.advance(900);
    await ask();
    expect(posted).toHaveLength(1);
    clock.advance(100);
    await ask();
    expect(posted).toHaveLength(2);
  });

  it('requestAll reaches every tab with a port and counts the answers', async () => {
    const { clients } = fakeClients();
    const clock = new ManualClock();
    const link = new StoreLink(clients, 100, clock);
    const answering = answeringPort();
    const silent = new MessageChannel();
    link.addPort('tab-a', answering.port1);
    link.addPort('tab-b', silent.port1);
    const count = link.requestAll(FLUSH);
    // The answering tab's reply clears its timer; the silent one's stays until time passes.
    await expect.poll(() => clock.pending).toBe(1);
    clock.advance(100);
    expect(await count).toBe(1);
    expect(link.stats).toMatchObject({ requests: 2, timeouts: 1 });
    answering.port2.close();
    silent.port2.close();
  });

  it('a port\'s hook posts before the requests that waited for that port', async () => {
    const { clients } = fakeClients();
    const link = new StoreLink(clients, 2000, new ManualClock());
    const { port1, port2 } = new MessageChannel();
    const seen: string[] = [];
    port2.onmessage = (e) => {
      seen.push(e.data.webtmem === 'cc-flush' ? `flush ${e.data.url}` : e.data.webtmem);
      port2.postMessage({ webtmem: e.data.webtmem === 'cc-flush' ? 'cc-flushed' : 'cc-stored', id: e.data.id, result: 'stored' });
    };
    link.onPort((clientId) => { void link.sendNow(clientId, { webtmem: 'cc-flush', url: 'https://s.test/cart', headers: [] }); });
    const waiting = link.request('tab-4', { webtmem: 'cc-put', record: {} as never, vary: [] });
    await Promise.resolve();
    link.addPort('tab-4', port1);
    expect(await waiting).toMatchObject({ webtmem: 'cc-stored' });
    expect(seen).toEqual(['flush https://s.test/cart', 'cc-put']);
    expect(await link.sendNow('no-port', FLUSH)).toBeNull();
    port2.close();
  });

  it('requestAll, just after start-up, waits for the open tabs to be asked for their ports', async () => {
    const { clients } = fakeClients();
    const link = new StoreLink(clients, 2000, new ManualClock());
    let listed!: (ids: string[]) => void;
    link.askAll(new Promise<string[]>((r) => { listed = r; }));
    const count = link.requestAll(FLUSH);
    const { port1, port2 } = answeringPort();
    link.addPort('tab-5', port1); // it answered the start-up's ask
    listed(['tab-5']);
    expect(await count).toBe(1);
    port2.close();
  });
});

