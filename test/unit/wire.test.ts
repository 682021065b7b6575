// The wire (worker/wire/): each channel's reader accepts every kind of its own direction, with
// the fields checked, and refuses a message with a field missing or of the wrong type, the
// other direction's kinds, and an app's own messages; kinds are one per channel. The cleancache
// service and the frontswap disk service refuse what their reader refuses.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createStore, attach } from '../../worker/core/index.js';
import { Cleancache, serveCleancachePort } from '../../worker/cleancache/index.js';
import { resourceKey, toRecord } from '../../worker/cleancache/record/index.js';
import { TmemError } from '../../worker/core/errors.js';
import { AreaDiskService } from '../../worker/frontswap/area-disk-service.js';
import { createLifecycle } from '../../worker/handle/lifecycle.js';
import { isFromService, isResourceRecord, isToService, type CleancachePortKind } from '../../worker/wire/cleancache-port.js';
import { AREA_HOLDER_LOCK_PREFIX, isAreaOpenRequest, isAreaWatch } from '../../worker/wire/frontswap.js';
import { kindOf, WIRE_KINDS } from '../../worker/wire/kinds.js';
import { isPageToServiceWorker, isServiceWorkerToPage, type ServiceWorkerKind } from '../../worker/wire/service-worker.js';
import { isPageToWorker, isShareMessage, isWorkerToPage, type StoreWorkerKind } from '../../worker/wire/store-worker.js';

type Message = Record<string, unknown>;
type Reader = (data: unknown) => boolean;

const { port1, port2 } = new MessageChannel();
port1.close();
port2.close();
const sab = () => new SharedArrayBuffer(64);
const budget = {
  reason: 'initial', pageSize: 4096, totalFrames: 16, ownerFrames: 16, ownerBytes: 65536, budgetFrames: 16,
  budgetBytes: 65536, usedFrames: 0, persistentFrames: 0, underPressure: false,
};
const record = () => toRecord(
  resourceKey('https://site.test/a.css', [], new Headers()),
  { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'text/css' }) },
  new Uint8Array(100).fill(1), { requestTime: 1, responseTime: 2 }, 0,
);

/** Each reader with one good message of every kind it takes; `free` names fields any value
 *  of which is accepted (a ping's echoed data, the service worker's configuration), `optional`
 *  fields that may be left out (a claim's error). */
const CHANNELS: { name: string; read: Reader; good: Message[]; free?: string[]; optional?: string[] }[] = [
  {
    name: 'page → store worker', read: isPageToWorker, free: ['data'],
    good: [{ webtmem: 'init', options: { capacityBytes: 1 << 20 }, control: port1 }, { webtmem: 'ping', id: 1, data: { any: 'thing' } }],
  },
  {
    name: 'store worker → page', read: isWorkerToPage, free: ['data'],
    good: [
      { webtmem: 'ready', buffer: sab(), lifecycle: createLifecycle(true), lockName: 'webtmem-store-1', budget },
      { webtmem: 'failed', error: { name: 'TmemError', code: 'bad-options', message: 'no' } },
      { webtmem: 'fatal', message: 'boom' },
      { webtmem: 'stats', snapshot: { time: 1, seq: 1 } },
      { webtmem: 'budget', budget },
      { webtmem: 'pong', id: 3 },
    ],
  },
  { name: 'page → app worker (share)', read: isShareMessage, good: [{ webtmem: 'share', buffer: sab(), lifecycle: createLifecycle(true), lockName: null, control: port1 }] },
  {
    name: 'page → service worker', read: isPageToServiceWorker, optional: ['loaded'],
    good: [{ webtmem: 'sw-stats' }, { webtmem: 'cc-port', port: port2, loaded: ['https://site.test/a.css'] }, { webtmem: 'cc-loaded', urls: ['https://site.test/a.css'] }, { webtmem: 'cc-bye' }, { webtmem: 'claim' }],
  },
  {
    name: 'service worker → page', read: isServiceWorkerToPage, free: ['config'], optional: ['error'],
    good: [
      { webtmem: 'cc-need-port' },
      { webtmem: 'sw-stats', stats: { memory: { lookups: 0 }, handler: { memoryHits: 0 } }, config: {} },
      { webtmem: 'claimed', ok: false, error: 'refused' },
    ],
  },
  {
    name: 'service worker → cleancache service', read: isToService,
    good: [
      { webtmem: 'cc-lookup', id: 1, url: 'https://site.test/a.css', headers: [['accept', '*/*']] },
      { webtmem: 'cc-put', id: 2, vary: [], record: record() },
      { webtmem: 'cc-flush', id: 3, url: 'https://site.test/a.css', headers: [] },
    ],
  },
  {
    name: 'cleancache service → service worker', read: isFromService,
    good: [
      { webtmem: 'cc-found', id: 1, record: record() },
      { webtmem: 'cc-found', id: 1, record: null },
      { webtmem: 'cc-stored', id: 2, result: 'too-large' },
      { webtmem: 'cc-flushed', id: 3 },
    ],
  },
];

