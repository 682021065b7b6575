// The in-page panel as the drop-in installs it: `window.webtmem.panel`, the script tag's
// data-panel attribute, and the keyboard shortcut.
import { createPanel, type Panel, type PanelLayout } from './panel.js';
import { installShortcut, parseShortcut, DEFAULT_SHORTCUT } from './shortcut.js';
import { pageStatsSource, type WebtmemGlobal } from './stats-source.js';

/** Options of {@link installPagePanel}. */
export interface PagePanelOptions {
  /** The page's webtmem object, or a getter (default: `window.webtmem` on each poll). */
  webtmem?: WebtmemGlobal | (() => WebtmemGlobal | null | undefined);
  /**
   * The drop-in's `data-panel` value. Absent (null/undefined): the panel is created closed,
   * polls nothing until first opened, and no shortcut is installed. Present:
   * "" | "open" | "docked" | "bottom" → open, docked at the bottom; "right" → open, docked
   * right; "floating" → open, floating; "closed" → closed, but recording history and the
   * shortcut active.
   */
  panel?: string | null;
  /** The drop-in's `data-panel-shortcut`: a shortcut such as "Alt+Shift+T", or "none".
   *  Default: {@link DEFAULT_SHORTCUT} when `panel` is present. */
  shortcut?: string | null;
}

/** A panel plus the shortcut it installed. */
export interface PagePanel extends Panel {
  /** Removes the shortcut too. */
  destroy(): void;
}

/**
 * Creates the in-page panel for a page with webtmem.
 * @param options Where stats come from and the drop-in's attributes.
 */
export function installPagePanel(options: PagePanelOptions = {}): PagePanel {
  const setting = options.panel;
  const enabled = setting !== null && setting !== undefined;
  const mode = (setting ?? '').trim().toLowerCase();
  const layout: PanelLayout = mode === 'floating' || mode === 'float' ? 'floating' : 'docked';
  const shortcut = options.shortcut ?? (enabled ? DEFAULT_SHORTCUT : 'none');
  // Checked before the panel exists: a bad shortcut must not leave a panel no one can destroy.
  if (shortcut.toLowerCase() !== 'none') parseShortcut(shortcut);
  const panel = createPanel(pageStatsSource(options.webtmem), {
    layout,
    dockSide: mode === 'right' ? 'right' : 'bottom',
    open: enabled && mode !== 'closed',
    collectWhileClosed: enabled,
  });
  const remove = shortcut.toLowerCase() === 'none' ? () => {} : installShortcut(shortcut, () => panel.toggle());
  const destroy = panel.destroy;
  panel.destroy = () => {
    remove();
    destroy();
  };
  return panel;
}
