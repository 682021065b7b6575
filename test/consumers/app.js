// The consumer apps' page script (copied into each fixture as src/main.js by the test, so the
// Vite and webpack apps run the same code). It uses webtmem as an npm user would: the bare
// 'webtmem' import, no workerUrl, the service worker copied from 'webtmem/tmem-sw.js'. It sets
// window.consumer to a promise of what happened, for the test to read.
import { connect, linkServiceWorker, registerServiceWorker, serviceWorkerUrl, TmemError } from 'webtmem';

const PAGE = 4096;
const pageOf = (n) => new Uint8Array(PAGE).map((_, i) => (n * 31 + i) & 0xff);
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function run() {
  const tmem = await connect({ mode: 'shared', capacityBytes: 32 * PAGE });

  // A put/get round trip on the shared store.
  const pool = tmem.newPool({ persistent: true });
  const stored = tmem.put(pool, 1n, 0, pageOf(1));
  const into = new Uint8Array(PAGE);
  const hit = tmem.get(pool, 1n, 0, into) && same(into, pageOf(1));
  tmem.destroyPool(pool);

  // A frontswap area storing four times the store's capacity, then every page loaded back.
  const area = await tmem.frontswap('consumer', { bufferPages: 256 });
  const tiers = { memory: 0, disk: 0, false: 0 };
  for (let o = 0; o < 128; o++) tiers[String(area.store(o, pageOf(o)))]++;
  await area.flush();
  let loaded = 0;
  for (let o = 0; o < 128; o++) if ((await area.load(o, into)) && same(into, pageOf(o))) loaded++;
  await area.close();

  // A bad input is refused with the package's own error class.
  let refused = null;
  try { tmem.put(999, 1n, 0, pageOf(2)); } catch (e) { refused = e instanceof TmemError ? e.code : String(e); }

  return { mode: tmem.mode, stored, hit, tiers, loaded, refused, tmem };
}

// The service worker, served from the site's root (copied there from webtmem/tmem-sw.js by the
// app's build script), with one cache-first route: it answers repeats of /data.txt from its own
// memory, and copies what it keeps into this tab's store for page-side hits.
async function linkSw(tmem) {
  await registerServiceWorker(serviceWorkerUrl(new URL('/tmem-sw.js', location.href).href, { routes: '/data.txt=cache-first' }), '/');
  const link = linkServiceWorker({ connectPort: (port) => { tmem.connectPort(port).catch(() => port.close()); } });
  await navigator.serviceWorker.ready;
  return link;
}

// The panel on demand: its code (and uPlot) is a separate chunk of the app's build, loaded on
// the first call.
window.openPanel = async () => {
  const { installPagePanel } = await import('webtmem/panel');
  return installPagePanel({ webtmem: window.tmem, panel: 'open' }).isOpen;
};

// For the escape-hatch test: connect() with a workerUrl the site serves itself.
window.connect = connect;

window.consumer = run().then(async ({ tmem, ...result }) => {
  window.tmem = tmem;
  window.swLink = await linkSw(tmem);
  return result;
});
