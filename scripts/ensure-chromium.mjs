// Makes sure the browser tests and benchmarks have a Chromium: Debian's package, used from
// $CHROMIUM_PATH or /usr/bin/chromium. Playwright never downloads a browser here. Installs it
// with apt-get when it is missing and we are root (as on CI and the developers' machines);
// otherwise says what to do.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
if (process.env.CHROMIUM_PATH) {
  console.error(`chromium: CHROMIUM_PATH=${path} does not exist`);
  process.exit(1);
}
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error('chromium: /usr/bin/chromium is missing; install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH');
  process.exit(1);
}
console.log('chromium: installing Debian\'s chromium (apt-get)');
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
if (run(['update', '-qq']).status !== 0 || run(['install', '-y', '-qq', 'chromium']).status !== 0 || !existsSync(path)) {
  console.error('chromium: apt-get could not install chromium');
  process.exit(1);
}
