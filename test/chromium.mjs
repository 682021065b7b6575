// Debian's Chromium and the flags it needs on these machines (no network, root), in one place
// for playwright.config.ts and the benchmarks. Playwright never downloads a browser here.
import net from 'node:net';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A TCP port free on localhost now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, 'localhost', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

