// Test and demo server: the repository root on two ports, one with the cross-origin-isolation
// headers (COOP/COEP/CORP) and one without (for 'local' mode).
// - TypeScript sources (/worker/…, /app/…, /sw/…, /test/…) are served as ES modules through
//   Vite in middleware mode, so browser tests can import a module without a bundle step.
// - Built files (/dist/…) are served as they are (not through Vite), with an ETag and
//   no-cache; the drop-in's content-hashed chunks (tmem.<name>.<hash>.js) as immutable.
// - Fixtures are served as they are.
// - Dynamic routes under /__t/ (./routes.mjs) count requests, so service-worker tests can ask
//   the server what really reached the network.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createServer as createVite } from 'vite';
import sirv from 'sirv';
import { handleRoute } from './routes.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Files Vite does not answer in 'custom' app mode (HTML pages, images) are served as they are.
const statics = sirv(root, { dev: true, dotfiles: false });
const built = sirv(`${root}dist`, { dev: true, etag: true });
/** The drop-in's content-hashed chunks (scripts/build.mjs names them so). */
const HASHED_CHUNK = /^\/dist\/tmem\.[\w-]+\.[\w-]{8,}\.js$/;

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

let vitePromise;
function vite() {
  vitePromise ??= createVite({
    root,
    configFile: false,
    logLevel: 'warn',
    appType: 'custom',
    publicDir: false,
    // Watching keeps a reused server honest: an edited module is served fresh.
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { include: ['idb', 'comlink', 'workbox-core', 'uplot'], noDiscovery: true },
  });
  return vitePromise;
}

/**
 * @param {{ port: number, isolated: boolean, host?: string }} opts
 * @returns {Promise<http.Server>}
 */
export async function startServer({ port, isolated, host = 'localhost' }) {
  const v = await vite();
  const server = http.createServer((req, res) => {
    if (isolated) for (const [k, val] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, val);
    // The service worker is served from /dist/ yet controls the whole origin.
    res.setHeader('Service-Worker-Allowed', '/');
    if (handleRoute(req, res, { isolated })) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/dist/')) {
      if (HASHED_CHUNK.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      req.url = req.url.slice('/dist'.length);
      built(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      });
      return;
    }
    v.middlewares(req, res, () => {
      statics(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const isoPort = Number(process.env.TMEM_ISOLATED_PORT ?? 8700);
  const plainPort = Number(process.env.TMEM_PLAIN_PORT ?? 8701);
  await startServer({ port: isoPort, isolated: true });
  await startServer({ port: plainPort, isolated: false });
  console.log(`webtmem test server: isolated http://localhost:${isoPort}/  plain http://localhost:${plainPort}/`);
}
