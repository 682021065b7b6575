// Misses a page makes while it loads are left to the browser and kept after the load.
//
// Taking a request the memory tier cannot answer means fetching it from the service worker
// and teeing the response, which costs the page more than the browser's own fetch (on the
// 26-file site fixture, a return visit with the tier empty loaded in 1.4-1.5x the time of no
// service worker, every asset through the handler). So while a page has not linked its store
// (the drop-in's runtime sends its port after the load event), a subresource the tier misses
// on a cache-first or stale-while-revalidate route is not taken: the browser fetches it as if
// there were no service worker. When the page links, it lists the same-origin resources it
// has finished loading (resource timing: an entry appears when its response is complete, so
// the HTTP cache holds what the page got), and the listed ones are read back from the HTTP
// cache and kept (Keeper.keepFromHttpCache), filling the tab's store too. A request its page
// never lists in time (a page without the drop-in, a load still running) is not kept: a
// cleancache put may always be dropped.
import { systemClock, type Clock } from '../worker/clock.js';
import type { KeepContext, Keeper } from './keeper.js';

// How long a left request waits for its page's list: a page's load event may take some
// seconds on a slow network, and a waiting request costs only its entry here.
const WAIT_MS = 30_000;
// Bounds: requests waiting per page, pages with waiting requests. Past them a miss is taken
// as before (fetched through the service worker and teed).
const PER_PAGE = 1024;
const PAGES = 64;
// What a page loads as it renders; its own fetch() calls (an API, a worker's requests, whose
// client may never link) are taken as before.
const DESTINATIONS = new Set(['script', 'style', 'image', 'font']);

/** Counters. */
export interface DeferredKeepStats {
  /** Misses left to the browser to be kept after their page's load. */
  left: number;
  /** Of those, listed by their page and read back (the keeper's outcomes say how each put
   *  ended). */
  listed: number;
  /** Never listed in time, or their page went away first. */
  unlisted: number;
  /** Waiting for their page's list now. */
  waiting: number;
}

interface Waiting {
  settle(listed: boolean): void;
}

/** The misses left to the browser, by page, until the page lists them. */
export class DeferredKeep {
  readonly #keeper: Keeper;
  readonly #linked: (clientId: string) => boolean;
  readonly #clock: Clock;
  readonly #waiting = new Map<string, Map<string, Waiting>>();
  readonly stats: DeferredKeepStats = { left: 0, listed: 0, unlisted: 0, waiting: 0 };

  /**
   * @param keeper reads a listed response back and keeps it
   * @param linked whether a page has linked its store (sent its port)
   * @param clock the timers of the wait for a page's list
   */
  constructor(keeper: Keeper, linked: (clientId: string) => boolean, clock: Clock = systemClock) {
    this.#keeper = keeper;
    this.#linked = linked;
    this.#clock = clock;
  }

  /**
   * Leaves a miss to the browser if it qualifies (rules at the top), keeping it once its page
   * lists it.
   * @param request the request the memory tier missed, on a cache-first or
   *   stale-while-revalidate route that is not offline
   * @param ctx its page and the fetch event's waitUntil (the wait and the put run under it)
   * @returns whether it was left (false: the caller takes it)
   */
  leave(request: Request, ctx: KeepContext): boolean {
    const clientId = ctx.clientId;
    if (!clientId || ctx.offline || this.#linked(clientId)) return false;
    if (!DESTINATIONS.has(request.destination) || !this.#keeper.readsFromHttpCache(request)) return false;
    let page = this.#waiting.get(clientId);
    if (!page) {
      if (this.#waiting.size >= PAGES) return false;
      page = new Map();
      this.#waiting.set(clientId, page);
    }
    const url = withoutFragment(request.url);
    // The same resource twice in one load: the browser fetches both, one put is enough.
    if (page.has(url)) return true;
    if (page.size >= PER_PAGE) return false;
    this.stats.left++;
    this.stats.waiting++;
    const listed = new Promise<boolean>((resolve) => {
      let timer: unknown = null;
      const entry: Waiting = {
        settle: (yes) => {
          if (page.get(url) !== entry) return;
          this.#clock.clearTimeout(timer);
          page.delete(url);
          if (page.size === 0 && this.#waiting.get(clientId) === page) this.#waiting.delete(clientId);
          this.stats.waiting--;
          if (yes) this.stats.listed++;
          else this.stats.unlisted++;
          resolve(yes);
        },
      };
      page.set(url, entry);
      timer = this.#clock.setTimeout(() => entry.settle(false), WAIT_MS);
    });
    ctx.waitUntil(this.#keeper.track(listed.then((yes) => (yes ? this.#keeper.keepFromHttpCache(request, ctx) : undefined))));
    return true;
  }

  /**
   * A page linked its store and listed the resources it has finished loading: keeps those
   * left for it. Its other waiting requests wait on (a later list may name them).
   * @param clientId the page
   * @param loaded absolute URLs (resource timing entry names)
   */
  listed(clientId: string, loaded: readonly string[]): void {
    const page = this.#waiting.get(clientId);
    if (!page) return;
    for (const url of loaded) page.get(withoutFragment(url))?.settle(true);
  }

  /** A page went away: what it left is not kept. */
  forget(clientId: string): void {
    const page = this.#waiting.get(clientId);
    if (!page) return;
    for (const entry of [...page.values()]) entry.settle(false);
  }
}

/** A URL as both ends name it: a fragment never reaches the server. */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}
