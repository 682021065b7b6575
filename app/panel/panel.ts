// The stats panel's lifecycle: a shadow-rooted view of published stats, polled from a
// StatsSource. Cost to the page's data path is nil by construction: the panel reads snapshots
// that are published anyway, never touches the store, builds its DOM only when first opened,
// and draws at most once per animation frame, only while open.
import { h, setAttr } from './dom.js';
import { panelCss } from './panel-styles.js';
import { PanelView } from './panel-view.js';
import { StatsHistory } from './stats-history.js';
import { downloadText, historyToCSV, historyToJSON } from './stats-export.js';
import type { StatsSource } from './stats-source.js';

/** docked: along a window edge; floating: a movable box; embedded: fills its host (DevTools). */
export type PanelLayout = 'docked' | 'floating' | 'embedded';
export type DockSide = 'bottom' | 'right';

/** Options of {@link createPanel} and {@link mountPanel}. */
export interface PanelOptions {
  /** Default 'docked'. */
  layout?: PanelLayout;
  /** Edge of a docked panel; default 'bottom'. */
  dockSide?: DockSide;
  /** Poll period in ms; default 200 (5 refreshes a second). */
  intervalMs?: number;
  /** History kept for the charts and the export, in seconds; default 300. */
  historySeconds?: number;
  /** Open at once; default false. */
  open?: boolean;
  /** Keep polling (and recording history) while closed, so charts are full when opened.
   *  Default true; false polls only while open. */
  collectWhileClosed?: boolean;
  /** Draw at most once a second while the document is hidden (no animation frames run
   *  then), so the panel is current the moment it is shown. Default false: a hidden page's
   *  panel waits for its next frame. The DevTools panel sets it: its page is often reported
   *  hidden while DevTools is open. */
  drawWhileHidden?: boolean;
}

/** A stats panel. Every method may be called whether or not it is open. */
export interface Panel {
  readonly isOpen: boolean;
  readonly layout: PanelLayout;
  /** The element holding the shadow root. */
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
  readonly history: StatsHistory;
  open(): void;
  close(): void;
  /** Opens when closed, closes when open; returns the new state. */
  toggle(): boolean;
  dock(side?: DockSide): void;
  float(): void;
  /** Polls the source once now; the open panel draws on the next frame. */
  refresh(): Promise<void>;
  /** Downloads the history as JSON / CSV. */
  exportJSON(): void;
  exportCSV(): void;
  /** Stops polling and removes the panel (and its host, when createPanel made it). */
  destroy(): void;
}

/**
 * Creates a panel in a new `<webtmem-panel>` element appended to `<html>` (outside `<body>`,
 * so the site's body styles cannot move it).
 * @param source Where the stats come from.
 * @param options Layout and timing.
 */
export function createPanel(source: StatsSource, options: PanelOptions = {}): Panel {
  const host = document.createElement('webtmem-panel');
  document.documentElement.append(host);
  const panel = mountPanel(host, source, options);
  const destroy = panel.destroy;
  panel.destroy = () => {
    destroy();
    host.remove();
  };
  return panel;
}

/**
 * Mounts a panel in a new shadow root of `host`.
 * @param host An element without a shadow root.
 * @param source Where the stats come from.
 * @param options Layout and timing.
 */
export function mountPanel(host: HTMLElement, source: StatsSource, options: PanelOptions = {}): Panel {
  const intervalMs = options.intervalMs ?? 200;
  const historySeconds = options.historySeconds ?? 300;
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) throw new TypeError(`webtmem panel: intervalMs must be a number of ms above 0, got ${String(options.intervalMs)}`);
  if (!(historySeconds > 0 && Number.isFinite(historySeconds))) throw new TypeError(`webtmem panel: historySeconds must be a number of seconds above 0, got ${String(options.historySeconds)}`);
  const collectWhileClosed = options.collectWhileClosed ?? true;
  const history = new StatsHistory(Math.ceil((historySeconds * 1000) / intervalMs));
  const root = host.attachShadow({ mode: 'open' });
  root.append(h('style', {}, panelCss));

  let layout: PanelLayout = options.layout ?? 'docked';
  let side: DockSide = options.dockSide ?? 'bottom';
  let isOpen = false;
  let destroyed = false;
  let polling = false;
  /** Poll loops started so far: only the newest may go on. */
  let loops = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame = 0;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  let view: PanelView | null = null;

  const panel: Panel = {
    get isOpen() {
      return isOpen;
    },
    get layout() {
      return layout;
    },
    host,
    root,
    history,
    open() {
      if (isOpen || destroyed) return;
      isOpen = true;
      if (!view) {
        view = new PanelView(
          {
            exportJSON: () => panel.exportJSON(),
            exportCSV: () => panel.exportCSV(),
            toggleLayout: () => (layout === 'docked' ? panel.float() : panel.dock()),
            close: () => panel.close(),
          },
          historySeconds,
        );
        root.append(view.box);
      }
      setAttr(host, 'data-open', '');
      applyLayout();
      startPolling();
      schedule();
    },
    close() {
      if (!isOpen) return;
      isOpen = false;
      host.removeAttribute('data-open');
      if (!collectWhileClosed) stopPolling();
    },
    toggle() {
      if (isOpen) panel.close();
      else panel.open();
      return isOpen;
    },
    dock(s = side) {
      layout = 'docked';
      side = s;
      applyLayout();
    },
    float() {
      layout = 'floating';
      applyLayout();
    },
    async refresh() {
      if (destroyed) return;
      const snap = await source.snapshot();
      if (snap) history.push(snap);
      schedule();
    },
    exportJSON() {
      downloadText(historyToJSON(history), `webtmem-stats-${stamp()}.json`, 'application/json');
    },
    exportCSV() {
      downloadText(historyToCSV(history), `webtmem-stats-${stamp()}.csv`, 'text/csv');
    },
    destroy() {
      destroyed = true;
      stopPolling();
      cancelAnimationFrame(frame);
      clearTimeout(fallback);
      view?.destroy();
      view = null;
      isOpen = false;
      host.removeAttribute('data-open');
    },
  };

  function startPolling() {
    if (polling || destroyed) return;
    polling = true;
    // A loop stopped while its poll waited for an answer must not go on beside a newer one.
    const loop = ++loops;
    // Each poll waits for the previous answer, so a slow source is never asked twice at once.
    const tick = async () => {
      try {
        await panel.refresh();
      } catch {
        // A source should not throw; if one does, keep the last numbers and try again.
      }
      if (polling && loop === loops) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, 0);
  }

  function stopPolling() {
    polling = false;
    clearTimeout(timer);
  }

  /** Draws on the next frame: several snapshots within one frame cost one draw. */
  function schedule() {
    if (!isOpen || frame || !view) return;
    frame = requestAnimationFrame(draw);
    // Chromium runs no frames in a document that is visible but not painted (a headless
    // DevTools window, seen in Chromium 156): draw there at most once a second instead.
    fallback = setTimeout(() => {
      if (frame && (document.visibilityState === 'visible' || options.drawWhileHidden)) {
        cancelAnimationFrame(frame);
        draw();
      }
    }, 1000);
  }

  function draw() {
    frame = 0;
    clearTimeout(fallback);
    if (isOpen && view) view.render(history, source.missingReason ?? null);
  }

  function applyLayout() {
    setAttr(host, 'data-layout', layout);
    view?.setLayout(layout, side);
  }

  applyLayout();
  if (collectWhileClosed) startPolling();
  if (options.open) panel.open();
  return panel;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
