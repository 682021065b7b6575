// The service worker's configuration round trip and its links to the tabs' stores: replies
// matched by id, a silent port bounded by the timeout and dropped, a missing port asked for.
import { describe, expect, it } from 'vitest';
import { readConfig, serviceWorkerUrl, parseMemory, DEFAULT_MEMORY_BYTES, DEFAULT_PORT_TIMEOUT_MS } from '../../sw/config.js';
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
    expect(c.memoryBytes).toBe(DEFAULT_MEMORY_BYTES);
    expect(readConfig(new URL(serviceWorkerUrl('https://site.test/tmem-sw.js', { memory: '8MiB' })).search).memoryBytes).toBe(8 * 1024 * 1024);
  });

  it('data-memory: a size in 1MB..4GB, else the default with a clear error', () => {
    expect(parseMemory(null)).toEqual({ value: DEFAULT_MEMORY_BYTES });
    expect(parseMemory('16MB')).toEqual({ value: 16_000_000 });
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
    clients: { get: async (id: string) => (id.startsWith('gone') ? undefined : { postMessage: (message: unknown) => posted.push({ id, message }) }) },
  };
}

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
    const link = new StoreLink(clients, 30);
    const { port1, port2 } = new MessageChannel();
    link.addPort('tab-1', port1);
    const t0 = Date.now();
    expect(await link.request('tab-1', { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] })).toBeNull();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(link.stats).toMatchObject({ ports: 1, timeouts: 1 });
    expect(await link.request('tab-1', { webtmem: 'cc-lookup', url: 'https://x.test/', headers: [] })).toBeNull();
    expect(link.stats).toMatchObject({ ports: 0, timeouts: 2 });
    port2.close();
  });

  it('asks a client without a port for one and waits for it, bounded; a gone client is not waited for', async () => {
    const { clients, posted } = fakeClients();
    const link = new StoreLink(clients, 2000);
    const { port1, port2 } = new MessageChannel();
    port2.onmessage = (e) => port2.postMessage({ webtmem: 'cc-flushed', id: e.data.id });
    setTimeout(() => link.addPort('tab-2', port1), 10);
    expect(await link.request('tab-2', { webtmem: 'cc-flush', url: 'https://x.test/', headers: [] })).toMatchObject({ webtmem: 'cc-flushed' });
    expect(posted).toEqual([{ id: 'tab-2', message: { webtmem: 'cc-need-port' } }]);
    // A client that does not send one in time: null after the bound.
    const t0 = Date.now();
    expect(await link.request('tab-9', { webtmem: 'cc-flush', url: 'https://x.test/', headers: [] }, [], 50)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    // A client that no longer exists is not waited for.
    const t1 = Date.now();
    expect(await link.request('gone-1', { webtmem: 'cc-flush', url: 'https://x.test/', headers: [] })).toBeNull();
    expect(Date.now() - t1).toBeLessThan(1000);
    port2.close();
  });

  it('requestAll reaches every tab with a port and counts the answers', async () => {
    const { clients } = fakeClients();
    const link = new StoreLink(clients, 100);
    const answering = new MessageChannel();
    answering.port2.onmessage = (e) => answering.port2.postMessage({ webtmem: 'cc-flushed', id: e.data.id });
    const silent = new MessageChannel();
    link.addPort('tab-a', answering.port1);
    link.addPort('tab-b', silent.port1);
    expect(await link.requestAll({ webtmem: 'cc-flush', url: 'https://x.test/', headers: [] })).toBe(1);
    expect(link.stats).toMatchObject({ requests: 2, timeouts: 1 });
    answering.port2.close();
    silent.port2.close();
  });
});
