// The stats panel: public exports. The panel reads published stats only; it never imports
// the store.
export { createPanel, mountPanel } from './panel.js';
export type { Panel, PanelOptions, PanelLayout, DockSide } from './panel.js';
export { installPagePanel } from './page-panel.js';
export type { PagePanel, PagePanelOptions } from './page-panel.js';
export { pageStatsSource } from './stats-source.js';
export type { StatsSource, WebtmemGlobal } from './stats-source.js';
export { devtoolsStatsSource, STATS_EXPRESSION } from './devtools-source.js';
export type { DevtoolsLike, InspectedWindowLike } from './devtools-source.js';
export { startDevtoolsPanel } from './devtools-panel.js';
export { StatsHistory } from './stats-history.js';
export { toSample, SAMPLE_COLUMNS } from './stats-sample.js';
export type { StatsSample } from './stats-sample.js';
export { historyToJSON, historyToCSV, EXPORT_FORMAT } from './stats-export.js';
export { installShortcut, parseShortcut, DEFAULT_SHORTCUT } from './shortcut.js';
export { panelOnDemand } from './panel-handle.js';
export type { PanelHandle, PanelHandleOptions, PanelModule } from './panel-handle.js';
