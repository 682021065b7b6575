// Site benchmark (part of `npm run bench`): real page loads of two static fixture sites
// (test/fixtures/sites: "multi", 15 scripts + 2 stylesheets + 6 images + 3 JSON API calls made
// by a script; "bundle", one ~260 KB script + 1 stylesheet), each served in two header modes
//   nc: assets `Cache-Control: no-cache` + ETag (304 on If-None-Match)
//   ma: assets `Cache-Control: max-age=600` (+ ETag)
// (documents are always no-cache + ETag), with four set-ups:
//   none      no service worker
//   workbox   a Workbox CacheFirst worker over Cache Storage (test/fixtures/sites/workbox-sw.js,
//             bundled with Vite here), registered at the load event as Workbox's guide does;
//             runtime caching only, no precache
//   webtmem   the drop-in (dist/tmem.js, async) with the same cache-first routes for assets
//   webtmem-offline  the same, with the assets also listed offline (data-offline): copies on
//             disk too, which a restarted service worker answers from (the return view)
//   webtmem-default  the drop-in with no routes (its default strategies; --defaults)
// Ratios (repeat/none, …) are medians of per-run ratios: within a run the set-ups of a case
// are sampled one right after another, so a drift in the machine's load, which moves single
// loads by tens of percent here, mostly cancels; a ratio of two medians would not cancel it.
// Each sample is a fresh browser context: a first view (timed), the second view (timed: the
// first one the workers control; then the bench waits until the workers report they have kept
// the site's assets), then the repeat view (the third, timed), then a later view (timed: the
// fourth view; a script a worker puts into Cache Storage after it installs gets its V8 code
// cache from the second load it is answered to on, one put while it installs at once, one
// answered by the HTTP cache from its third load, the repeat view), then a return view: the
// service workers stopped first (CDP), as the browser stops an idle one after about 30 s
// (none: just another view). Every set-up gets at least SETTLE_MS between a load event and the
// next navigation. Times are the load event (navigation timing loadEventStart); medians of the
// runs, set-ups interleaved within each run. The contexts are Playwright's incognito ones: the
// HTTP cache, Cache Storage and IndexedDB are in memory for every set-up alike.
// Every case is loaded from a server on localhost (no round trip to speak of: a revalidation
// costs the browser only its own work) and from one that answers each request --rtt ms later
// (default 40: a model of one network round trip per request, on connections kept alive), where
// what a worker spares, the revalidations, costs what it costs on a real site. Both are HTTP/1.1,
// six connections per origin: over HTTP/2 the 23 revalidations of the multi-file site would
// not queue behind each other, and what a worker spares there would be less.
// Then in-app repeated fetches (a tile viewer): 300 resources of 4 KiB fetched again and
// again, through the HTTP cache (no worker), through webtmem's worker and through
// webtmem.fetch (page-side hits), in interleaved rounds of three pages open side by side; and
// how busy each worker's thread is per repeat view of the multi-file no-cache site (a CPU
// profile of the worker).
//   node bench/sites.mjs [--runs N] [--rtt MS] [--local] [--sites multi,bundle] [--modes nc,ma] [--defaults] [--json]
// (--local: localhost only, no delayed server; --sites, --modes: a part of the matrix, to look
// into one case)
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { benchInChromium } from './in-chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 9;
const asJson = args.includes('--json');
const rttArg = args.indexOf('--rtt');
// 0: localhost as it is; the other: each response delayed by that many ms.
const RTTS = [0, rttArg >= 0 ? Number(args[rttArg + 1]) : 40];
if (!(RTTS[1] > 0)) throw new Error(`--rtt takes a number of ms > 0, got ${args[rttArg + 1]}`);
if (args.includes('--local')) RTTS.length = 1;
/** The values of `--name a,b` (each one of `all`), or all of them. */
function pick(name, all) {
  const i = args.indexOf(name);
  if (i < 0) return all;
  const chosen = String(args[i + 1] ?? '').split(',').filter(Boolean);
  const bad = chosen.filter((c) => !all.includes(c));
  if (chosen.length === 0 || bad.length) throw new Error(`${name} takes some of ${all.join(',')}, got ${args[i + 1]}`);
  return chosen;
}
const SITES = pick('--sites', ['multi', 'bundle']);
const MODES = pick('--modes', ['nc', 'ma']);
// webtmem-default (the drop-in with no routes) only with --defaults: it adds a fifth to the run.
const SETUPS = ['none', 'workbox', 'webtmem', 'webtmem-offline', ...(args.includes('--defaults') ? ['webtmem-default'] : [])];
const ASSETS = { multi: 26, bundle: 2 };
const TILES = 300;
/** Least time between a load event and the next navigation, for every set-up (see sample). */
const SETTLE_MS = 500;
const WORKER_VIEWS = 15;
const OFFLINE = '/*/js/*,/*/css/*,/*/img/*,/*/api/*,/*/app.js,/*/app.css';
const ROUTES = '/*/js/*=cache-first; /*/css/*=cache-first; /*/img/*=cache-first; /*/api/*=cache-first; /*/app.js=cache-first; /*/app.css=cache-first; /*/tiles/t-*=cache-first';

