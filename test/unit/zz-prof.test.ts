import { it } from 'vitest';
import { attach, createStore } from '../../worker/core/index.js';
import { Cleancache, ResourceReader } from '../../worker/cleancache/index.js';
import { PageCleancache } from '../../app/cleancache.js';

it('prof', () => {
  const store = attach(createStore({ capacityBytes: 16 << 20 }));
  const pc = new PageCleancache(store as any, 'http://localhost/');
  const cc = pc.cleancache;
  const urls = Array.from({ length: 300 }, (_, i) => `http://localhost/__t/echo/bench-cc-0-${i}?size=4096`);
  for (const u of urls) {
    cc.put({ kind: 'resource', key: u, status: 200, statusText: 'OK', headers: [['content-type', 'application/octet-stream'], ['content-length', '4096']], body: new Uint8Array(4096).fill(3), requestTime: 1, responseTime: 2, generation: 0 } as any, []);
  }
  const reader = new ResourceReader(store as any, cc.poolId);
  const sab = new Uint8Array(new SharedArrayBuffer(8192)); const dst = new Uint8Array(8192);
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now(); let n = 0;
    for (let r = 0; r < 50; r++) for (const u of urls) n += pc.get(u)!.body.length;
    const tGet = (performance.now() - t0) / (50 * urls.length);
    t0 = performance.now();
    for (let r = 0; r < 50; r++) for (const u of urls) n += reader.read(u)!.body.length;
    const tRead = (performance.now() - t0) / (50 * urls.length);
    t0 = performance.now();
    const buf = new Uint8Array(8192);
    for (let r = 0; r < 50; r++) for (const u of urls) n += store.getMany(cc.poolId, 5n, 0, buf, 2);
    const tGM = (performance.now() - t0) / (50 * urls.length);
    t0 = performance.now();
    for (let r = 0; r < 50 * urls.length; r++) { dst.set(sab); n += dst[r & 8191]; }
    const tCopy = (performance.now() - t0) / (50 * urls.length);
    console.log(`page get ${(tGet * 1000).toFixed(2)} µs, reader.read ${(tRead * 1000).toFixed(2)} µs, getMany(miss) ${(tGM * 1000).toFixed(2)}, 8K SAB copy ${(tCopy*1000).toFixed(2)} µs`, n > 0);
  }
});
