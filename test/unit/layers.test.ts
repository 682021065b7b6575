// The layer rule, checked on every source file: worker/ (what every thread shares, and the
// store worker's entry) imports neither sw/ nor app/; sw/ (the service worker) imports only
// worker/; app/ (the page's entry points) imports worker/ and, for the drop-in's configuration
// format, sw/config.ts and sw/http/. And no two files import each other through a cycle.
// Imports are read with TypeScript's own pre-processor (static, dynamic and re-exports).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAYERS = ['worker', 'sw', 'app'] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import besides itself (paths relative to the repository root). */
const ALLOWED: Record<Layer, (target: string) => boolean> = {
  worker: () => false,
  sw: (t) => t.startsWith('worker/'),
  app: (t) => t.startsWith('worker/') || t === 'sw/config.ts' || t.startsWith('sw/http/'),
};

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The repository files a source file imports (relative specifiers only; packages are not layers). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, '.ts'));
}

const files = LAYERS.flatMap((l) => sources(l));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const layerOf = (path: string): Layer | null => (LAYERS as readonly string[]).find((l) => path.startsWith(l + '/')) as Layer ?? null;

describe('layers', () => {
  it('finds the sources and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get('sw/index.ts')!.length).toBeGreaterThan(0);
  });

  it('every import points down the layers', () => {
    const against: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file)!;
      for (const target of targets) {
        const to = layerOf(target);
        if (to === null || to === from) continue;
        if (!ALLOWED[from](target)) against.push(`${file} → ${target}`);
      }
    }
    expect(against).toEqual([]);
  });

  it('every relative import names an existing file', () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t) && layerOf(t) !== null).map((t) => `${file} → ${t}`));
    expect(missing).toEqual([]);
  });

  it('no cycle between files', () => {
    // Tarjan's strongly connected components; a component of more than one file is a cycle.
    let next = 0;
    const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string): void => {
      index.set(v, next); low.set(v, next); next++; stack.push(v); on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
        else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do { w = stack.pop()!; on.delete(w); component.push(w); } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const f of graph.keys()) if (!index.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
