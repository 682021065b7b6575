// Runs the Firefox suite: starts the project's test server (isolated and plain ports, as for
// Playwright: TMEM_ISOLATED_PORT / TMEM_PLAIN_PORT, default 8700 / 8701), then node's test
// runner on test/firefox/*.test.mjs (or the files given), one file at a time, with the spec
// reporter, whose closing "ℹ pass N" / "ℹ fail N" lines .ci/run counts. Outside CI a server
// already answering on those ports is reused, as Playwright does.
//   node test/firefox/run.mjs [test/firefox/x.test.mjs …]
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const files = process.argv.slice(2);
if (!files.length) for (const f of readdirSync(here).sort()) if (f.endsWith('.test.mjs')) files.push(`${here}${f}`);

const servers = [];
for (const [port, isolated] of [[Number(process.env.TMEM_ISOLATED_PORT ?? 8700), true], [Number(process.env.TMEM_PLAIN_PORT ?? 8701), false]]) {
  try {
    servers.push(await startServer({ port, isolated }));
  } catch (e) {
    if (e.code !== 'EADDRINUSE' || process.env.CI || !(await isTestServer(port))) throw e;
    console.log(`firefox: reusing the test server already on :${port}`);
  }
}

const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], { stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
for (const s of servers) s.closeAllConnections();
// The server's Vite instance keeps watching files; nothing else is left to wait for.
process.exit(code);

/** Whether the webtmem test server answers on `port` (it serves the repository's package.json). */
async function isTestServer(port) {
  try {
    const r = await fetch(`http://localhost:${port}/package.json`);
    return r.ok && (await r.json()).name === 'webtmem';
  } catch {
    return false;
  }
}
