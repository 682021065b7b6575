// The drop-in's on-demand parts: ES module chunks next to tmem.js, with content-hashed names
// (so a site may cache them for good) that the build writes into the loader. They are imported
// from the loader's own URL, so the drop-in works wherever the site puts its files.
import type { PanelModule } from '../panel/panel-handle.js';
import type * as Runtime from './runtime.js';

/** The chunk of each on-demand part, as scripts/build.mjs names them. */
interface ChunkNames {
  runtime: string;
  panel: string;
}

// Replaced by scripts/build.mjs; absent when this source runs unbuilt.
declare const __WEBTMEM_CHUNKS__: ChunkNames | undefined;

function chunkUrl(part: keyof ChunkNames, base: string): string {
  if (typeof __WEBTMEM_CHUNKS__ === 'undefined') {
    throw new Error('webtmem: this loader was not built by scripts/build.mjs, so it does not know its chunks');
  }
  return new URL(__WEBTMEM_CHUNKS__[part], base).href;
}

/** The runtime (store client, page cleancache, service-worker link). */
export function importRuntime(base: string): Promise<typeof Runtime> {
  return import(/* @vite-ignore */ chunkUrl('runtime', base));
}

/** The panel (its views and uPlot). */
export function importPanel(base: string): Promise<PanelModule> {
  return import(/* @vite-ignore */ chunkUrl('panel', base));
}
