// The drop-in script (dist/tmem.js): a small classic script for a plain static site,
//
//   <script async src="/tmem.js" data-capacity="64MB" data-offline="/,/app.css,/img/*"
//           data-routes="/img/*=cache-first" data-isolate data-panel></script>
//
// It watches the page's resource loads, reads its tag, sets window.webtmem, registers
// tmem-sw.js (next to itself unless data-sw says otherwise) with the configuration in its URL
// (a worker that installs is handed the resources loaded, to keep them: sw/install-fill.ts),
// makes the page cross-origin isolated when asked (data-isolate), and imports the runtime
// chunk, which starts the store worker (tmem-worker.js, or data-worker) and hands the service
// worker a port to it, with the list of the resources loaded. The panel's chunk
// loads when the panel is first opened. Works as a blocking, async or defer script.
import { ensureIsolation } from '../isolation.js';
import { watchResources } from '../loaded-resources.js';
import { panelOnDemand } from '../panel/panel-handle.js';
import { registerServiceWorker } from '../sw-link.js';
import { importPanel, importRuntime } from './chunks.js';
import { ensureControlled } from './control.js';
import { readTag } from './tag.js';
import { createWebtmem, type WebtmemDropIn } from './webtmem-global.js';

// First, before the page's own loads: the service worker keeps what it leaves to the
// browser during the load once the page lists it, and the browser's buffer alone may be full.
const resources = watchResources();
const tag = readTag(document.currentScript as HTMLScriptElement | null, location.href);
const panel = panelOnDemand({
  load: () => importPanel(tag.base),
  webtmem: () => (globalThis as { webtmem?: WebtmemDropIn }).webtmem,
  panel: tag.panel,
  shortcut: tag.panelShortcut,
});
const { webtmem, started, settle } = createWebtmem(tag.isolate, panel);
(globalThis as { webtmem?: WebtmemDropIn }).webtmem = webtmem;
// The page's scripts may run before this one (async): they can wait for this event.
dispatchEvent(new Event('webtmem'));

/** Resolves at the window's load event (at once when it has passed). */
function loaded(): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => addEventListener('load', () => resolve(), { once: true }));
}

async function start(): Promise<void> {
  const container = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  const register = () => registerServiceWorker(tag.swScript, tag.scope, resources.list);
  let registering: Promise<ServiceWorkerRegistration> | null = null;
  if (tag.ownServiceWorker) {
    if (tag.isolate) console.error('webtmem: data-isolate needs the webtmem service worker, but data-sw="none"; the isolation headers must come from the site\'s own service worker.');
  } else if (tag.isolate) {
    const outcome = await ensureIsolation({ register: () => (registering = register()), scriptUrl: tag.swScript });
    webtmem.isolation = outcome;
    if (outcome === 'reloading') return; // this document is about to go away
    // Isolated already (by this service worker, or by the site's own headers): nothing was
    // registered yet, and the registration is what picks up a changed configuration (a new
    // query on tmem-sw.js) and installs the worker on a site isolated from its first visit.
    if (registering === null && container) registering = loaded().then(register);
  } else if (container) {
    // After the load event: on a first visit the service worker's install (and its fetches),
    // on a repeat view the update check of tmem-sw.js (which picks up a changed configuration)
    // would compete with the page's own loading.
    registering = loaded().then(register);
  } else {
    webtmem.uncontrolled = 'no service worker here (an insecure context?)';
    console.warn('webtmem: no service worker here (an insecure context?); the cleancache is filled by nothing, page code can still use the store.');
  }
  // The store starts after the load event too: its chunk and worker would take CPU and
  // network from the page, which the service worker's own memory serves meanwhile; until the
  // runtime is up, page-side lookups miss and webtmem.fetch goes through the service worker.
  await loaded();
  const runtime = await (await importRuntime(tag.base)).startRuntime({
    capacityBytes: tag.capacityBytes, workerUrl: tag.workerUrl, linkServiceWorker: container !== null, resources,
  });
  started(runtime);
  if (registering) {
    webtmem.registration = await registering.catch((e: Error) => {
      console.error(`webtmem: the service worker ${tag.swScript} could not be registered: ${e.message}`);
      webtmem.uncontrolled = `the service worker could not be registered: ${e.message}`;
      return null;
    });
  }
  if (container && (webtmem.registration || tag.ownServiceWorker)) {
    void ensureControlled(container, webtmem.registration).then((why) => {
      webtmem.uncontrolled = why;
      if (why) console.warn(`webtmem: no service worker controls this page: ${why}`);
    });
  }
}

start().then(() => settle(), (e: Error) => settle(e?.message ?? String(e))).finally(() => resources.stop());
