// Makes sure the browser tests and benchmarks have their browsers: Debian's packages, named on
// the command line (`node scripts/ensure-browsers.mjs chromium firefox-esr`), each used from its
// path variable or /usr/bin. Neither Playwright nor puppeteer ever downloads a browser here.
// Installs the missing ones with apt-get (one `apt-get update`, one install) when we are root
// (as on CI and the developers' machines); otherwise says what to do.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Debian package → the variable that may point elsewhere, and where the package puts it. */
const BROWSERS = {
  chromium: { env: 'CHROMIUM_PATH', path: '/usr/bin/chromium' },
  'firefox-esr': { env: 'FIREFOX_PATH', path: '/usr/bin/firefox-esr' },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BROWSERS[name]);
if (!wanted.length || unknown.length) {
  console.error(`ensure-browsers: name one or more of ${Object.keys(BROWSERS).join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`);
  process.exit(1);
}
const missing = [];
for (const name of wanted) {
  const { env, path: standard } = BROWSERS[name];
  const path = process.env[env] ?? standard;
  if (existsSync(path)) continue;
  if (process.env[env]) {
    console.error(`${name}: ${env}=${path} does not exist`);
    process.exit(1);
  }
  missing.push(name);
}
if (!missing.length) process.exit(0);
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  for (const name of missing) {
    const { env, path } = BROWSERS[name];
    console.error(`${name}: ${path} is missing; install it (sudo apt-get install -y ${name}) or set ${env}`);
  }
  process.exit(1);
}
console.log(`ensure-browsers: installing Debian's ${missing.join(' and ')} (apt-get)`);
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
if (run(['update', '-qq']).status !== 0 || run(['install', '-y', '-qq', ...missing]).status !== 0 || missing.some((name) => !existsSync(BROWSERS[name].path))) {
  console.error(`ensure-browsers: apt-get could not install ${missing.join(' and ')}`);
  process.exit(1);
}
