// `npm start`: serves the demo site on http://localhost:8080 (PORT to change) with the
// cross-origin-isolation headers, so the store is a real SharedArrayBuffer shared by the page
// and its workers. public/ is the site; the built drop-in files (tmem.js, its chunks,
// tmem-worker.js, tmem-sw.js) are served from dist/ at the root, next to each other as the
// drop-in expects: the content-hashed chunks (tmem.<name>.<hash>.js) immutable, the others
// with an ETag and a short max-age.
// /tiles/X-Y.svg are a few hundred generated map tiles, immutable, so a newcomer sees the
// cleancache fill on the first tour and answer on the second.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 8080);
// Production-style caching headers (sirv's dev mode would send no-store, which the cleancache
// rightly refuses to keep): ETags, and a short max-age, so the app shell can be kept offline
// and revalidated.
const statics = (dir, extra = {}) => sirv(dir, { etag: true, maxAge: 60, ...extra });
const site = statics(`${root}public/demo`, { extensions: ['html'] });
const publicFiles = statics(`${root}public`);
const built = statics(`${root}dist`);

/** The drop-in's content-hashed chunks (scripts/build.mjs names them so). */
const HASHED_CHUNK = /^\/tmem\.[\w-]+\.[\w-]{8,}\.js$/;

export const TILES = 20; // a TILES × TILES world: 400 tiles

/** A deterministic SVG map tile: terrain colours from a hash, a grid, a label. */
export function tileSvg(x, y) {
  let h = (x * 73856093) ^ (y * 19349663);
  const rnd = () => ((h = (Math.imul(h, 1103515245) + 12345) | 0) >>> 8) / 16777216;
  const hue = Math.round(90 + 60 * Math.sin(x / 3) + 40 * Math.cos(y / 4));
  let shapes = '';
  for (let i = 0; i < 14; i++) {
    const cx = Math.round(rnd() * 256), cy = Math.round(rnd() * 256), r = Math.round(8 + rnd() * 40);
    shapes += `<circle cx="${cx}" cy="${cy}" r="${r}" fill="hsl(${(hue + Math.round(rnd() * 60)) % 360} 45% ${35 + Math.round(rnd() * 30)}%)" fill-opacity="0.7"/>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">` +
    `<rect width="256" height="256" fill="hsl(${hue} 35% 55%)"/>${shapes}` +
    `<path d="M0 0H256V256" fill="none" stroke="#0003"/>` +
    `<text x="8" y="20" font-family="sans-serif" font-size="14" fill="#000a">${x},${y}</text></svg>`;
}

const server = http.createServer((req, res) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const tile = /^\/tiles\/(\d+)-(\d+)\.svg$/.exec(url.pathname);
  if (tile) {
    const x = Number(tile[1]), y = Number(tile[2]);
    if (x >= TILES || y >= TILES) { res.statusCode = 404; res.end('no such tile'); return; }
    const body = tileSvg(x, y);
    res.setHeader('Content-Type', 'image/svg+xml');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  if (HASHED_CHUNK.test(url.pathname)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  site(req, res, () => publicFiles(req, res, () => built(req, res, () => { res.statusCode = 404; res.end('not found'); })));
});

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  server.listen(port, 'localhost', () => {
    console.log(`webtmem demo: http://localhost:${port}/  (cross-origin isolated; Ctrl+C to stop)`);
  });
}
export { server };
