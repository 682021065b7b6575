// Makes the consumer apps as a user would: `npm pack` of this repository's dist/ (build it
// first), each fixture app copied to a fresh temporary folder, the tarball installed into it
// with npm from the local cache (--offline: webtmem's own dependencies are already there after
// the project's `npm ci`), then each app's own build script. The build tools (vite, webpack,
// tsc) are the project's devDependencies, found through node_modules/.bin on PATH, as a user's
// would be through their app's.
// Run alone (`node test/consumers/prepare.mjs`) it prepares everything and prints the folders.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('.', import.meta.url));
const env = { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`, npm_config_update_notifier: 'false' };

/** Runs a command in `cwd`; a failure says which command and shows its output. */
async function sh(cwd, file, args) {
  try {
    return (await run(file, args, { cwd, env, maxBuffer: 16 << 20 })).stdout;
  } catch (e) {
    throw new Error(`consumers: \`${file} ${args.join(' ')}\` failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

/** `npm pack` into a fresh folder; returns the tarball's path. */
export async function pack(into) {
  const out = JSON.parse(await sh(root, 'npm', ['pack', '--json', '--pack-destination', into]));
  return { tarball: join(into, out[0].filename), size: out[0].size, unpackedSize: out[0].unpackedSize, files: out[0].files.map((f) => f.path) };
}

/**
 * A copy of fixture `name` with the tarball installed; returns its folder. `npm install <tgz>`
 * would ask the registry for each dependency's version list, which `npm ci` never caches; so
 * the app gets what a user's lockfile would hold: webtmem from the tarball, its dependencies at
 * the versions and integrity hashes of this project's lockfile, and `npm ci --offline` takes
 * their tarballs from the npm cache.
 */
export async function install(name, tarball, into) {
  const dir = join(into, name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  // The Vite and webpack apps share one page script.
  if (name !== 'ts-strict') cpSync(join(fixtures, 'app.js'), join(dir, 'src/main.js'));
  const app = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  app.dependencies = { webtmem: `file:${tarball}` };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(app, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockfile(app, tarball), null, 2));
  await sh(dir, 'npm', ['ci', '--offline', '--no-audit', '--no-fund']);
  return dir;
}

/** The lockfile of an app depending on the tarball alone. */
function lockfile(app, tarball) {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const locked = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const packages = {
    '': { name: app.name, dependencies: app.dependencies },
    'node_modules/webtmem': { version: own.version, resolved: `file:${tarball}`, license: own.license, dependencies: own.dependencies },
  };
  // webtmem's dependencies and theirs, hoisted as the project's own install has them.
  const todo = Object.keys(own.dependencies);
  while (todo.length > 0) {
    const dep = todo.pop();
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    if (!locked[key]) throw new Error(`consumers: ${dep} is not in package-lock.json`);
    const { version, integrity, license, dependencies } = locked[key];
    packages[key] = { version, integrity, license, ...(dependencies ? { dependencies } : {}) };
    todo.push(...Object.keys(dependencies ?? {}));
  }
  return { name: app.name, lockfileVersion: 3, requires: true, packages };
}

/** Runs one of the app's package.json scripts. */
export const script = (dir, name) => sh(dir, 'npm', ['run', '--silent', name]);

/** Type-checks the TypeScript consumer with one of its tsconfig files. */
export const typecheck = (dir, tsconfig) => sh(dir, process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig]);

/** Packs once, then installs and builds the Vite and webpack apps and installs the TS app. */
export async function prepareAll() {
  const base = mkdtempSync(join(tmpdir(), 'webtmem-consumers-'));
  const packed = await pack(base);
  const [vite, webpack, ts] = await Promise.all(['vite-app', 'webpack-app', 'ts-strict'].map((n) => install(n, packed.tarball, base)));
  await Promise.all([script(vite, 'build'), script(webpack, 'build')]);
  return { base, packed, vite, webpack, ts, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await prepareAll();
  console.log(JSON.stringify({ ...r, cleanup: undefined }, null, 2));
  console.log('vite dist:', readdirSync(join(r.vite, 'dist/assets')));
}
