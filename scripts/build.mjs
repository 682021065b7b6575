// Builds dist/ with Vite: minified production bundles, each loadable with no bundler: the core
// and page ES modules, the store worker (module worker), the drop-in (a small classic loader,
// tmem.js, and its on-demand ES chunks), the service worker, and the DevTools extension.
// Declarations come from tsc. Entries whose source does not exist yet are skipped with a note.
//
// The drop-in is built in three steps, each feeding the next: its chunks (content-hashed
// names, so a site may cache them for good), the loader (the chunk names written in), then
// the service worker (the list of the drop-in's files and their hashes written in, so it can
// keep them for offline use: sw/own-files.ts).
import { build } from 'vite';
import { existsSync, mkdirSync, cpSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

/** Minify every bundle (dev-only text is dropped through NODE_ENV below). */
const MINIFY = true;
/** The drop-in's on-demand chunks: tmem.<name>.<hash>.js next to tmem.js. */
const CHUNK_NAMES = 'tmem.[name].[hash].js';
const HASHED_CHUNK = /^tmem\.[\w-]+\.[\w-]{8,}\.js$/;

/** [source, output file, format, output dir, loaded by browsers as it is]: Vite's lib mode
 *  keeps an ES bundle's whitespace and annotations for a bundler to tree-shake; a file a
 *  browser loads with no bundler after (the drop-in's store worker, the extension's panel)
 *  is minified whitespace too. */
const entries = [
  ['worker/core/index.ts', 'core.js', 'es', 'dist', false],
  ['app/index.ts', 'index.js', 'es', 'dist', false],
  ['worker/store-worker.ts', 'tmem-worker.js', 'es', 'dist', true],
  ['app/panel/package-entry.ts', 'panel.js', 'es', 'dist', false],
  ['app/panel/extension-entry.ts', 'panel.js', 'es', 'dist/extension', true],
];

// Source maps are written for debugging a local build, but neither referenced from the bundles
// ('hidden') nor packed (package.json "files"), so no browser or dev server asks for a map
// that is not there.
/** The Vite options every bundle shares. */
function common(format, define = {}) {
  return {
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    // Workbox (and other libraries) keep dev-only code behind process.env.NODE_ENV, for the
    // bundler to drop; a browser has no `process`, so it must be replaced here.
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      // A classic script has no import.meta: the drop-in passes connect() a worker URL built
      // from its own script's src, so connect()'s default is unused there.
      ...(format === 'iife' ? { 'import.meta.url': 'self.location.href' } : {}),
      ...define,
    },
  };
}

/** Builds one self-contained bundle (`whole`: whitespace minified too, for an ES bundle). */
async function bundle(entry, fileName, format, outDir, define, whole = false) {
  await build({
    ...common(format, define),
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: MINIFY,
      sourcemap: 'hidden',
      lib: { entry, formats: [format], fileName: () => fileName, name: 'webtmem' },
      rollupOptions: { output: { codeSplitting: false, ...(whole && MINIFY ? { minify: { codegen: true } } : {}) } },
    },
  });
  console.log(`build: ${outDir}/${fileName}`);
}

/** The drop-in's on-demand parts as ES chunks; returns { runtime, panel } file names. */
async function buildDropInChunks() {
  const input = { runtime: 'app/dropin/runtime.ts', panel: 'app/panel/page-panel.ts' };
  const result = await build({
    ...common('es'),
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      minify: MINIFY,
      sourcemap: 'hidden',
      lib: { entry: input, formats: ['es'] },
      // Browsers load these as they are, with no bundler after: minified whitespace too (Vite's
      // lib mode keeps an ES bundle's whitespace and annotations for a bundler to tree-shake).
      rollupOptions: { output: { entryFileNames: CHUNK_NAMES, chunkFileNames: chunkFileName, minify: MINIFY && { codegen: true } } },
    },
  });
  const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const names = {};
  for (const c of chunks) if (c.type === 'chunk' && c.isEntry) names[c.name] = c.fileName;
  for (const c of chunks) if (c.type === 'chunk') console.log(`build: dist/${c.fileName}`);
  return names;
}

/** Names the chunks Rolldown splits off: frontswap's (app/frontswap/on-demand.ts imports it
 *  when an area is first opened) and the code the others share, after what they are rather
 *  than after their first module. */
function chunkFileName(chunk) {
  if (chunk.facadeModuleId?.endsWith('/app/frontswap/open.ts')) return 'tmem.frontswap.[hash].js';
  return chunk.isDynamicEntry ? CHUNK_NAMES : 'tmem.shared.[hash].js';
}

/** Subresource Integrity of a built file. */
function integrity(file) {
  return `sha256-${createHash('sha256').update(readFileSync(file)).digest('base64')}`;
}

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
for (const [entry, fileName, format, outDir, whole] of entries) {
  if (!existsSync(entry)) {
    console.log(`build: skip ${fileName} (${entry} not written yet)`);
    continue;
  }
  await bundle(entry, fileName, format, outDir, undefined, whole);
}

const chunks = await buildDropInChunks();
await bundle('app/dropin/loader.ts', 'tmem.js', 'iife', 'dist', { __WEBTMEM_CHUNKS__: JSON.stringify(chunks) });
// Every file of the drop-in, for the service worker to keep offline (tmem-sw.js last, without
// a hash: it cannot hold its own).
const ownFiles = ['tmem.js', ...readdirSync('dist').filter((f) => HASHED_CHUNK.test(f)).sort(), 'tmem-worker.js']
  .filter((f) => existsSync(`dist/${f}`))
  .map((path) => ({ path, integrity: integrity(`dist/${path}`) }));
ownFiles.push({ path: 'tmem-sw.js' });
await bundle('sw/index.ts', 'tmem-sw.js', 'iife', 'dist', { __WEBTMEM_OWN_FILES__: JSON.stringify(ownFiles) });

// The drop-in files side by side in public/ too, so a static host of public/ serves them
// (stale chunks of earlier builds removed first).
for (const f of readdirSync('public')) if (HASHED_CHUNK.test(f)) rmSync(`public/${f}`);
for (const { path } of ownFiles) cpSync(`dist/${path}`, `public/${path}`);
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
