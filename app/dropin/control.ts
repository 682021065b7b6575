// Making sure the service worker controls this page. A page that loads while its service
// worker is activating, after that worker's one clients.claim(), stays uncontrolled for good
// (seen in 5 of 20 reloads made at once after a first visit): no cleancache, no offline. So
// the drop-in checks, once the registration has an active worker, and asks a worker that does
// not control the page to claim it ({ webtmem: 'claim' }: the service worker answers with
// clients.claim()). When the page still is not controlled, the reason is returned in words.

/** The message asking the active service worker to claim its uncontrolled pages. */
export const CLAIM_MESSAGE = { webtmem: 'claim' } as const;

/** Options of {@link ensureControlled}. */
export interface ControlOptions {
  /** Bound on waiting for an active worker (a first visit installs it first), in ms. */
  activateTimeoutMs?: number;
  /** Bound on waiting for the claim to take effect, in ms. */
  claimTimeoutMs?: number;
  /** The page's URL (default location.href): it must lie in the registration's scope. */
  pageUrl?: string;
}

/**
 * Waits (bounded) until a service worker controls the page, asking an active one that does not
 * to claim it.
 * @param container navigator.serviceWorker
 * @param registration the page's registration, or null when none was made (data-sw="none":
 *   the site's own; the container's ready registration is used)
 * @returns null when the page is controlled, else why not
 */
export async function ensureControlled(
  container: ServiceWorkerContainer,
  registration: ServiceWorkerRegistration | null,
  options: ControlOptions = {},
): Promise<string | null> {
  if (container.controller) return null;
  const pageUrl = options.pageUrl ?? location.href;
  if (registration && !pageUrl.startsWith(registration.scope)) {
    return `this page is outside the service worker's scope ${registration.scope} (see data-scope)`;
  }
  const activateMs = options.activateTimeoutMs ?? 10_000;
  // ready: the registration of this page's scope, once it has an active worker.
  const ready = await within(container.ready, activateMs);
  if (container.controller) return null;
  const active = (ready ?? registration)?.active ?? null;
  if (active === null) return `no service worker became active for this page within ${activateMs} ms`;
  const claimMs = options.claimTimeoutMs ?? 5000;
  const changed = within(new Promise<true>((resolve) => container.addEventListener('controllerchange', () => resolve(true), { once: true })), claimMs);
  active.postMessage(CLAIM_MESSAGE);
  await changed;
  if (container.controller) return null;
  return `the active service worker (${active.scriptURL.split('?')[0]}) did not take control of this page ` +
    `within ${claimMs} ms of being asked to claim it (a site's own service worker must answer { webtmem: 'claim' } with clients.claim())`;
}

/** `promise`'s value, or null after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
