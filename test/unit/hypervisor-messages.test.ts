// The page <-> store worker wire: each direction's reader accepts its own kinds only, so an
// app's messages on the same port (or the other direction's) are left alone, and a share
// message is accepted only with the parts a receiver attaches.
import { describe, expect, it } from 'vitest';
import { isPageToWorker, isShareMessage, isWorkerToPage, kindOf } from '../../worker/hypervisor/messages.js';
import { createLifecycle } from '../../worker/handle/lifecycle.js';

describe('messages', () => {
  it('kindOf reads the webtmem kind, undefined for anything else', () => {
    expect(kindOf({ webtmem: 'ready' })).toBe('ready');
    for (const other of [null, undefined, 3, 'ready', {}, { webtmem: 3 }, { type: 'ready' }]) expect(kindOf(other)).toBeUndefined();
  });

  it('each direction accepts its own kinds only', () => {
    for (const kind of ['ready', 'failed', 'fatal', 'stats', 'budget', 'pong']) {
      expect(isWorkerToPage({ webtmem: kind })).toBe(true);
      expect(isPageToWorker({ webtmem: kind })).toBe(false);
    }
    for (const kind of ['init', 'ping']) {
      expect(isPageToWorker({ webtmem: kind })).toBe(true);
      expect(isWorkerToPage({ webtmem: kind })).toBe(false);
    }
    for (const foreign of [{ webtmem: 'share' }, { webtmem: 'cc-lookup' }, { hello: 'world' }, null]) {
      expect(isPageToWorker(foreign)).toBe(false);
      expect(isWorkerToPage(foreign)).toBe(false);
    }
  });

  it('a share message needs the store, its lifecycle and a control port', () => {
    const { port1 } = new MessageChannel();
    const good = { webtmem: 'share', buffer: new SharedArrayBuffer(64), lifecycle: createLifecycle(true), lockName: null, control: port1 };
    expect(isShareMessage(good)).toBe(true);
    expect(isShareMessage({ ...good, lockName: 'webtmem-store-1' })).toBe(true);
    expect(isShareMessage({ ...good, buffer: new ArrayBuffer(64) })).toBe(false);
    expect(isShareMessage({ ...good, control: {} })).toBe(false);
    expect(isShareMessage({ ...good, lockName: 7 })).toBe(false);
    expect(isShareMessage({ ...good, webtmem: 'ready' })).toBe(false);
    port1.close();
  });
});