// The Workbox worker, bundled once.
const outDir = mkdtempSync(path.join(tmpdir(), 'webtmem-bench-wb-'));
await build({
  configFile: false, logLevel: 'warn', publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir, emptyOutDir: true, target: 'es2022', minify: true,
    lib: { entry: path.join(root, 'test/fixtures/sites/workbox-sw.js'), formats: ['iife'], fileName: () => 'wb-sw.js', name: 'wbsw' },
  },
});
const workboxSw = readFileSync(path.join(outDir, 'wb-sw.js'));
rmSync(outDir, { recursive: true, force: true });

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

function tag(setup) {
  // Registered at the load event, as Workbox's own guide does (and as webtmem's drop-in does).
  if (setup === 'workbox') return `<script>addEventListener('load', () => navigator.serviceWorker.register('/wb-sw.js', { scope: '/' }));</script>`;
  if (setup === 'webtmem') return `<script async src="/tmem.js" data-routes="${ROUTES}"></script>`;
  if (setup === 'webtmem-offline') return `<script async src="/tmem.js" data-routes="${ROUTES}" data-offline="${OFFLINE}"></script>`;
  if (setup === 'webtmem-default') return '<script async src="/tmem.js"></script>';
  return '';
}

function tile(i) {
  const body = Buffer.alloc(4096);
  let x = i + 1;
  for (let k = 0; k < body.length; k++) { x = (x * 1103515245 + 12345) >>> 0; body[k] = x >>> 24; }
  return body;
}

/** Sends a body with an ETag, answering 304 to a matching If-None-Match. */
function send(req, res, body, type, cacheControl) {
  const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}

