// The panel inside Chrome DevTools: the same panel code, embedded in the extension's panel
// page, reading the inspected page through chrome.devtools.
import { devtoolsStatsSource, type DevtoolsLike } from './devtools-source.js';
import { mountPanel, type Panel } from './panel.js';

/**
 * Starts the DevTools panel in `root`. Outside DevTools (the panel page opened as a tab, so
 * `chrome.devtools` is missing) it shows a message instead and returns null.
 * @param devtools `chrome.devtools`, or a test double; undefined outside DevTools.
 * @param root The element to fill.
 */
export function startDevtoolsPanel(devtools: DevtoolsLike | undefined, root: HTMLElement): Panel | null {
  if (!devtools?.inspectedWindow) {
    const p = document.createElement('p');
    p.dataset.role = 'no-devtools';
    p.textContent = 'This page is the webtmem DevTools panel: open DevTools on a page and choose the "webtmem" tab.';
    root.replaceChildren(p);
    return null;
  }
  return mountPanel(root, devtoolsStatsSource(devtools.inspectedWindow), {
    layout: 'embedded',
    open: true,
    // DevTools keeps the panel page alive while the window is open: record history even
    // while another DevTools tab is shown, so the charts are full when coming back.
    collectWhileClosed: true,
    // DevTools may report its extension pages hidden while they are open (seen headless in
    // Chromium 156: the devtools page was 'hidden' in a quarter of runs), and a hidden page
    // runs no animation frames; draw once a second there instead.
    drawWhileHidden: true,
  });
}
