// The drop-in's script tag, read once: its data-* attributes (formats in sw/http/
// drop-in-options.ts) and where its own files are (next to the script's src). A malformed
// attribute gives one console error and its default applies.
import { parseCapacity, parseOffline, parseRoutes } from '../../sw/http/drop-in-options.js';
import { parseMemory, serviceWorkerUrl, type IsolationMode } from '../../sw/config.js';

/** What the tag asks for. */
export interface DropInTag {
  /** The script's own URL: the drop-in's other files resolve against it. */
  base: string;
  capacityBytes: number;
  /** The service worker's URL, its configuration in the query. */
  swScript: string;
  /** data-sw="none": the site registers its own service worker. */
  ownServiceWorker: boolean;
  isolate: boolean;
  workerUrl: URL;
  scope: string;
  /** data-panel, null when absent. */
  panel: string | null;
  /** data-panel-shortcut, null when absent. */
  panelShortcut: string | null;
}

function reported<T>(parsed: { value: T; error?: string }): T {
  if (parsed.error) console.error(parsed.error);
  return parsed.value;
}

// COEP credentialless: Chromium 96+, Firefox 119+; elsewhere require-corp.
function coepMode(): Exclude<IsolationMode, null> {
  const m = /(?:Chrome|Chromium)\/(\d+)|Firefox\/(\d+)/.exec(navigator.userAgent);
  if (m && ((m[1] && Number(m[1]) >= 96) || (m[2] && Number(m[2]) >= 119))) return 'credentialless';
  return 'require-corp';
}

/**
 * Reads the drop-in's tag.
 * @param script document.currentScript as the drop-in saw it (null: no tag, all defaults)
 * @param pageUrl the document's URL, the base when the script has no src
 */
export function readTag(script: HTMLScriptElement | null, pageUrl: string): DropInTag {
  const attr = (name: string): string | null => script?.getAttribute(name) ?? null;
  const base = script?.src || pageUrl;
  const capacityBytes = reported(parseCapacity(attr('data-capacity')));
  const memory = attr('data-memory');
  reported(parseMemory(memory));
  const offline = attr('data-offline');
  reported(parseOffline(offline));
  const routes = attr('data-routes');
  reported(parseRoutes(routes));
  const isolate = script?.hasAttribute('data-isolate') ?? false;
  // data-sw="none": the site registers its own service worker (one importing tmem-sw.js, e.g.
  // a Workbox one); the drop-in only links to whichever service worker controls the page.
  const sw = attr('data-sw');
  const ownServiceWorker = sw?.trim().toLowerCase() === 'none';
  return {
    base,
    capacityBytes,
    swScript: serviceWorkerUrl(new URL(ownServiceWorker ? 'tmem-sw.js' : (sw ?? 'tmem-sw.js'), base).href, {
      routes,
      offline,
      isolate: isolate ? coepMode() : null,
      capacity: String(capacityBytes),
      memory,
      fillOnInstall: true,
    }),
    ownServiceWorker,
    isolate,
    workerUrl: new URL(attr('data-worker') ?? 'tmem-worker.js', base),
    scope: attr('data-scope') ?? '/',
    panel: attr('data-panel'),
    panelShortcut: attr('data-panel-shortcut'),
  };
}
