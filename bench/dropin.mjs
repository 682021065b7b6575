// Drop-in benchmark (part of `npm run bench`): what the drop-in costs a first visit, against
// the same site with no service worker, and what the tag loads.
//
// The site is a small realistic static one, generated here: an HTML page, 2 stylesheets, 12
// classic scripts at the end of the body, 8 images, a JSON call; assets served with
// `max-age=600` and an ETag, the page `no-cache`, every response with COOP/COEP (so the store
// is shared with its worker, as a site turning isolation on has it). Variants, one fresh browser
// context per visit (empty HTTP cache, no service worker), interleaved round by round:
//   none    no webtmem
//   async   <script async src="/tmem.js" data-offline="…">   (the README's tag)
//   defer   the same tag with defer
//   block   the same tag blocking in <head>
// Each visit starts from a blank page of the site (same renderer process, nothing cached).
// Figures: the load event (ms from navigation start, medians), the same from the page's first
// byte (what the page's own loading took, without the navigation's fixed cost), and, for the
// drop-in, when webtmem.ready resolved. Target: async ≤ 1.2× none.
//   node bench/dropin.mjs [--rounds N] [--json]
import http from 'node:http';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { benchInChromium } from './in-chromium.mjs';

const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 11;
const asJson = args.includes('--json');
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const HASHED_CHUNK = /^tmem\.[\w-]+\.[\w-]{8,}\.js$/;
const VARIANTS = ['none', 'async', 'defer', 'block'];

if (!existsSync(`${dist}tmem.js`)) {
  console.error('bench/dropin.mjs: dist/tmem.js is missing; run npm run build first');
  process.exit(1);
}

/** Deterministic filler text of about `bytes` bytes. */
function filler(seed, bytes) {
  let x = seed * 2654435761 >>> 0;
  let s = '';
  while (s.length < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += x.toString(36);
  }
  return s.slice(0, bytes);
}

