// Entry of the DevTools extension's panel script (bundled to dist/extension/panel.js).
import { startDevtoolsPanel } from './devtools-panel.js';
import type { DevtoolsLike } from './devtools-source.js';

const chromeGlobal = (globalThis as { chrome?: { devtools?: DevtoolsLike } }).chrome;
startDevtoolsPanel(chromeGlobal?.devtools, document.getElementById('webtmem-root') ?? document.body);
