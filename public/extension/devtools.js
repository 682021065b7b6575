// Runs once per DevTools window: adds the 'webtmem' panel. The panel page reads the inspected
// page's stats itself (panel.js), so this page stays empty.
chrome.devtools.panels.create('webtmem', '', 'panel.html');
