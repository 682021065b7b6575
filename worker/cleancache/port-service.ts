// Answers the service worker's cleancache requests on one MessagePort. Runs where the tab's
// store is attached: the store worker (registered through hypervisor.servicePorts), or the
// page itself in 'local' mode. The service worker sends puts (copies of what it served or
// kept, for page-side hits) and flushes; a lookup is answered too, for a host service worker
// that wants the tab's copy. Every request gets exactly one reply, so the service worker's
// bounded wait ends early on an answer and only a dead port costs it the full timeout. A
// message that is not one of its requests (worker/wire/cleancache-port.ts) is left alone.
import type { ResourceRecord } from './record/index.js';
import type { Cleancache } from './cleancache.js';
import { isToService, type FromService, type PutResult } from '../wire/cleancache-port.js';

/**
 * Starts serving `port` with `cleancache`.
 * @param port one end of the page's MessageChannel; the other is the service worker's
 * @param cleancache the tier to read and write
 * @param onError told of a request that threw (the reply is then a miss or 'failed')
 * @returns a function that stops serving and closes the port
 */
export function serveCleancachePort(port: MessagePort, cleancache: Cleancache, onError?: (e: unknown) => void): () => void {
  const reply = (message: FromService, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const onMessage = (event: MessageEvent) => {
    const m: unknown = event.data;
    if (!isToService(m)) return;
    if (m.webtmem === 'cc-lookup') {
      let record: ResourceRecord | null = null;
      try {
        record = cleancache.lookup(m.url, new Headers(m.headers));
      } catch (e) {
        onError?.(e);
      }
      // A body with a buffer of its own (a fresh copy per read) is moved, not copied. One that
      // views a pooled buffer (the page's cleancache in 'local' mode) is copied out first:
      // moving the pool's buffer would empty other hits, and cloning it would send all of it.
      if (record && (record.body.byteOffset !== 0 || record.body.byteLength !== record.body.buffer.byteLength)) {
        record = { ...record, body: record.body.slice() };
      }
      reply({ webtmem: 'cc-found', id: m.id, record }, record ? [record.body.buffer] : []);
    } else if (m.webtmem === 'cc-put') {
      let result: PutResult = 'failed';
      try {
        result = cleancache.put(m.record, m.vary);
      } catch (e) {
        onError?.(e);
      }
      reply({ webtmem: 'cc-stored', id: m.id, result });
    } else {
      try {
        cleancache.flush(m.url, new Headers(m.headers));
      } catch (e) {
        onError?.(e);
      }
      reply({ webtmem: 'cc-flushed', id: m.id });
    }
  };
  port.addEventListener('message', onMessage);
  port.start();
  return () => {
    port.removeEventListener('message', onMessage);
    port.close();
  };
}
