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
  /** /__t/echo/<anything>?size=N → N deterministic bytes (default 4096). */
  echo(req, res, url) {
    const size = Number(url.searchParams.get('size') ?? 4096);
    const body = Buffer.alloc(size);
    let x = 0;
    for (const c of url.pathname) x = (x * 31 + c.charCodeAt(0)) >>> 0;
    for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; body[i] = x >>> 24; }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(size));
    res.end(body);
  },
};