/** The generated site: path → [content type, body]. */
function makeSite() {
  const files = new Map();
  for (let i = 0; i < 12; i++) {
    // Some real work on load (a table of values), as a site's modules do, and ~8 KB of text.
    files.set(`/js/part-${i}.js`, ['text/javascript', `(function(){var t=[];for(var k=0;k<2000;k++)t.push((k*${i + 7})%97);` +
      `window.parts=(window.parts||0)+t.length;var s=${JSON.stringify(filler(i, 8000))};window.partLen=(window.partLen||0)+s.length;})();\n`]);
  }
  for (let i = 0; i < 2; i++) {
    let css = '';
    for (let k = 0; k < 120; k++) css += `.c${i}-${k}{margin:${k % 7}px;padding:${k % 5}px;color:hsl(${k * 3} 40% 40%)}\n`;
    files.set(`/css/site-${i}.css`, ['text/css', css]);
  }
  for (let i = 0; i < 8; i++) {
    files.set(`/img/pic-${i}.svg`, ['image/svg+xml', `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120">` +
      `<rect width="160" height="120" fill="hsl(${i * 45} 50% 60%)"/><text x="10" y="60">${filler(i, 40)}</text></svg>`]);
  }
  files.set('/blank.html', ['text/html', '<!doctype html><title>blank</title>']);
  files.set('/api/items.json', ['application/json', JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: filler(i, 20) })))]);
  const offline = '/*/index.html,/css/*,/js/*,/img/*';
  const tags = {
    none: '',
    async: `<script async src="/tmem.js" data-capacity="32MB" data-offline="${offline}"></script>`,
    defer: `<script defer src="/tmem.js" data-capacity="32MB" data-offline="${offline}"></script>`,
    block: `<script src="/tmem.js" data-capacity="32MB" data-offline="${offline}"></script>`,
  };
  for (const variant of VARIANTS) {
    files.set(`/${variant}/index.html`, ['text/html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>site ${variant}</title>
<link rel="stylesheet" href="/css/site-0.css"><link rel="stylesheet" href="/css/site-1.css">${tags[variant]}</head>
<body><h1>A static site</h1>${Array.from({ length: 8 }, (_, i) => `<img src="/img/pic-${i}.svg" alt="">`).join('')}
<p>${filler(99, 3000)}</p>
${Array.from({ length: 12 }, (_, i) => `<script src="/js/part-${i}.js"></script>`).join('\n')}
<script>fetch('/api/items.json').then((r) => r.json()).then((items) => { window.items = items.length; });</script>
</body></html>`]);
  }
  for (const f of readdirSync(dist)) {
    if (f === 'tmem.js' || f === 'tmem-worker.js' || f === 'tmem-sw.js' || HASHED_CHUNK.test(f)) {
      files.set(`/${f}`, ['text/javascript', readFileSync(`${dist}${f}`)]);
    }
  }
  return files;
}

function startSite(files) {
  const etags = new Map([...files].map(([p, [, body]]) => [p, `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`]));
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files.get(path);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!file) { res.statusCode = 404; res.end('not found'); return; }
    const name = path.slice(1);
    // As README's drop-in section advises: chunks immutable, the stable names revalidated.
    const cc = HASHED_CHUNK.test(name) ? 'public, max-age=31536000, immutable'
      : path.endsWith('.html') || name.startsWith('tmem') ? 'no-cache' : 'public, max-age=600';
    res.setHeader('Cache-Control', cc);
    res.setHeader('ETag', etags.get(path));
    if (req.headers['if-none-match'] === etags.get(path)) { res.statusCode = 304; res.end(); return; }
    res.setHeader('Content-Type', file[0]);
    res.end(file[1]);
  });
  return new Promise((resolve) => server.listen(0, 'localhost', () => resolve(server)));
}

/** One first visit in a fresh context: the load event and, with the drop-in, ready. */
async function visit(browser, origin, variant) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // A blank page of the same origin first, so the timed navigation reuses its renderer
    // process (a new context's first navigation would time a process start too).
    await page.goto(`${origin}/blank.html`);
    await page.goto(`${origin}/${variant}/index.html`);
    return await page.evaluate(async () => {
      const nav = performance.getEntriesByType('navigation')[0];
      const w = window.webtmem;
      let readyMs = null;
      if (w) {
        const r = await w.ready;
        if (r.error) throw new Error(`webtmem did not start: ${r.error}`);
        readyMs = performance.now();
      }
      return { loadMs: nav.loadEventStart, afterResponseMs: nav.loadEventStart - nav.responseStart, readyMs, parts: window.parts };
    });
  } finally {
    await context.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const files = makeSite();
const server = await startSite(files);
const origin = `http://localhost:${server.address().port}`;
await benchInChromium(server, async (browser) => {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, { load: [], afterResponse: [], ready: [] }]));
  for (const v of VARIANTS) await visit(browser, origin, v); // warm the server and the browser
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round, so a load change on a shared machine hits every variant alike.
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(round + k) % VARIANTS.length];
      const r = await visit(browser, origin, v);
      if (r.parts !== 12 * 2000) throw new Error(`variant ${v}: the site's scripts did not all run`);
      samples[v].load.push(r.loadMs);
      samples[v].afterResponse.push(r.afterResponseMs);
      if (r.readyMs !== null) samples[v].ready.push(r.readyMs);
    }
  }
  const loader = readFileSync(`${dist}tmem.js`);
  const chunks = readdirSync(dist).filter((f) => HASHED_CHUNK.test(f)).map((f) => {
    const b = readFileSync(`${dist}${f}`);
    return { file: f, raw: b.length, gzip: gzipSync(b).length };
  });
  const result = {
    browser: `chromium ${browser.version()}`,
    rounds: ROUNDS,
    loader: { raw: loader.length, gzip: gzipSync(loader).length },
    chunks,
    loadMs: Object.fromEntries(VARIANTS.map((v) => [v, median(samples[v].load)])),
    afterResponseMs: Object.fromEntries(VARIANTS.map((v) => [v, median(samples[v].afterResponse)])),
    readyMs: Object.fromEntries(VARIANTS.filter((v) => v !== 'none').map((v) => [v, median(samples[v].ready)])),
  };
  result.ratios = Object.fromEntries(VARIANTS.filter((v) => v !== 'none').flatMap((v) => [
    [`${v}/none`, result.loadMs[v] / result.loadMs.none],
    [`${v}/none after response`, result.afterResponseMs[v] / result.afterResponseMs.none],
  ]));
  if (asJson) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`webtmem drop-in bench — ${result.browser}, first visits (fresh context each), medians of ${ROUNDS}`);
    console.log(`  loader dist/tmem.js: ${loader.length} B, ${result.loader.gzip} B gzipped (target ≤ 20 KiB, goal 8 KiB: ${result.loader.gzip <= 8192 ? 'met' : result.loader.gzip <= 20480 ? 'target met' : 'MISSED'})`);
    for (const c of chunks) console.log(`  on demand ${c.file}: ${c.raw} B, ${c.gzip} B gzipped`);
    console.log('  variant   load event (ms)   ratio   load − first byte (ms)   ratio   webtmem.ready (ms)');
    for (const v of VARIANTS) {
      const ratio = (k) => (v === 'none' ? '' : result.ratios[k].toFixed(3));
      const target = v === 'async' ? `  target ≤ 1.2: ${result.ratios['async/none'] <= 1.2 ? 'met' : 'MISSED'}` : '';
      console.log(`  ${v.padEnd(8)} ${result.loadMs[v].toFixed(1).padStart(16)} ${ratio(`${v}/none`).padStart(7)} ${result.afterResponseMs[v].toFixed(1).padStart(24)} ${ratio(`${v}/none after response`).padStart(7)} ${(result.readyMs[v]?.toFixed(1) ?? '—').padStart(20)}${target}`);
    }
  }
});
