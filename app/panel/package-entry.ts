// The package entry 'webtmem/panel' (dist/panel.js): the in-page stats panel for an app that
// imports webtmem instead of using the drop-in. Import it on demand, so the panel and its
// charts (uPlot) load only when wanted:
//
//   const { installPagePanel } = await import('webtmem/panel');
//   installPagePanel({ webtmem: client, panel: 'open' });   // client: connect()'s TmemClient
//
// The panel reads the snapshots the client publishes (lastStats, stats()); it never touches
// the store.
export { installPagePanel, type PagePanel, type PagePanelOptions } from './page-panel.js';
export { createPanel, mountPanel, type Panel, type PanelOptions, type PanelLayout, type DockSide } from './panel.js';
export { pageStatsSource, type StatsSource, type WebtmemGlobal } from './stats-source.js';
export { DEFAULT_SHORTCUT } from './shortcut.js';
