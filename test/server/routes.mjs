import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Dynamic test routes under /__t/. Each request is counted so tests can assert what reached
// the network. GET /__t/count?path=... answers the count; POST /__t/reset clears them.
const counts = new Map();

/** @returns {boolean} true when the route answered the request */
export function handleRoute(req, res) {
  const url = new URL(req.url, 'http://x');
  if (!url.pathname.startsWith('/__t/')) return false;
  if (url.pathname === '/__t/count') {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify({ count: counts.get(url.searchParams.get('path')) ?? 0 }));
    return true;
  }
  if (url.pathname === '/__t/reset') {
    counts.clear();
    res.setHeader('Cache-Control', 'no-store');
    res.end('ok');
    return true;
  }
  counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
  const route = routes[url.pathname.slice('/__t/'.length).split('/')[0]];
  if (!route) {
    res.statusCode = 404;
    res.end('no such test route');
    return true;
  }
  route(req, res, url);
  return true;
}

/** Route table: name → handler. Service-worker tests add their routes here. */
export const routes = {
  /**
   * /__t/swpage/<ns>?sw=<query>: a bare page (no drop-in) that registers /dist/tmem-sw.js with
   * that configuration query for scope '/', for tests that need a configuration the fixture
   * site's drop-in tag does not give (e.g. a small memory budget). window.swReady resolves
   * once the page is controlled.
   */
  swpage(req, res, url) {
    const sw = `/dist/tmem-sw.js?${url.searchParams.get('sw') ?? ''}`;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(`<!doctype html><meta charset="utf-8"><title>sw page</title><script>
window.swReady = navigator.serviceWorker.register(${JSON.stringify(sw)}, { scope: '/', updateViaCache: 'none' })
  .then(() => navigator.serviceWorker.controller ?? new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })))
  .then(() => true);
</script>`);
  },
  /** /__t/echo/<anything>?size=N → N deterministic bytes (default 4096); type=js serves them
   *  as text/javascript, a script that runs and does nothing (one line comment of letters: a
   *  large script to the service worker's rules that a page can load as one). */
  echo(req, res, url) {
    const size = Number(url.searchParams.get('size') ?? 4096);
    const js = url.searchParams.get('type') === 'js';
    const body = Buffer.alloc(size);
    let x = 0;
    for (const c of url.pathname) x = (x * 31 + c.charCodeAt(0)) >>> 0;
    for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; body[i] = js ? 97 + ((x >>> 24) % 26) : x >>> 24; }
    if (js && size >= 3) body.write('//', 0);
    res.setHeader('Content-Type', js ? 'text/javascript' : 'application/octet-stream');
    // cc, etag=1, lm=1 as for site (below).
    if (['etag', 'lm', 'cc'].some((k) => url.searchParams.has(k))) return sendWithValidators(req, res, url, body, `echo-${x}-${size}`);
    res.setHeader('Content-Length', String(size));
    res.end(body);
  },

  /**
   * /__t/site/<ns>/<file>: the fixture site (test/fixtures/site), counted per path; <ns> is any
   * name a test picks so its counts are its own. Query options:
   * cc=<Cache-Control>, etag=1 (ETag + 304 on If-None-Match), lm=1 (Last-Modified + 304 on
   * If-Modified-Since). By default no freshness and no validators, so the browser's own HTTP
   * cache sends every request on to the server and the counts show what the service worker did.
   */
  site(req, res, url) {
    const afterNs = url.pathname.slice('/__t/site/'.length).replace(/^[^/]*\/?/, '');
    let rel = decodeURIComponent(afterNs) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(siteRoot, rel);
    if (!file.startsWith(siteRoot) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end('no such fixture file');
      return;
    }
    const body = readFileSync(file);
    res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    sendWithValidators(req, res, url, body, createHash('sha1').update(body).digest('hex').slice(0, 16));
  },
  /** /__t/ver/<name>: a JSON body carrying the name's version (bumped by /__t/bump?name=);
   *  cc, etag=1, lm=1 as for site. */
  ver(req, res, url) {
    const name = url.pathname.slice('/__t/ver/'.length);
    const version = versions.get(name) ?? 1;
    res.setHeader('Content-Type', 'application/json');
    sendWithValidators(req, res, url, Buffer.from(JSON.stringify({ name, version })), `${name}-v${version}`);
  },
  /** /__t/bump?name=<name>: the next version of /__t/ver/<name>. */
  bump(req, res, url) {
    const name = url.searchParams.get('name');
    versions.set(name, (versions.get(name) ?? 1) + 1);
    res.setHeader('Cache-Control', 'no-store');
    res.end(String(versions.get(name)));
  },
  /** /__t/vary/<name>: Vary: X-Flavour; the body names the flavour asked and counts. */
  vary(req, res, url) {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Vary', 'X-Flavour');
    res.end(`flavour=${req.headers['x-flavour'] ?? '(none)'} n=${counts.get(url.pathname)}`);
  },
  /** /__t/nostore/<name>: Cache-Control: no-store. */
  nostore(req, res, url) {
    res.setHeader('Cache-Control', 'no-store');
    res.end(`n=${counts.get(url.pathname)}`);
  },
  /** /__t/status/<code>: that status with a small body. */
  status(req, res, url) {
    res.statusCode = Number(url.pathname.split('/')[3]) || 500;
    res.end(`status ${res.statusCode} n=${counts.get(url.pathname)}`);
  },
  /** /__t/any/<name>: any method; the body names the method and counts. */
  any(req, res, url) {
    res.setHeader('Content-Type', 'text/plain');
    res.end(`${req.method} n=${counts.get(url.pathname)}`);
  },
  /** /__t/range/<name>: 4096 bytes; honours "Range: bytes=a-b" with a 206. */
  range(req, res, url) {
    const body = Buffer.alloc(4096, 7);
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (m) {
      const slice = body.subarray(Number(m[1]), Number(m[2]) + 1);
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${m[1]}-${m[2]}/4096`);
      res.end(slice);
      return;
    }
    res.end(body);
  },
  /** /__t/xo/<name>: readable from any origin as no-cors (CORP cross-origin), with CORS only
   *  when ?cors=1 (then credentials allowed for the asking origin). */
  xo(req, res, url) {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (url.searchParams.get('cors') === '1') {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Content-Type', 'text/plain');
    res.end(`xo n=${counts.get(url.pathname)}`);
  },
  /** /__t/stream/<name>?size=N: N bytes (default 1 MiB) in 64 KiB chunks, no Content-Length. */
  stream(req, res, url) {
    let left = Number(url.searchParams.get('size') ?? 1 << 20);
    res.setHeader('Content-Type', 'application/octet-stream');
    const chunk = Buffer.alloc(65536, 5);
    const push = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) return void res.once('drain', push);
      }
      res.end();
    };
    push();
  },
  /**
   * /__t/build/<ns>/<file>: the drop-in's built files (dist/), as a site serving them from its
   * own directory would, and index.html, a page whose tag loads them with data-offline naming
   * only the page. GET /__t/build/<ns>/version?v=2 turns <ns> into a second release: the
   * runtime and panel chunks renamed (tmem.<name>.<hash>-v2.js, the old names gone), every
   * file naming them rewritten, and the service worker's list of its files (names and
   * integrities) with them. All no-cache without validators: offline, only what the service
   * worker kept is there.
   */
  build(req, res, url) {
    const [ns, ...rest] = url.pathname.slice('/__t/build/'.length).split('/');
    const file = rest.join('/') || 'index.html';
    res.setHeader('Cache-Control', 'no-cache');
    if (file === 'version') {
      buildVersions.set(ns, Number(url.searchParams.get('v')));
      res.end('ok');
      return;
    }
    if (file === 'index.html') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><meta charset="utf-8"><title>release</title><script async src="/__t/build/${ns}/tmem.js" data-offline="/__t/build/${ns}/index.html"></script>`);
      return;
    }
    const release = releaseOf(buildVersions.get(ns) ?? 1);
    const source = release.sources.get(file);
    if (source === undefined) {
      res.statusCode = 404;
      res.end('not in this release');
      return;
    }
    res.setHeader('Content-Type', 'text/javascript');
    res.end(release.text(source));
  },
  /** /__t/slow/<name>?ms=N: answers after N ms (default 1000). */
  slow(req, res, url) {
    setTimeout(() => res.end(`slow n=${counts.get(url.pathname)}`), Number(url.searchParams.get('ms') ?? 1000));
  },
};

