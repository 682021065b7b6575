// `npm run bench`: every benchmark in one run, one after the other (they would disturb each
// other's timings if run together), each printing its ratios. Needs a build (npm run bench
// builds first) and, for the browser parts, Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = fileURLToPath(new URL('.', import.meta.url));
const suites = [
  ['core (Node worker_threads)', 'core.mjs'],
  ['page client in Chromium', 'browser.mjs'],
  ['frontswap in Chromium', 'frontswap.mjs'],
  ['service worker cleancache in Chromium', 'sw.mjs'],
  ['site loads: no worker, Workbox, webtmem in Chromium', 'sites.mjs'],
  ['drop-in first visit in Chromium', 'dropin.mjs'],
];
console.log(`webtmem benchmarks — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
let failed = 0;
for (const [name, file] of suites) {
  const path = here + file;
  if (!existsSync(path)) { console.log(`\n## ${name}: not present (${file})`); continue; }
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, [path], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`(${file} exited with ${r.status})`); }
}
process.exit(failed ? 1 : 0);