/** A value of another type than `v` (null and strings become a number, the rest a string). */
const wrongType = (v: unknown): unknown => (v === null || typeof v === 'string' ? 7 : 'wrong');

describe('wire readers', () => {
  for (const { name, read, good, free = [], optional = [] } of CHANNELS) {
    describe(name, () => {
      it('accepts every kind of its own', () => {
        for (const m of good) expect(read(m), JSON.stringify(m.webtmem)).toBe(true);
      });

      it('refuses a message with a field missing or of the wrong type', () => {
        for (const m of good) {
          for (const field of Object.keys(m).filter((f) => f !== 'webtmem' && !free.includes(f))) {
            const { [field]: _, ...without } = m;
            expect(read(without), `${m.webtmem} without ${field}`).toBe(optional.includes(field));
            expect(read({ ...m, [field]: wrongType(m[field]) }), `${m.webtmem} with a wrong ${field}`).toBe(false);
          }
        }
      });

      it("refuses the other channels' kinds and an app's own messages", () => {
        const own = new Set(good.map((m) => m.webtmem));
        for (const other of CHANNELS.flatMap((c) => c.good)) {
          if (!own.has(other.webtmem)) expect(read(other), `${name} took ${other.webtmem}`).toBe(false);
        }
        for (const foreign of [null, undefined, 3, 'ready', [], {}, { webtmem: 3 }, { type: 'ready' }, { webtmem: 'toString' }]) {
          expect(read(foreign)).toBe(false);
        }
      });
    });
  }

  it('checks nested fields: the budget, the error, the record, the headers, the result', () => {
    const { underPressure: _, ...budgetWithout } = budget;
    expect(isWorkerToPage({ webtmem: 'budget', budget: budgetWithout })).toBe(false);
    expect(isWorkerToPage({ webtmem: 'budget', budget: { ...budget, budgetFrames: '16' } })).toBe(false);
    expect(isWorkerToPage({ webtmem: 'failed', error: { name: 'Error' } })).toBe(false);
    expect(isWorkerToPage({ webtmem: 'failed', error: { name: 'Error', message: 'm', code: 5 } })).toBe(false);
    expect(isWorkerToPage({ webtmem: 'ready', buffer: new ArrayBuffer(64), lifecycle: sab(), lockName: null, budget })).toBe(false);
    expect(isShareMessage({ webtmem: 'share', buffer: sab(), lifecycle: sab(), lockName: null, control: {} })).toBe(false);
    const rec = record();
    expect(isResourceRecord(rec)).toBe(true);
    expect(isResourceRecord({ ...rec, body: rec.body.buffer })).toBe(false);
    expect(isResourceRecord({ ...rec, kind: 'vary' })).toBe(false);
    expect(isResourceRecord({ ...rec, headers: [['a']] })).toBe(false);
    expect(isToService({ webtmem: 'cc-lookup', id: 1, url: 'u', headers: [['a', 1]] })).toBe(false);
    expect(isToService({ webtmem: 'cc-lookup', id: -1, url: 'u', headers: [] })).toBe(false);
    expect(isToService({ webtmem: 'cc-lookup', id: 1.5, url: 'u', headers: [] })).toBe(false);
    expect(isToService({ webtmem: 'cc-put', id: 1, vary: [3], record: rec })).toBe(false);
    expect(isFromService({ webtmem: 'cc-stored', id: 1, result: 'kept' })).toBe(false);
    expect(isServiceWorkerToPage({ webtmem: 'sw-stats', stats: { handler: {} }, config: {} })).toBe(false);
    expect(isServiceWorkerToPage({ webtmem: 'claimed', ok: true, error: 3 })).toBe(false);
    expect(isPageToServiceWorker({ webtmem: 'cc-port', port: port2, loaded: ['https://site.test/a.css', 3] })).toBe(false);
    expect(isPageToServiceWorker({ webtmem: 'cc-loaded', urls: ['https://site.test/a.css', null] })).toBe(false);
  });
});