const siteRoot = fileURLToPath(new URL('../fixtures/site/', import.meta.url));
const distRoot = fileURLToPath(new URL('../../dist/', import.meta.url));
const buildVersions = new Map();

/** The drop-in's files of release 1 (dist/ as built) or 2 (runtime and panel renamed): which
 *  served name comes from which built file, and the text served for it. */
function releaseOf(version) {
  const built = readdirSync(distRoot).filter((f) => /^tmem[\w.-]*\.js$/.test(f));
  const renames = new Map(version === 2 ? built.filter((f) => /^tmem\.(runtime|panel)\./.test(f)).map((f) => [f, f.replace(/\.js$/, '-v2.js')]) : []);
  const rename = (text) => [...renames].reduce((t, [from, to]) => t.split(from).join(to), text);
  const sri = (text) => `sha256-${createHash('sha256').update(text).digest('base64')}`;
  const text = (source) => {
    let out = rename(readFileSync(path.join(distRoot, source), 'utf8'));
    // The service worker's list carries each file's integrity: that of the file as served now.
    if (source === 'tmem-sw.js') for (const f of built) out = out.split(sri(readFileSync(path.join(distRoot, f)))).join(sri(rename(readFileSync(path.join(distRoot, f), 'utf8'))));
    return out;
  };
  return { sources: new Map(built.map((f) => [renames.get(f) ?? f, f])), text };
}
const versions = new Map();
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.txt': 'text/plain',
};

// The cc/etag/lm query options shared by the site and ver routes.
function sendWithValidators(req, res, url, body, tag) {
  const cc = url.searchParams.get('cc');
  if (cc) res.setHeader('Cache-Control', cc);
  const etag = `"${tag}"`;
  const lastModified = new Date(Date.UTC(2024, 0, 1)).toUTCString();
  if (url.searchParams.get('etag') === '1') res.setHeader('ETag', etag);
  if (url.searchParams.get('lm') === '1') res.setHeader('Last-Modified', lastModified);
  const notModified =
    (url.searchParams.get('etag') === '1' && req.headers['if-none-match'] === etag) ||
    (url.searchParams.get('lm') === '1' && req.headers['if-modified-since'] === lastModified && !req.headers['if-none-match']);
  if (notModified) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}