function answer(req, res) {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/wb-sw.js') return send(req, res, workboxSw, TYPES['.js'], 'no-cache');
  const m = /^\/(nc|ma)\/(\w+)\/(.*)$/.exec(p);
  if (!m) {
    // webtmem's own files, from the build.
    const file = path.join(root, 'dist', path.normalize(p).replace(/^\/+/, ''));
    if (file.startsWith(path.join(root, 'dist')) && existsSync(file) && !file.endsWith('/')) {
      return send(req, res, readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream', 'max-age=600');
    }
    res.statusCode = 404;
    return res.end('not found');
  }
  const [, mode, site, rest] = m;
  const assetCc = mode === 'nc' ? 'no-cache' : 'max-age=600';
  if (site === 'tiles') {
    if (rest === 'index.html') return send(req, res, Buffer.from(`<!doctype html><meta charset="utf-8"><title>tiles</title>${tag(url.searchParams.get('v'))}`), TYPES['.html'], 'no-cache');
    const t = /^t-(\d+)\.bin$/.exec(rest);
    if (t) return send(req, res, tile(Number(t[1])), 'application/octet-stream', assetCc);
  }
  const file = path.join(root, 'test/fixtures/sites', site, path.normalize(rest || 'index.html'));
  if (!file.startsWith(path.join(root, 'test/fixtures/sites', site)) || !existsSync(file)) {
    res.statusCode = 404;
    return res.end('not found');
  }
  if (rest === 'index.html') {
    const html = readFileSync(file, 'utf8').replace('<!--webtmem-->', tag(url.searchParams.get('v')));
    return send(req, res, Buffer.from(html), TYPES['.html'], 'no-cache');
  }
  send(req, res, readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream', assetCc);
}

// One server (one origin) per round trip: the delay is the server's, so it holds for the
// service workers' own fetches too, which a page's network emulation would not throttle.
const servers = await Promise.all(RTTS.map(async (rtt) => {
  const server = http.createServer(rtt === 0 ? answer : (req, res) => setTimeout(answer, rtt, req, res));
  await new Promise((r) => server.listen(0, 'localhost', r));
  return { rtt, server, origin: `http://localhost:${server.address().port}` };
}));
const origin = servers[0].origin;
const originOf = (rtt) => servers.find((s) => s.rtt === rtt).origin;

await benchInChromium({ close: () => servers.forEach((s) => s.server.close()) }, async (browser) => {
  const loadMs = (page) => page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return n.loadEventStart - n.startTime;
  });

  /**
   * Evaluates `predicate` in the page every 50 ms until it resolves to true (20 s at most).
   * Not page.waitForFunction: given an async predicate it resolves at the first poll with
   * whatever the promise gave, false included, so it never waits on one.
   */
  async function until(page, predicate, arg) {
    const deadline = Date.now() + 20_000;
    while (!(await page.evaluate(predicate, arg))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${predicate}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until the set-up's worker controls the page and has kept the site's assets. */
  async function workersFilled(page, setup, assets) {
    if (setup === 'none') return;
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    if (setup === 'workbox') {
      await until(page, async (n) => (await (await caches.open('bench-sites')).keys()).length >= n, assets);
      return;
    }
    const n = setup === 'webtmem' || setup === 'webtmem-offline' ? assets : 0;
    try {
      await until(page, async (n) => {
        const s = await new Promise((resolve) => {
          const { port1, port2 } = new MessageChannel();
          port1.onmessage = (e) => resolve(e.data.stats);
          navigator.serviceWorker.controller.postMessage({ webtmem: 'sw-stats' }, [port2]);
        });
        return s.keeper.inFlight === 0 && s.memory.resources >= n;
      }, n);
    } catch (e) {
      // Say what the worker held, kept and refused, so that a fill that never completes can
      // be told from one that is only slow.
      const s = await page.evaluate(swStats).catch(() => null);
      const held = s && { keeper: s.keeper, memory: s.memory, install: s.install, deferred: s.deferred };
      throw new Error(`${page.url()}: the worker did not hold ${n} resources within 20 s: ${JSON.stringify(held)}`, { cause: e });
    }
  }

  /** The webtmem service worker's stats (passed whole to page.evaluate: it runs in the page). */
  function swStats() {
    return new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = (e) => resolve(e.data.stats);
      navigator.serviceWorker.controller.postMessage({ webtmem: 'sw-stats' }, [port2]);
    });
  }

  /** The webtmem service worker's memory hits so far. */
  function swMemoryHits(page) {
    return page.evaluate(() => new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = (e) => resolve(e.data.stats.handler.memoryHits);
      navigator.serviceWorker.controller.postMessage({ webtmem: 'sw-stats' }, [port2]);
    }));
  }

  async function sample(rtt, site, mode, setup) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const url = `${originOf(rtt)}/${mode}/${site}/index.html?v=${setup}`;
      // Every set-up gets at least SETTLE_MS between a load event and the next navigation:
      // the workers wait longer anyway (for control, for their fill), and the browser's own
      // work after a load (cache writes, code cache, GC) must have the same time without them.
      let loadedAt = 0;
      const settle = async () => {
        const wait = SETTLE_MS - (Date.now() - loadedAt);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      };
      const view = async () => {
        await settle();
        await page.goto(url, { waitUntil: 'load' });
        loadedAt = Date.now();
        return loadMs(page);
      };
      await page.goto(url, { waitUntil: 'load' });
      loadedAt = Date.now();
      const first = await loadMs(page);
      // The second view, the first one the workers control: what a visitor's next page costs
      // (webtmem kept the first visit's resources as it installed; Workbox keeps what passes
      // through it now). It also lets the workers keep what they are given.
      if (setup !== 'none') await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
      const second = await view();
      await workersFilled(page, setup, ASSETS[site]);
      const hitsBefore = setup.startsWith('webtmem') ? await swMemoryHits(page) : 0;
      const repeat = await view();
      // How many of the repeat view's requests the service worker's memory answered.
      const served = setup.startsWith('webtmem') ? (await swMemoryHits(page)) - hitsBefore : null;
      // A later view: what every view from here on costs while the worker lives.
      const later = await view();
      // A return visit: the browser stopped the idle service worker (as it does after about
      // 30 s), so its memory is gone and it must start again for the requests it takes.
      if (setup !== 'none') {
        const cdp = await context.newCDPSession(page);
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        await cdp.detach();
      }
      const ret = await view();
      return { first, second, repeat, later, served, ret };
    } finally {
      await context.close();
    }
  }

  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
  const results = {};
  const t0 = Date.now();
  for (let run = 0; run < RUNS; run++) {
    for (const rtt of RTTS) for (const site of SITES) {
      for (const mode of MODES) {
        // Rotate the order each run, so a drift in the machine's load hits every set-up alike.
        for (let k = 0; k < SETUPS.length; k++) {
          const setup = SETUPS[(run + k) % SETUPS.length];
          const key = `${rtt}/${site}/${mode}/${setup}`;
          const r = await sample(rtt, site, mode, setup);
          (results[key] ??= { first: [], second: [], repeat: [], later: [], served: [], ret: [] }).first.push(r.first);
          results[key].second.push(r.second);
          results[key].repeat.push(r.repeat);
          results[key].later.push(r.later);
          results[key].ret.push(r.ret);
          if (r.served !== null) results[key].served.push(r.served);
        }
      }
    }
  }

  /** In-app: a page that has fetched TILES tiles once, ready to fetch them all again, one
   *  round at a time. */
  async function tilePage(setup, how) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/ma/tiles/index.html?v=${setup}`, { waitUntil: 'load' });
    if (setup !== 'none') {
      await page.evaluate(() => window.webtmem.ready);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null && window.webtmem.link?.portsSent > 0, undefined, { timeout: 20_000 });
    }
    await page.evaluate(async ([count, how]) => {
      const urls = Array.from({ length: count }, (_, i) => new URL(`t-${i}.bin`, location.href).href);
      window.tileUrls = urls;
      for (const u of urls) await (await fetch(u)).arrayBuffer();
      if (how === 'webtmem.fetch') {
        const deadline = performance.now() + 20_000;
        while (!urls.every((u) => window.webtmem.cleancache.has(u)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      }
    }, [TILES, how]);
    return {
      /** One round: ms per fetch, bytes read, page-side hits. */
      round: () => page.evaluate(async (how) => {
        const urls = window.tileUrls;
        const get = how === 'webtmem.fetch' ? (u) => window.webtmem.fetch(u) : (u) => fetch(u);
        const hits0 = how === 'webtmem.fetch' ? window.webtmem.cleancache.stats().hits : 0;
        let bytes = 0;
        const t = performance.now();
        for (const u of urls) bytes += (await (await get(u)).arrayBuffer()).byteLength;
        const ms = (performance.now() - t) / urls.length;
        return { ms, bytes, pageHits: how === 'webtmem.fetch' ? window.webtmem.cleancache.stats().hits - hits0 : null };
      }, how),
      close: () => context.close(),
    };
  }
  // The three ways side by side, in rounds (each round in another order), so the machine's
  // drift hits them alike; each ratio is the median of per-round ratios.
  const TILE_ROUNDS = 9;
  const ways = { http: ['none', 'fetch'], swFetch: ['webtmem', 'fetch'], webtmemFetch: ['webtmem', 'webtmem.fetch'] };
  const tilePages = {};
  for (const [k, [setup, how]] of Object.entries(ways)) tilePages[k] = await tilePage(setup, how);
  const tileMs = { http: [], swFetch: [], webtmemFetch: [] };
  let pageHits = 0;
  const names = Object.keys(ways);
  for (let r = 0; r < TILE_ROUNDS; r++) {
    for (let j = 0; j < names.length; j++) {
      const k = names[(r + j) % names.length];
      const one = await tilePages[k].round();
      if (one.bytes !== TILES * 4096) throw new Error(`in-app ${k}: ${one.bytes} bytes read, ${TILES * 4096} expected`);
      tileMs[k].push(one.ms);
      if (one.pageHits !== null) pageHits += one.pageHits;
    }
  }
  for (const p of Object.values(tilePages)) await p.close();
  const perRound = (a, b) => median(tileMs[a].map((x, i) => x / tileMs[b][i]));
  const inApp = {
    http: { ms: median(tileMs.http) },
    swFetch: { ms: median(tileMs.swFetch) },
    webtmemFetch: { ms: median(tileMs.webtmemFetch), pageHits },
    httpOverWebtmemFetch: perRound('http', 'webtmemFetch'),
    rounds: TILE_ROUNDS,
  };


  /**
   * The service worker's thread over repeat views of the multi-file `no-cache` site on
   * localhost, where it answers all 26 asset requests: a CPU profile of the worker (CDP
   * Profiler on its target) per view, from the navigation to the load event (for webtmem until
   * its writes of the view, the tab's copies, are done too), and the ms its thread was not
   * idle. What each answer costs the worker, which the load event hides behind the page's own
   * work (a Response over an ArrayBuffer once cost 1.5 ms of it per answer). Returns a
   * function that times one more view.
   */
  async function profiledWorker(setup) {
    const context = await browser.newContext();
    const cdp = await browser.newBrowserCDPSession();
    const page = await context.newPage();
    const url = `${origin}/nc/multi/index.html?v=${setup}`;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    await page.goto(url, { waitUntil: 'load' });
    await workersFilled(page, setup, ASSETS.multi);
    // The worker of this context: the one whose browser context holds this page.
    const { targetInfos } = await cdp.send('Target.getTargets');
    const own = targetInfos.find((t) => t.type === 'page' && t.url === url);
    const worker = targetInfos.find((t) => t.type === 'service_worker' && t.browserContextId === own?.browserContextId);
    if (!worker) throw new Error(`profiledWorker: no service worker target for ${setup}`);
    // Playwright's CDP session has no child sessions: messages to the worker go through
    // Target.sendMessageToTarget.
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    let nextId = 0;
    const waiting = new Map();
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const m = JSON.parse(e.message);
      const done = waiting.get(m.id);
      if (!done) return;
      waiting.delete(m.id);
      if (m.error) done.reject(new Error(`${m.error.message} (worker target)`));
      else done.resolve(m.result);
    });
    const send = (method, params = {}) => new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve, reject });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 100 });
    return {
      async view() {
        await send('Profiler.start');
        await page.goto(url, { waitUntil: 'load' });
        if (setup === 'webtmem') await workersFilled(page, setup, ASSETS.multi);
        const { profile } = await send('Profiler.stop');
        const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
        let busyUs = 0;
        profile.samples.forEach((id, k) => { if (!idle.has(id)) busyUs += profile.timeDeltas[k] ?? 0; });
        return busyUs / 1000;
      },
      async close() {
        await cdp.detach().catch(() => {});
        await context.close();
      },
    };
  }
  // Views of the two workers alternate, so a drift in the machine's load hits both alike.
  const profiled = { webtmem: await profiledWorker('webtmem'), workbox: await profiledWorker('workbox') };
  const busy = { webtmem: [], workbox: [] };
  for (let i = 0; i < WORKER_VIEWS; i++) for (const k of ['webtmem', 'workbox']) busy[k].push(await profiled[k].view());
  await Promise.all(Object.values(profiled).map((p) => p.close()));
  const workerMs = { webtmem: median(busy.webtmem), workbox: median(busy.workbox), ratio: median(busy.webtmem.map((x, i) => x / busy.workbox[i])) };

  /** Median over the runs of view `view`'s ratio of set-up `setup` to `base` in one case. */
  const paired = (caseKey, setup, base, view) => {
    const a = results[`${caseKey}/${setup}`][view];
    const b = results[`${caseKey}/${base}`][view];
    return median(a.map((x, i) => x / b[i]));
  };
  const table = {};
  for (const [key, r] of Object.entries(results)) {
    const caseKey = key.slice(0, key.lastIndexOf('/'));
    const setup = key.slice(key.lastIndexOf('/') + 1);
    table[key] = {
      first: median(r.first), second: median(r.second), repeat: median(r.repeat), later: median(r.later), ret: median(r.ret), fromMemory: r.served.length ? median(r.served) : null,
      ratios: Object.fromEntries(['first', 'second', 'repeat', 'later', 'ret'].flatMap((view) => ['none', 'workbox'].map((base) => [`${view}/${base}`, paired(caseKey, setup, base, view)]))),
    };
  }
  const out = { browser: `chromium ${browser.version()}`, runs: RUNS, rtts: RTTS, seconds: Math.round((Date.now() - t0) / 1000), table, inApp, workerMs };
  if (asJson) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(`webtmem site bench — ${out.browser}, medians of ${RUNS} runs (load event, ms), ${out.seconds} s`);
    console.log('  (ratios: medians of per-run ratios)');
    console.log('  rtt   site/headers    set-up            first  first/none   second  second/none  second/workbox   repeat   repeat/none  repeat/workbox    later   later/none  later/workbox   return  return/none  return/workbox  (repeat view requests from SW memory)');
    for (const rtt of RUNS > 0 ? RTTS : []) for (const site of SITES) for (const mode of MODES) {
      for (const setup of SETUPS) {
        const r = table[`${rtt}/${site}/${mode}/${setup}`];
        const q = r.ratios;
        console.log(`  ${String(rtt).padStart(3)}   ${`${site}/${mode === 'nc' ? 'no-cache' : 'max-age'}`.padEnd(15)} ${setup.padEnd(16)} ${r.first.toFixed(1).padStart(6)} ${q['first/none'].toFixed(2).padStart(11)} ${r.second.toFixed(1).padStart(8)} ${q['second/none'].toFixed(2).padStart(12)} ${q['second/workbox'].toFixed(2).padStart(15)} ${r.repeat.toFixed(1).padStart(8)} ${q['repeat/none'].toFixed(2).padStart(12)} ${q['repeat/workbox'].toFixed(2).padStart(15)} ${r.later.toFixed(1).padStart(8)} ${q['later/none'].toFixed(2).padStart(11)} ${q['later/workbox'].toFixed(2).padStart(14)} ${r.ret.toFixed(1).padStart(8)} ${q['ret/none'].toFixed(2).padStart(12)} ${q['ret/workbox'].toFixed(2).padStart(15)}${r.fromMemory === null ? '' : `  (${r.fromMemory})`}`);
      }
    }
    const us = (ms) => (ms * 1000).toFixed(1);
    console.log(`  in-app, ${TILES} tiles of 4 KiB fetched again (µs per fetch, median of ${inApp.rounds} interleaved rounds):`);
    console.log(`    fetch() via the HTTP cache (no worker) ${us(inApp.http.ms)}, fetch() via webtmem's worker ${us(inApp.swFetch.ms)}, webtmem.fetch ${us(inApp.webtmemFetch.ms)} (${inApp.webtmemFetch.pageHits} page-side hits of ${inApp.rounds * TILES})`);
    console.log(`    HTTP cache / webtmem.fetch: ${inApp.httpOverWebtmemFetch.toFixed(0)}× (median of per-round ratios; goal ≥ 100×)`);
    console.log(`  service worker's thread busy per repeat view (multi-file no-cache site, localhost, median of ${WORKER_VIEWS} views):`);
    console.log(`    webtmem ${workerMs.webtmem.toFixed(1)} ms, Workbox ${workerMs.workbox.toFixed(1)} ms: webtmem / Workbox ${workerMs.ratio.toFixed(2)} (median of per-view ratios)`);
  }
});
