// Cross-origin isolation on a site that cannot set headers (opt-in: the drop-in's
// data-isolate). The service worker adds COOP/COEP (sw/isolation.ts); this is the page's half:
// reload once when the page first comes under the service worker's control, never loop.
//
//   crossOriginIsolated already          → 'isolated' (and the reload guard is cleared)
//   guard set: this session reloaded once → 'not-isolated': run in local mode, no reload
//   not controlled, a registration was    → 'not-isolated': a hard reload bypassed the service
//   already active                          worker; the next normal load will be isolated
//   otherwise (first visit, or controlled → wait (bounded) for the controller with isolation,
//   by a service worker without isolation)  then set the guard and reload: 'reloading'

/** What became of the isolation attempt. */
export type IsolationOutcome = 'isolated' | 'reloading' | 'not-isolated';

/** The sessionStorage key of the reload guard. */
export const RELOAD_GUARD_KEY = 'webtmem-isolation-reload';

/** Options of {@link ensureIsolation}. */
export interface IsolationOptions {
  /** Registers the (isolating) service worker. */
  register(): Promise<ServiceWorkerRegistration>;
  /** The script URL register() uses: a controller already running it did isolate nothing. */
  scriptUrl: string;
  /** How long to wait for the service worker to take control, in ms. Default 10000. */
  timeoutMs?: number;
  /** Reloads the page (tests replace it). Default location.reload(). */
  reload?(): void;
}

/**
 * Makes the page crossOriginIsolated through the service worker, reloading at most once per
 * session.
 * @returns 'isolated', 'reloading' (the page is about to reload: start nothing), or
 *   'not-isolated' (run without isolation: local mode)
 */
export async function ensureIsolation(options: IsolationOptions): Promise<IsolationOutcome> {
  if (globalThis.crossOriginIsolated === true) {
    safeSession((s) => s.removeItem(RELOAD_GUARD_KEY));
    return 'isolated';
  }
  const container = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  if (!container) {
    console.warn('webtmem: data-isolate needs a service worker (a secure context: https or localhost); running without isolation.');
    return 'not-isolated';
  }
  const guarded = typeof safeSession((s) => s.getItem(RELOAD_GUARD_KEY)) === 'string';
  const before = await container.getRegistration().catch(() => undefined);
  const hardReload = container.controller === null && before?.active != null;
  // Controlled by this very script, yet not isolated: the headers do not arrive (a proxy
  // strips them?), and waiting for a new controller would wait for nothing.
  const futile = container.controller !== null && container.controller.scriptURL === options.scriptUrl;
  const registration = options.register();
  if (guarded || hardReload || futile) {
    await registration.catch(() => {});
    console.warn(
      hardReload
        ? 'webtmem: this load bypassed the service worker (a hard reload?), so the page is not cross-origin isolated; running in local mode until the next normal load.'
        : 'webtmem: the page is served by the isolating service worker yet is not cross-origin isolated; running in local mode (check that nothing strips the COOP/COEP headers).',
    );
    return 'not-isolated';
  }
  try {
    await registration;
  } catch (e) {
    console.error(`webtmem: data-isolate: the service worker could not be registered (${(e as Error).message}); running without isolation.`);
    return 'not-isolated';
  }
  const controlled = await nextController(container, options.timeoutMs ?? 10_000);
  if (!controlled) return 'not-isolated';
  // No guard, no reload: without sessionStorage a failed isolation would reload forever.
  if (safeSession((s) => s.setItem(RELOAD_GUARD_KEY, String(Date.now()))) === null) {
    console.warn('webtmem: sessionStorage is unavailable, so the page cannot guard a reload for isolation; running in local mode.');
    return 'not-isolated';
  }
  (options.reload ?? (() => location.reload()))();
  return 'reloading';
}

/** Resolves true at the next controllerchange (a new service worker took this page), false
 *  after `timeoutMs`. */
function nextController(container: ServiceWorkerContainer, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      container.removeEventListener('controllerchange', onChange);
      resolve(value);
    };
    const onChange = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    container.addEventListener('controllerchange', onChange);
  });
}

// sessionStorage throws in some sandboxed frames and with storage blocked. Returns null then,
// true for a call that returned nothing, else the call's value.
function safeSession<T>(fn: (s: Storage) => T): T | null | true {
  try {
    return fn(sessionStorage) ?? true;
  } catch {
    return null;
  }
}
