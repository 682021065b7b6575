// An offline switch for Firefox: a forward HTTP proxy in the test process that all of the
// browser's requests go through (localhost included), and that drops every connection while
// offline, so a request fails as it does with no network.
//
// Why not puppeteer's page.setOfflineMode: over WebDriver BiDi it is
// emulation.setNetworkConditions({ type: 'offline' }), which Firefox ESR 153 applies to the
// page's own requests but not to its service worker's (checked: a controlled page's fetch of a
// route the service worker answers from the network still reached the server; sent for a whole
// user context, or for every context, the command did not make the page's fetches fail at all).
// Chromium's
// setOffline covers service workers, so the Playwright tests use that.
import http from 'node:http';

/**
 * Starts the proxy on a free port.
 * @returns {Promise<{ prefs: Record<string, unknown>, setOffline(on: boolean): void, close(): Promise<void> }>}
 *   prefs: the Firefox preferences that send every request through it
 */
export async function startNetwork() {
  let offline = false;
  const clientSockets = new Set();
  const agent = new http.Agent({ keepAlive: true });
  const proxy = http.createServer((req, res) => {
    if (offline) return void req.socket.destroy();
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    const upstream = http.request(req.url, { method: req.method, headers, agent }, (up) => {
      const back = { ...up.headers };
      for (const h of HOP_BY_HOP) delete back[h];
      res.writeHead(up.statusCode, up.statusMessage, back);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('connection', (socket) => {
    if (offline) return void socket.destroy();
    clientSockets.add(socket);
    socket.on('close', () => clientSockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', resolve);
  });
  return {
    prefs: {
      'network.proxy.type': 1, // manual
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxy.address().port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
    },
    /** Offline: open connections are cut and new ones dropped; online: requests pass again. */
    setOffline(on) {
      offline = on;
      if (on) for (const socket of clientSockets) socket.destroy();
    },
    async close() {
      for (const socket of clientSockets) socket.destroy();
      agent.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

// Headers about one connection, not the message: never forwarded by a proxy (RFC 9110 §7.6.1).
// Node frames the forwarded body itself (Content-Length when given, chunked otherwise).
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
