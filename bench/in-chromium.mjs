// A browser benchmark's run in Debian's Chromium, in one place: the launch (test/chromium.mjs's
// path and flags), closing the browser and the server whatever happened, and the exit status.
// Not a benchmark itself (bench/run.mjs lists those).
import { chromiumArgs, chromiumPath, freePort } from '../test/chromium.mjs';

/** The repository's test server (test/server/serve.mjs) on a free port, with the isolation
 *  headers, for benchmarks of webtmem's own fixtures. */
export async function startTestServer() {
  const { startServer } = await import('../test/server/serve.mjs');
  const port = await freePort();
  const server = await startServer({ port, isolated: true });
  return { port, server };
}

/**
 * Launches Chromium, runs `bench` with it, closes the browser and `server`, and ends the
 * process: the test server's Vite middleware keeps handles open, so the run would not end by
 * itself. The status is 1 when `bench` threw (its error printed), else 0.
 * @param {{ close(): unknown }} server what served the pages
 * @param {(browser: import('@playwright/test').Browser) => Promise<void>} bench prints its own figures
 * @returns {Promise<never>}
 */
export async function benchInChromium(server, bench) {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  let exitCode = 0;
  try {
    await bench(browser);
  } catch (e) {
    console.error(e);
    exitCode = 1;
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(exitCode);
}
