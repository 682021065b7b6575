// The drop-in's script tag, read once: its data-* attributes (formats in sw/http/
// drop-in-options.ts) and where its own files are (next to the script's src, unless data-sw or
// data-worker name them: those resolve against the page, as any URL in an attribute does). A
// malformed attribute gives one console error and its default applies.
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
  /** data-panel, lower-cased: '' (present) or 'true' (as frameworks write a boolean), 'open',
   *  'docked', 'bottom', 'right', 'floating', 'float' or 'closed'; null when absent or malformed. */
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

/** data-panel's values (app/panel/panel-handle.ts reads them). */
const PANEL_VALUES = new Set(['', 'true', 'open', 'docked', 'bottom', 'right', 'floating', 'float', 'closed']);

/** A URL attribute resolved against the page, or `fallback` (resolved against the script)
 *  with one console error when it is no URL. */
function urlAttr(name: string, value: string | null, pageUrl: string, fallback: URL): URL {
  if (value === null) return fallback;
  try {
    return new URL(value, pageUrl);
  } catch {
    console.error(`webtmem: ${name}="${value}" is not a URL; using ${fallback.href}`);
    return fallback;
  }
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
  // A flag: present (or "true") turns it on. Any other value is refused rather than guessed at:
  // isolation reloads the page once and cuts window.opener, so data-isolate="false" must not.
  const isolateValue = attr('data-isolate')?.trim().toLowerCase() ?? null;
  const isolate = isolateValue === '' || isolateValue === 'true';
  if (isolateValue !== null && !isolate) console.error(`webtmem: data-isolate takes no value (got "${attr('data-isolate')}"); isolation stays off`);
  let panel = attr('data-panel')?.trim().toLowerCase() ?? null;
  if (panel !== null && !PANEL_VALUES.has(panel)) {
    console.error(`webtmem: data-panel="${attr('data-panel')}" is none of ${[...PANEL_VALUES].filter(Boolean).join(', ')} (or no value); the panel does not open at start`);
    panel = null;
  }
  // data-sw="none": the site registers its own service worker (one importing tmem-sw.js, e.g.
  // a Workbox one); the drop-in only links to whichever service worker controls the page.
  const sw = attr('data-sw');
  const ownServiceWorker = sw?.trim().toLowerCase() === 'none';
  const swFile = urlAttr('data-sw', ownServiceWorker ? null : sw, pageUrl, new URL('tmem-sw.js', base));
  return {
    base,
    capacityBytes,
    swScript: serviceWorkerUrl(swFile.href, {
      routes,
      offline,
      isolate: isolate ? coepMode() : null,
      capacity: String(capacityBytes),
      memory,
      fillOnInstall: true,
    }),
    ownServiceWorker,
    isolate,
    workerUrl: urlAttr('data-worker', attr('data-worker'), pageUrl, new URL('tmem-worker.js', base)),
    scope: attr('data-scope') ?? '/',
    panel,
    panelShortcut: attr('data-panel-shortcut'),
  };
}