describe('kinds', () => {
  it('kindOf reads a webtmem kind of any channel, undefined for anything else', () => {
    for (const kind of Object.keys(WIRE_KINDS)) expect(kindOf({ webtmem: kind })).toBe(kind);
    for (const other of [null, undefined, 3, 'ready', {}, { webtmem: 3 }, { type: 'ready' }, { webtmem: 'hello' }, { webtmem: 'hasOwnProperty' }]) {
      expect(kindOf(other)).toBeUndefined();
    }
  });

  it('every kind a reader accepts is in the table, under its channel', () => {
    const channelOf: Record<string, string> = {
      'page → store worker': 'store-worker', 'store worker → page': 'store-worker', 'page → app worker (share)': 'store-worker',
      'page → service worker': 'service-worker', 'service worker → page': 'service-worker',
      'service worker → cleancache service': 'cleancache-port', 'cleancache service → service worker': 'cleancache-port',
    };
    const table: Record<string, string> = WIRE_KINDS;
    for (const { name, good } of CHANNELS) for (const m of good) expect(table[String(m.webtmem)], String(m.webtmem)).toBe(channelOf[name]);
    expect(new Set(CHANNELS.flatMap((c) => c.good.map((m) => m.webtmem)))).toEqual(new Set(Object.keys(WIRE_KINDS)));
  });

  it('no kind is on two channels', () => {
    expectTypeOf<StoreWorkerKind & ServiceWorkerKind>().toBeNever();
    expectTypeOf<StoreWorkerKind & CleancachePortKind>().toBeNever();
    expectTypeOf<ServiceWorkerKind & CleancachePortKind>().toBeNever();
  });
});

describe('receivers refuse what the reader refuses', () => {
  it('the cleancache service leaves a malformed request unanswered and answers the next good one', async () => {
    const cc = new Cleancache(attach(createStore({ capacityBytes: 1 << 20 })));
    const channel = new MessageChannel();
    const stop = serveCleancachePort(channel.port1, cc);
    const replies: unknown[] = [];
    channel.port2.onmessage = (e) => replies.push(e.data);
    channel.port2.postMessage({ webtmem: 'cc-put', id: 1, vary: [], record: { ...record(), body: 'not bytes' } });
    channel.port2.postMessage({ webtmem: 'cc-lookup', id: 2, url: 'https://site.test/a.css' });
    channel.port2.postMessage({ webtmem: 'cc-lookup', id: 3, url: 'https://site.test/a.css', headers: [] });
    await expect.poll(() => replies.length).toBe(1);
    expect(replies).toEqual([{ webtmem: 'cc-found', id: 3, record: null }]);
    expect(cc.stats()).toMatchObject({ puts: 0, lookups: 1, resources: 0 });
    stop();
    channel.port2.close();
  });

  it('what an area sends with its port is checked: a holder lock name with its prefix, a pool id from 0', () => {
    const lock = `${AREA_HOLDER_LOCK_PREFIX}a:1`;
    expect(isAreaWatch({ holderLock: lock })).toBe(true);
    expect(isAreaWatch({ holderLock: lock, poolId: 0 })).toBe(true);
    for (const bad of [null, 'x', {}, { holderLock: 'webtmem-area-disk:a' }, { holderLock: lock, poolId: -1 }, { holderLock: lock, poolId: 2.5 }, { holderLock: lock, poolId: '1' }]) {
      expect(isAreaWatch(bad)).toBe(false);
    }
  });

  it('the frontswap disk service refuses a malformed open request (bad-options) and stays unopened', async () => {
    expect(isAreaOpenRequest({ name: 'a', durable: false, pageSize: 4096 })).toBe(true);
    expect(isAreaOpenRequest({ name: 'a', durable: true, pageSize: 4096, recordBytes: 65536 })).toBe(true);
    expect(isAreaOpenRequest({ name: 'a', durable: true, pageSize: 4096, poolId: 0 })).toBe(true);
    const bad = [
      { name: 'a', durable: false, pageSize: 4096, poolId: -1 }, { name: 'a', durable: false, pageSize: 4096, poolId: 1.5 },
      { name: 'a', durable: false, pageSize: 4096, poolId: '2' },
      null, {}, { name: 'a', durable: 'no', pageSize: 4096 }, { name: 3, durable: false, pageSize: 4096 },
      { name: 'a', durable: false, pageSize: 0 }, { name: 'a', durable: false, pageSize: 4096.5 },
      { name: 'a', durable: false, pageSize: 4096, recordBytes: -1 },
    ];
    const service = new AreaDiskService(() => {}, () => {});
    for (const request of bad) {
      expect(isAreaOpenRequest(request)).toBe(false);
      const refused = await service.open(request as never).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TmemError);
      expect((refused as TmemError).code).toBe('bad-options');
    }
    expect(service.snapshot()).toBeNull();
  });
});
