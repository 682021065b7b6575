// Builds dist/ with Vite (library mode): one bundle per entry, self-contained, so each can be
// loaded with no bundler: the core and page ES modules, the store worker (module worker), the
// drop-in classic script, the service worker, and the DevTools extension. Declarations come
// from tsc. Entries whose source does not exist yet are skipped with a note.
import { build } from 'vite';
import { existsSync, mkdirSync, cpSync, rmSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

/** [source, output file, format, output dir] */
const entries = [
  ['worker/core/index.ts', 'core.js', 'es', 'dist'],
  ['app/index.ts', 'index.js', 'es', 'dist'],
  ['worker/store-worker.ts', 'tmem-worker.js', 'es', 'dist'],
  ['app/dropin.ts', 'tmem.js', 'iife', 'dist'],
  ['sw/index.ts', 'tmem-sw.js', 'iife', 'dist'],
  ['app/panel/extension-entry.ts', 'panel.js', 'es', 'dist/extension'],
];

// The npm entries ship minified (the drop-in's entries decide for themselves below). Their maps
// are written for debugging a local build but neither referenced from the bundles ('hidden')
// nor packed (package.json "files"), so a user's dev server looks for no missing map.
const npmEntries = new Set(['core.js', 'index.js', 'tmem-worker.js']);

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
for (const [entry, fileName, format, outDir] of entries) {
  if (!existsSync(entry)) {
    console.log(`build: skip ${fileName} (${entry} not written yet)`);
    continue;
  }
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    // Workbox (and other libraries) keep dev-only code behind process.env.NODE_ENV, for the
    // bundler to drop; a browser has no `process`, so it must be replaced here.
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      // A classic script has no import.meta. The drop-in passes connect() a worker URL built
      // from its own script's src, so connect()'s default (./tmem-worker.js next to the module)
      // is unused there; in these builds it resolves against the page instead.
      ...(format === 'iife' ? { 'import.meta.url': 'self.location.href' } : {}),
    },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: npmEntries.has(fileName),
      sourcemap: npmEntries.has(fileName) ? 'hidden' : true,
      lib: { entry, formats: [format], fileName: () => fileName, name: 'webtmem' },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
  console.log(`build: dist/${outDir === 'dist' ? '' : outDir.slice(5) + '/'}${fileName}`);
}
// The drop-in files side by side in public/ too, so a static host of public/ serves them.
for (const f of ['tmem.js', 'tmem-worker.js', 'tmem-sw.js']) if (existsSync(`dist/${f}`)) cpSync(`dist/${f}`, `public/${f}`);
if (existsSync('public/extension')) cpSync('public/extension', 'dist/extension', { recursive: true, filter: (p) => !p.endsWith('panel.js') });
checkBundlerForms();

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.decl.json'], { stdio: 'inherit' });
console.log('build: dist/types (declarations)');

/**
 * Fails the build when dist/ would not work in a user's bundler: Vite, Rollup and webpack emit
 * the store worker only for the literal `new Worker(new URL('./tmem-worker.js',
 * import.meta.url), { type: 'module' })`, and they re-bundle tmem-worker.js, which must need no
 * other file of the package (nor its own URL).
 */
function checkBundlerForms() {
  const index = readFileSync('dist/index.js', 'utf8');
  if (!/new Worker\(new URL\((["'])\.\/tmem-worker\.js\1,\s*import\.meta\.url\),\s*\{\s*type:\s*(["'])module\2/.test(index)) {
    throw new Error('build: dist/index.js lost the literal new Worker(new URL("./tmem-worker.js", import.meta.url), { type: "module" }) form bundlers detect');
  }
  const worker = readFileSync('dist/tmem-worker.js', 'utf8');
  if (/\bimport\s*[("'{*]|\bimport\.meta\b/.test(worker)) {
    throw new Error('build: dist/tmem-worker.js imports something or uses import.meta; it must be self-contained');
  }
}
