// Service-worker benchmark (part of `npm run bench`): per-request latency of a few hundred
// 4 KiB resources, sequential and 64 at a time, side by side:
//   - a cleancache hit through the service worker (its own memory tier, no port hop),
//   - cache-first over Cache Storage in the same service worker (Workbox CacheFirst's work),
//   - the localhost network through the service worker,
//   - page code reading the cleancache synchronously (webtmem.cleancache.get, no hop).
// Also the time inside the service worker from fetch event to response ready, and one lookup
// alone: the service worker's memory tier against caches.match.
//   node bench/sw.mjs [--count N] [--json]
import { benchInChromium, startTestServer } from './in-chromium.mjs';

const args = process.argv.slice(2);
const countArg = args.indexOf('--count');
const COUNT = countArg >= 0 ? Number(args[countArg + 1]) : 300;
const asJson = args.includes('--json');

/** Runs in the page: times COUNT fetches per kind, sequential then 64 at a time. */
async function pageBench(count) {
  const w = window.webtmem;
  await w.ready;
  while (!navigator.serviceWorker.controller || !(w.link?.portsSent > 0)) await new Promise((r) => setTimeout(r, 20));
  const urls = (kind, round) => Array.from({ length: count }, (_, i) => `/__t/echo/bench-${kind}-${round}-${i}?size=4096`);
  const get = async (u) => (await fetch(u)).arrayBuffer();
  const swTiming = () => new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e) => resolve(e.data);
    navigator.serviceWorker.controller.postMessage({ bench: 'timing' }, [port2]);
  });
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
  const kinds = ['cc', 'cs', 'net'];
  const result = { seqMs: {}, par64Ms: {}, swMedianMs: {} };
  // Fill: one miss each for cc and cs, then wait until every one is kept.
  for (const u of urls('cc', 0)) await get(u);
  for (const u of urls('cs', 0)) await get(u);
  const ccAbs = urls('cc', 0).map((u) => new URL(u, location.href).href);
  while (!ccAbs.every((u) => w.cleancache.has(u))) await new Promise((r) => setTimeout(r, 20));
  const cache = await caches.open('webtmem-bench-runtime');
  while ((await cache.keys()).length < count) await new Promise((r) => setTimeout(r, 20));
  await swTiming(); // reset
  // Sequential, interleaved (cc, cs, net, rotating) so a load change on this shared machine
  // hits every kind alike; medians of the single requests.
  const lists = { cc: urls('cc', 0), cs: urls('cs', 0), net: urls('net', 1) };
  const seq = { cc: [], cs: [], net: [] };
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 3; k++) {
      const kind = kinds[(i + k) % 3];
      const t0 = performance.now();
      await get(lists[kind][i]);
      seq[kind].push(performance.now() - t0);
    }
  }
  const inSw = await swTiming();
  for (const kind of kinds) {
    result.seqMs[kind] = median(seq[kind]);
    result.swMedianMs[kind] = median(inSw[kind]);
  }
  // 64 at a time, batches of the kinds interleaved; per-request time = batch time / 64.
  const lists2 = { cc: urls('cc', 0), cs: urls('cs', 0), net: urls('net', 2) };
  const par = { cc: [], cs: [], net: [] };
  for (let i = 0; i + 64 <= count; i += 64) {
    for (let k = 0; k < 3; k++) {
      const kind = kinds[(i / 64 + k) % 3];
      const t0 = performance.now();
      await Promise.all(lists2[kind].slice(i, i + 64).map(get));
      par[kind].push((performance.now() - t0) / 64);
    }
  }
  for (const kind of kinds) result.par64Ms[kind] = median(par[kind]);
  // Page-side synchronous lookups of the same resources, repeated for the timer's resolution.
  const abs = urls('cc', 0).map((u) => new URL(u, location.href).href);
  const rounds = 20;
  let bytes = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const u of abs) bytes += w.cleancache.get(u)?.body.length ?? 0;
  result.pageSyncMs = (performance.now() - t0) / (rounds * count);
  result.pageSyncBytes = bytes / rounds;
  result.stats = w.lastStats?.cleancache ?? null;
  // One lookup alone, inside the service worker: its memory tier against caches.match.
  result.lookup = await new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e) => resolve(e.data);
    const abs2 = (kind) => urls(kind, 0).map((u) => new URL(u, location.href).href);
    navigator.serviceWorker.controller.postMessage({ bench: 'lookup', cc: abs2('cc'), cs: abs2('cs'), rounds: 5 }, [port2]);
  });
  return result;
}

const { port, server } = await startTestServer();
await benchInChromium(server, async (browser) => {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://localhost:${port}/test/fixtures/bench-sw.html`);
  const r = await page.evaluate(pageBench, COUNT);
  const us = (ms) => ms * 1000;
  const ratios = {
    'cc/cacheStorage (seq)': r.seqMs.cc / r.seqMs.cs,
    'cc/network (seq)': r.seqMs.cc / r.seqMs.net,
    'cc/cacheStorage (64)': r.par64Ms.cc / r.par64Ms.cs,
    'cc/network (64)': r.par64Ms.cc / r.par64Ms.net,
    'in-SW cc/caches.match': r.swMedianMs.cc / r.swMedianMs.cs,
    'lookup: memory/caches.match': r.lookup.memoryMs / r.lookup.matchMs,
    'sw fetch/page sync': Math.min(r.seqMs.cc, r.seqMs.cs, r.seqMs.net) / r.pageSyncMs,
  };
  const targets = {
    'cc/cacheStorage (seq)': ['≤ 0.9', (x) => x <= 0.9],
    'cc/network (seq)': ['≤ 0.6', (x) => x <= 0.6],
    'in-SW cc/caches.match': ['≤ 0.25', (x) => x <= 0.25],
    'lookup: memory/caches.match': ['≤ 0.25', (x) => x <= 0.25],
    'sw fetch/page sync': ['≥ 1000', (x) => x >= 1000],
  };
  const out = { browser: `chromium ${browser.version()}`, count: COUNT, ...r, ratios };
  if (asJson) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(`webtmem service-worker bench — ${out.browser}, ${COUNT} resources of 4 KiB`);
    console.log('  per request (µs, medians)  seq     64-at-a-time   in SW');
    for (const [k, name] of [['cc', 'cleancache via SW'], ['cs', 'Cache Storage via SW'], ['net', 'network via SW']]) {
      console.log(`  ${name.padEnd(22)} ${us(r.seqMs[k]).toFixed(0).padStart(7)} ${us(r.par64Ms[k]).toFixed(0).padStart(14)} ${us(r.swMedianMs[k]).toFixed(0).padStart(14)}`);
    }
    console.log(`  ${'SW memory lookup'.padEnd(22)} ${us(r.lookup.memoryMs).toFixed(1).padStart(7)}   vs caches.match ${us(r.lookup.matchMs).toFixed(1)} µs (${r.lookup.hits}/${r.lookup.found} found)`);
    console.log(`  ${'page cleancache.get'.padEnd(22)} ${us(r.pageSyncMs).toFixed(2).padStart(7)}   (synchronous, ${r.pageSyncBytes} bytes per round)`);
    for (const [k, v] of Object.entries(ratios)) {
      const t = targets[k];
      console.log(`  ${k.padEnd(24)} ${v.toFixed(v >= 100 ? 0 : 3).padStart(8)}${t ? `  target ${t[0]}: ${t[1](v) ? 'met' : 'MISSED'}` : ''}`);
    }
  }
});
