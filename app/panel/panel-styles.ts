// The panel's stylesheet, placed in its shadow root. Site rules cannot reach inside a shadow
// root, and the host's own box is pinned with !important in :host rules, which beat the page's
// !important rules (CSS Cascade 4: for important declarations the inner tree context wins).
// All lengths are px so the site's root font-size cannot rescale the panel.
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

const PANEL_CSS = `
:host {
  all: initial !important;
  display: block !important;
  position: fixed !important;
  inset: 0 !important;
  z-index: 2147483647 !important;
  pointer-events: none !important;
  visibility: visible !important;
  opacity: 1 !important;
  transform: none !important;
  contain: layout style !important;
}
:host(:not([data-open])) { display: none !important; }
:host([data-layout="embedded"]) {
  position: relative !important; inset: auto !important; pointer-events: auto !important;
  width: 100% !important; height: 100% !important; z-index: auto !important;
}
.panel {
  pointer-events: auto; position: absolute; box-sizing: border-box;
  display: flex; flex-direction: column; overflow: hidden;
  font: 12px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d2430; background: #fbfcfd; color-scheme: light;
  border: 1px solid #c9d1dc; box-shadow: 0 4px 24px #0003; text-align: left;
  letter-spacing: normal; word-spacing: normal; text-transform: none; direction: ltr;
}
.panel[data-layout="docked"][data-side="bottom"] { left: 0; right: 0; bottom: 0; height: 45vh; border-width: 1px 0 0; }
.panel[data-layout="docked"][data-side="right"] { top: 0; right: 0; bottom: 0; width: min(720px, 60vw); border-width: 0 0 0 1px; }
.panel[data-layout="floating"] { width: 760px; height: 540px; max-width: 100vw; max-height: 100vh; border-radius: 6px; resize: both; }
.panel[data-layout="embedded"] { position: static; width: 100%; height: 100%; border: 0; box-shadow: none; }
header {
  display: flex; align-items: center; gap: 8px; padding: 4px 8px; flex: none;
  background: #eef1f5; border-bottom: 1px solid #d7dde5; user-select: none;
}
.panel[data-layout="floating"] header { cursor: move; }
header h1 { font-size: 13px; font-weight: 600; margin: 0; }
header .status { flex: 1; color: #5b6677; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
header .status[data-live="false"] { color: #a4471b; }
button {
  font: inherit; font-size: 11px; padding: 2px 8px; border: 1px solid #b8c2cf; border-radius: 3px;
  background: #fff; color: #1d2430; cursor: pointer;
}
button:hover { background: #e3e9f1; }
.panel[data-layout="embedded"] button[data-action="layout"],
.panel[data-layout="embedded"] button[data-action="close"] { display: none; }
.body { flex: 1; overflow: auto; padding: 8px 10px 12px; }
.message { padding: 16px; font-size: 13px; color: #a4471b; }
.message[hidden], [hidden] { display: none !important; }
section { margin: 0 0 12px; }
h2 { font-size: 12px; font-weight: 600; margin: 0 0 4px; color: #394355; text-transform: uppercase; letter-spacing: .04em; }
.bar { position: relative; display: flex; height: 16px; border-radius: 3px; overflow: hidden; background: #e8ecf1; }
.seg { height: 100%; min-width: 0; }
.seg.ephemeral, .dot.ephemeral { background: #4e79a7; }
.seg.persistent, .dot.persistent { background: #e15759; }
.seg.free, .dot.free { background: #d5dde7; }
.dot.budget { background: #1d2430; }
.budget-mark { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: #1d2430; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 5px; color: #394355; }
.fig b { font-weight: 600; color: #1d2430; font-variant-numeric: tabular-nums; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 4px; }
.tablewrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; }
th, td { padding: 2px 6px; border-bottom: 1px solid #e3e8ee; white-space: nowrap; text-align: right; }
th { font-weight: 600; color: #5b6677; background: #f3f5f8; position: sticky; top: 0; }
th:first-child, td:first-child, [data-field="flags"], [data-field="name"], [data-field="url"],
[data-field="message"], [data-field="kind"], [data-field="lastError"] { text-align: left; }
td[data-field="url"] { max-width: 420px; overflow: hidden; text-overflow: ellipsis; }
tr.ev-disk-error td, tr.ev-worker-gone td { color: #b3261e; }
tr.ev-pressure td[data-field="kind"], tr.ev-budget td[data-field="kind"] { color: #7a4d00; font-weight: 600; }
.muted { color: #7b8696; margin: 2px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 12px; }
.chart { min-width: 0; }
.uplot { font-family: inherit; }
.u-title { font-size: 12px !important; font-weight: 600 !important; color: #394355; }
.u-legend { font-size: 11px; }
`;

/** The full stylesheet: uPlot's own rules, then the panel's. */
export const panelCss = `${uplotCss}\n${PANEL_CSS}`;
