import { attach, createStore } from '../../worker/core/index.js';
import type { TmemStore } from '../../worker/core/index.js';
import * as L from '../../worker/layout.js';

export const PS = 4096;

/** A fresh store of `frames` 4 KiB frames (local ArrayBuffer unless shared is asked). */
export function makeStore(frames: number, opts: { shared?: boolean; maxPools?: number } = {}): TmemStore {
  return attach(createStore({ capacityBytes: frames * PS, shared: opts.shared ?? false, maxPools: opts.maxPools }));
}

/** A page whose bytes are derived from a seed (never same-filled for seed >= 0). */
export function pageOf(seed: number, size = PS): Uint8Array {
  const p = new Uint8Array(size);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    p[i] = x >>> 24;
  }
  p[0] = seed & 0xff;
  p[1] = (seed >>> 8) & 0xff ^ 0x5a;
  return p;
}

export const UUID = '0123456789abcdef0123456789ABCDEF';

/** Byte equality without a deep-diff's cost (vitest's toEqual on 4 KiB is slow). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The core's sources, compiled for worker_threads: a worker runs plain Node, which cannot load
 * TypeScript, and the unit tests must exercise the sources, not a possibly stale dist/. Each
 * file of worker/core and worker/layout.ts is transpiled (types stripped, nothing bundled) into
 * a temporary directory of the same shape, so relative imports resolve as in the sources.
 * Returns the URL of the compiled worker/core/index.js.
 */
export async function coreForWorkers(): Promise<string> {
  const ts = (await import('typescript')).default;
  const { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'webtmem-core-'));
  mkdirSync(join(out, 'worker/core'), { recursive: true });
  const files = ['worker/layout.ts', ...readdirSync(join(root, 'worker/core')).filter((f) => f.endsWith('.ts')).map((f) => `worker/core/${f}`)];
  for (const f of files) {
    const { outputText } = ts.transpileModule(readFileSync(join(root, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: f,
    });
    writeFileSync(join(out, f.replace(/\.ts$/, '.js')), outputText);
  }
  return pathToFileURL(join(out, 'worker/core/index.js')).href;
}

/**
 * Checks that no frame of a quiescent store is lost or owned twice: every frame is either in
 * the free stack (once, owner free), or named by exactly one index entry whose tag is the
 * frame's owner and whose place is the frame's recorded location, or an orphan the CLOCK will
 * take back; and the header's used count agrees. Returns the counts, or throws on the first
 * frame that breaks the rule.
 */
export function auditFrames(buffer: ArrayBufferLike): { free: number; owned: number; orphans: number } {
  const w = new Int32Array(buffer);
  const l = L.computeLayout(w[L.H_PAGE_SIZE], w[L.H_TOTAL_FRAMES], w[L.H_MAX_POOLS]);
  const n = l.totalFrames;
  const seen = new Int32Array(n).fill(-1); // where each frame was found: -2 free stack, else loc
  const metaW = l.frameMetaOffset / 4;
  const owner = (f: number) => w[metaW + f * L.FRAME_META_WORDS + L.F_OWNER];
  const top = w[L.H_FREE_TOP];
  for (let i = 0; i < top; i++) {
    const f = w[l.freeStackOffset / 4 + i];
    if (f < 0 || f >= n) throw new Error(`free stack slot ${i} holds ${f}, not a frame`);
    if (seen[f] !== -1) throw new Error(`frame ${f} is in the free stack twice`);
    if (owner(f) !== L.OWNER_FREE) throw new Error(`frame ${f} is in the free stack but owned by ${owner(f)}`);
    seen[f] = -2;
  }
  let owned = 0;
  for (let b = 0; b < l.buckets; b++) {
    const bb = l.indexOffset / 4 + b * L.BUCKET_WORDS;
    if (w[bb + L.B_VERSION] & 1) throw new Error(`bucket ${b} is still locked`);
    let live = 0;
    for (let s = 0; s < L.BUCKET_SLOTS; s++) {
      const tag = w[bb + L.B_KEYS + s * L.KEY_WORDS];
      if (tag === 0) continue;
      live++;
      const v = w[bb + L.B_VALUES + s];
      if (v & L.SAME_FILLED) continue;
      const loc = b * L.BUCKET_SLOTS + s;
      if (v < 0 || v >= n) throw new Error(`entry at ${loc} names frame ${v}, out of range`);
      if (seen[v] === -2) throw new Error(`frame ${v} is both free and named by the entry at ${loc}`);
      if (seen[v] !== -1) throw new Error(`frame ${v} is named by two entries (${seen[v]} and ${loc})`);
      if (owner(v) !== tag) throw new Error(`frame ${v} is owned by ${owner(v)} but named by an entry of pool tag ${tag}`);
      if (w[metaW + v * L.FRAME_META_WORDS + L.F_LOC] !== loc) throw new Error(`frame ${v} records location ${w[metaW + v * L.FRAME_META_WORDS + L.F_LOC]}, its entry is at ${loc}`);
      seen[v] = loc;
      owned++;
    }
    if (live !== w[bb + L.B_COUNT]) throw new Error(`bucket ${b} counts ${w[bb + L.B_COUNT]} entries, holds ${live}`);
  }
  let orphans = 0;
  for (let f = 0; f < n; f++) {
    if (seen[f] !== -1) continue;
    if (owner(f) === L.OWNER_ORPHAN) { orphans++; continue; }
    throw new Error(`frame ${f} is lost: not free, not named by any entry (owner ${owner(f)})`);
  }
  if (orphans !== w[L.H_ORPHANS]) throw new Error(`${orphans} orphan frames, the header counts ${w[L.H_ORPHANS]}`);
  if (w[L.H_USED] !== n - top) throw new Error(`header counts ${w[L.H_USED]} frames used, ${n - top} are out of the free stack`);
  return { free: top, owned, orphans };
}

/**
 * Runs `before` once, the next time `object`'s method `name` (a private one too) is called,
 * then the method itself: a race made to happen at one exact point. Only this instance's
 * method is wrapped, and only for that one call.
 */
export function beforeNextCall(object: object, name: string, before: () => void): void {
  const target = object as Record<string, (...a: unknown[]) => unknown>;
  const method = target[name];
  target[name] = function (this: unknown, ...a: unknown[]) {
    delete target[name]; // the prototype's method again
    before();
    return method.apply(this, a);
  };
}

