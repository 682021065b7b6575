// A strict TypeScript app using webtmem's documented surface through the shipped declarations
// only (tsc --noEmit, moduleResolution bundler and node16). Each @ts-expect-error is a check
// too: tsc fails when the line it marks stops being an error.
import {
  attachFrom, connect, connectShared, defaultCapacityBytes, Frontswap, isShareMessage, linkServiceWorker,
  MAX_AREA_NAME, PageCleancache, registerServiceWorker, serviceWorkerUrl, SharedTmem, TmemClient, TmemError,
  type AnswerBlobStats, type BudgetInfo, type CachedResource, type ConnectOptions, type FrontswapOptions,
  type OriginTierStats, type ScriptCopyStats, type StatsSnapshot, type Tier, type TmemErrorCode,
} from 'webtmem';
import { attach, computeLayout, createStore, type Tmem } from 'webtmem/core';
import type { PagePanel } from 'webtmem/panel';
// Internals the drop-in uses are not part of the package's surface.
// @ts-expect-error serveCleancachePort is internal
import { serveCleancachePort } from 'webtmem';
// @ts-expect-error only the mapped entries resolve; dist/ is not importable file by file
import * as deep from 'webtmem/dist/index.js';

export async function page(): Promise<void> {
  const options: ConnectOptions = { capacityBytes: 64 << 20, mode: 'auto', timeoutMs: 5000 };
  const tmem: TmemClient = await connect(options);
  const mode: 'shared' | 'local' = tmem.mode;
  const pool: number = tmem.newPool({ persistent: true });
  const ok: boolean = tmem.put(pool, 1n, 0, new Uint8Array(4096));
  const hit: boolean = tmem.get(pool, 1, 0, new Uint8Array(4096));
  // @ts-expect-error a page is bytes, not a string
  tmem.put(pool, 1n, 0, 'not a page');

  const areaOptions: FrontswapOptions = { durable: true, bufferPages: 256 };
  const area: Frontswap = await tmem.frontswap('drafts', areaOptions);
  const tier: Tier | false = area.store(0, new Uint8Array(4096));
  const loaded: boolean = await area.load(0, new Uint8Array(4096));
  await area.close();

  const snapshot: StatsSnapshot = await tmem.stats();
  // The panel, loaded on demand, reads the client's published stats.
  const { installPagePanel } = await import('webtmem/panel');
  const panel: PagePanel = installPagePanel({ webtmem: tmem, panel: 'open' });
  panel.destroy();
  const budget: BudgetInfo = await tmem.setBudget(32 << 20);
  const cache = new PageCleancache(tmem);
  const resource: CachedResource | null = cache.get('/app.css');
  const response: Response = await cache.fetch('/app.css');

  const sw = serviceWorkerUrl(new URL('/tmem-sw.js', location.href).href, { offline: '/,/app.css' });
  const registration: ServiceWorkerRegistration = await registerServiceWorker(sw, '/');
  const link = linkServiceWorker({ connectPort: (port) => void tmem.connectPort(port) });
  // The origin's memory tier, as the service worker reports it.
  const origin: OriginTierStats | undefined = (await link.serviceStats())?.memory;
  const blobs: AnswerBlobStats | undefined = origin?.blobs;
  const copies: ScriptCopyStats | null | undefined = origin?.copies;
  const fromCopies: number = copies?.served ?? 0;
  const originUse: number = (origin?.usedBytes ?? 0) + (blobs?.bytes ?? 0) + (snapshot.cleancache?.serviceWorker?.budgetBytes ?? 0);
  link.close();

  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  await tmem.share(worker);

  try {
    await connect({ mode: 'shared', workerUrl: new URL('/assets/tmem-worker.js', location.href) });
  } catch (e) {
    if (e instanceof TmemError) {
      const code: TmemErrorCode = e.code;
      console.log(code, e.message);
    }
  }
  console.log(mode, ok, hit, tier, loaded, snapshot.store, budget, resource?.status, response.ok, registration.scope,
    defaultCapacityBytes(8), MAX_AREA_NAME, serveCleancachePort, deep, originUse, fromCopies);
  await tmem.close();
}

// In a worker (typed here against DOM, as a module the worker imports could be).
export async function inWorker(scope: EventTarget): Promise<void> {
  const store: SharedTmem = await connectShared({ scope, timeoutMs: 5000 });
  store.put(store.newPool({ persistent: false }), 7n, 0, new Uint8Array(4096));
  scope.addEventListener('message', (event) => {
    const data: unknown = (event as MessageEvent).data;
    if (isShareMessage(data)) attachFrom(event as MessageEvent).detach();
  });
}

// The core alone.
const layout = computeLayout(4096, 256, 16);
const tmemCore: Tmem = attach(createStore({ capacityBytes: 256 * 4096, pageSize: 4096, maxPools: 16 }));
console.log(layout.byteLength);
tmemCore.stats();
