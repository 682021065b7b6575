// The panel on demand: a small handle that answers open() / toggle() / the keyboard shortcut on
// every page, and loads the panel's code (and uPlot, most of its weight) only when the panel is
// first wanted. Calls made while the code is loading are remembered and applied once it runs.
//
//   data-panel absent   → nothing loaded; the shortcut and panel.open() load it, opened
//   data-panel present  → loaded at start, opened as the attribute says ("closed": closed but
//                         recording history, so the charts are full when it is opened)
//
// Only types come from the panel's own modules here, so bundling this file pulls none of them.
import type { installPagePanel, PagePanel } from './page-panel.js';
import type { DockSide, Panel, PanelLayout } from './panel.js';
import { DEFAULT_SHORTCUT, installShortcut } from './shortcut.js';
import type { WebtmemGlobal } from './stats-source.js';

/** The module the handle loads: page-panel.ts (the drop-in's panel chunk). */
export interface PanelModule {
  installPagePanel: typeof installPagePanel;
}

/** Options of {@link panelOnDemand}. */
export interface PanelHandleOptions {
  /** Loads the panel's code (a dynamic import of its chunk). */
  load(): Promise<PanelModule>;
  /** The page's webtmem object, read on each poll. */
  webtmem(): WebtmemGlobal | null | undefined;
  /** The drop-in's data-panel value, null when absent (see the top of this file). */
  panel?: string | null;
  /** data-panel-shortcut: e.g. "Alt+Shift+T", or "none". Default {@link DEFAULT_SHORTCUT}. */
  shortcut?: string | null;
}

/** The Panel's state and controls, which the handle offers under the same names. */
type PanelControls = Pick<Panel,
  'isOpen' | 'layout' | 'open' | 'close' | 'toggle' | 'dock' | 'float' | 'refresh' | 'exportJSON' | 'exportCSV' | 'destroy'>;

/** `window.webtmem.panel`: the {@link Panel}'s state and methods, usable before its code has
 *  loaded. Until then isOpen says whether it is about to be open; open() and the exports load
 *  the code first, refresh() does nothing, and destroy() removes the shortcut (and the panel
 *  once loaded; later calls do nothing). */
export interface PanelHandle extends PanelControls {
  /** The loaded panel (host, shadow root, history), or null before its code has loaded. */
  readonly instance: PagePanel | null;
  /** Why the panel's code could not be loaded, or null. */
  readonly error: string | null;
  /** Loads the panel's code now (once) and resolves with the panel. */
  load(): Promise<PagePanel>;
}

/**
 * Makes the page's panel handle and installs the shortcut. With `panel` set, starts loading the
 * panel's code at once.
 * @param options the loader of the panel's code and the drop-in's attributes
 */
export function panelOnDemand(options: PanelHandleOptions): PanelHandle {
  const setting = options.panel ?? null;
  const mode = (setting ?? '').trim().toLowerCase();
  // What the caller asked for so far; applied to the panel when its code has run.
  let wantOpen = setting !== null && mode !== 'closed';
  let wantLayout: PanelLayout = mode === 'floating' || mode === 'float' ? 'floating' : 'docked';
  let wantSide: DockSide = mode === 'right' ? 'right' : 'bottom';
  let instance: PagePanel | null = null;
  let loading: Promise<PagePanel> | null = null;
  let error: string | null = null;
  let destroyed = false;

  const load = (): Promise<PagePanel> => {
    loading ??= options.load().then((m) => {
      error = null;
      if (destroyed) throw new Error('webtmem: the panel was destroyed while its code loaded');
      const p = m.installPagePanel({ webtmem: options.webtmem, panel: setting, shortcut: 'none' });
      if (wantLayout === 'floating') p.float();
      else p.dock(wantSide);
      if (wantOpen) p.open();
      else p.close();
      instance = p;
      return p;
    }, (e: unknown) => {
      error = `the panel's code could not be loaded: ${(e as Error)?.message ?? String(e)}`;
      console.error(`webtmem: ${error}`);
      wantOpen = false; // nothing is shown
      loading = null; // a later open() tries again (the network may be back)
      throw e;
    });
    return loading;
  };
  // Loads in the background for calls that need the code; failures are reported by load().
  const withPanel = (run: (p: PagePanel) => void) => {
    if (destroyed) return;
    if (instance) run(instance);
    else load().then(run, () => {});
  };

  const handle: PanelHandle = {
    get isOpen() {
      return instance ? instance.isOpen : wantOpen;
    },
    get layout() {
      return instance ? instance.layout : wantLayout;
    },
    get instance() {
      return instance;
    },
    get error() {
      return error;
    },
    open() {
      wantOpen = true;
      // Before the code has run, load() applies what is wanted by then (a close() may follow).
      if (instance) instance.open();
      else if (!destroyed) load().catch(() => {});
    },
    close() {
      wantOpen = false;
      instance?.close();
    },
    toggle() {
      if (handle.isOpen) handle.close();
      else handle.open();
      return handle.isOpen;
    },
    dock(side = wantSide) {
      wantLayout = 'docked';
      wantSide = side;
      instance?.dock(side);
    },
    float() {
      wantLayout = 'floating';
      instance?.float();
    },
    refresh: () => (instance ? instance.refresh() : Promise.resolve()),
    exportJSON: () => withPanel((p) => p.exportJSON()),
    exportCSV: () => withPanel((p) => p.exportCSV()),
    load,
    destroy() {
      destroyed = true;
      removeShortcut();
      instance?.destroy();
      instance = null;
    },
  };

  const shortcut = options.shortcut ?? DEFAULT_SHORTCUT;
  const toggle = () => handle.toggle();
  let removeShortcut = () => {};
  if (shortcut.trim().toLowerCase() !== 'none') {
    try {
      removeShortcut = installShortcut(shortcut, toggle);
    } catch (e) {
      console.error(`webtmem: data-panel-shortcut="${shortcut}": ${(e as Error).message}; using ${DEFAULT_SHORTCUT}.`);
      removeShortcut = installShortcut(DEFAULT_SHORTCUT, toggle);
    }
  }
  if (setting !== null) load().catch(() => {});
  return handle;
}
