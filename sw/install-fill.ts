// A first visit's resources, kept while the service worker installs.
//
// A first visit loads before any service worker controls it, so none of its requests pass
// through the handler, and the next view found the memory tier empty: its misses were left to
// the browser and kept only after that view's load (sw/deferred-keep.ts). Now the page that
// registers the worker hands the installing worker its own URL and the same-origin resources
// it loaded (resource timing names, the list it also sends when it links), and the install
// waits for that list, bounded, then keeps each listed resource the handler would keep on its
// route, read back from the HTTP cache (Keeper.keepFromHttpCache, never the network). The next
// view is answered from memory, and what offline routes cover, wildcard patterns included, is
// on disk after a first visit alone.
//
// Done inside the install event, the copies of large scripts (sw/script-copies.ts) come with
// their V8 code cache at once: Chromium compiles a JavaScript response put into Cache Storage
// while its service worker installs (blink's Cache::PutImpl, ShouldGenerateV8CodeCache), where
// a copy put later is compiled by the first load it answers, and its code cache used from the
// second.
//
// Only a worker whose URL asks for it waits (`fill=1`, sw/config.ts): the drop-in sets it and
// its registration sends the list; a worker registered by a page that sends none must not
// hold its activation for a list that never comes.
import { systemClock, type Clock } from '../worker/clock.js';
import { urlKey } from './http/index.js';
import type { KeepContext, Keeper } from './keeper.js';

/** How long an install waits for its page's list: the page sends it as soon as register()
 *  resolves, a few ms after the install starts, unless it went away. */
export const LIST_WAIT_MS = 2000;
/** Most URLs one list is read for (the rest are kept, if at all, as later views fetch them). */
export const MAX_URLS = 1024;
/** Reads from the HTTP cache at once. */
const PARALLEL = 6;

/** Counters. */
export interface InstallFillStats {
  /** Lists received from pages. */
  lists: number;
  /** URLs of those lists on a route whose responses are kept, read back and put (the keeper's
   *  outcomes say how each put ended). */
  taken: number;
  /** Installs that waited for a list and got none in time. */
  timedOut: number;
}

/** Waits for the installing page's list and keeps what it names. */
export class InstallFill {
  readonly #keeper: Pick<Keeper, 'keepFromHttpCache' | 'track'>;
  readonly #keeps: (request: Request) => { offline: boolean } | null;
  readonly #clock: Clock;
  readonly #waitMs: number;
  /** Resolves the waiting install's list (null: none is waiting). */
  #deliver: ((urls: readonly string[]) => void) | null = null;
  /** The keep of a list that came before the install began (the page's message may be
   *  dispatched first), which the install then waits for instead of a list. */
  #early: Promise<void> | null = null;
  readonly stats: InstallFillStats = { lists: 0, taken: 0, timedOut: 0 };

  /**
   * @param keeper reads each resource back from the HTTP cache and puts it
   * @param keeps whether and how the handler keeps a response to this request on its route
   *   (FetchHandler.keeps): null when it does not, else whether on disk too
   * @param clock the wait's timer
   * @param waitMs bound on the wait for a list
   */
  constructor(
    keeper: Pick<Keeper, 'keepFromHttpCache' | 'track'>, keeps: (request: Request) => { offline: boolean } | null,
    clock: Clock = systemClock, waitMs = LIST_WAIT_MS,
  ) {
    this.#keeper = keeper;
    this.#keeps = keeps;
    this.#clock = clock;
    this.#waitMs = waitMs;
  }

  /**
   * The install: waits for a page's list (up to waitMs) and keeps what it names, all under
   * the event's waitUntil, so the puts, the script copies among them, land while installing.
   * @param event the install event
   */
  install(event: { waitUntil(promise: Promise<unknown>): void }): void {
    event.waitUntil(this.#early ?? this.#waitForList().then((urls) => (urls === null ? undefined : this.keep(urls))));
  }

  /**
   * A page's list (its 'cc-loaded' message). The waiting install takes it; one that comes
   * before the install began is kept at once, and the install waits for that; one that comes
   * after the wait (or to a worker that does not wait) is kept under the message event's life.
   * @param urls absolute URLs
   * @param waitUntil the message event's
   */
  listed(urls: readonly string[], waitUntil: (promise: Promise<unknown>) => void): void {
    this.stats.lists++;
    const deliver = this.#deliver;
    if (deliver) {
      this.#deliver = null;
      deliver(urls);
      return;
    }
    const keeping = this.keep(urls);
    this.#early ??= keeping;
    waitUntil(keeping);
  }

  /**
   * Keeps each listed resource the handler would keep, read back from the HTTP cache, and
   * waits for the puts' own writes (script copies, disk). Never rejects: a resource that cannot
   * be kept is counted by the keeper and left to later views.
   * @param urls absolute URLs (fragments ignored, duplicates read once, at most MAX_URLS)
   */
  keep(urls: readonly string[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    const ctx = (offline: boolean): KeepContext => ({ clientId: null, offline, waitUntil: (p) => writes.push(p) });
    const queue = [...new Set(urls.flatMap(keyOf))].slice(0, MAX_URLS);
    const next = async (): Promise<void> => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        let request: Request;
        try {
          request = new Request(url, { credentials: 'same-origin' });
        } catch {
          continue; // not a URL a request can be made for
        }
        const how = this.#keeps(request);
        if (how === null) continue;
        this.stats.taken++;
        await this.#keeper.keepFromHttpCache(request, ctx(how.offline)).catch(() => undefined);
      }
    };
    return this.#keeper.track((async () => {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, next));
      // The writes the puts started, those started while waiting included.
      for (let i = 0; i < writes.length; i++) await writes[i].catch(() => undefined);
    })());
  }

  #waitForList(): Promise<readonly string[] | null> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        if (this.#deliver !== deliver) return;
        this.#deliver = null;
        this.stats.timedOut++;
        resolve(null);
      }, this.#waitMs);
      const deliver = (urls: readonly string[]) => {
        this.#clock.clearTimeout(timer);
        resolve(urls);
      };
      this.#deliver = deliver;
    });
  }
}

/** A listed URL without its fragment (none reaches the server), or nothing for one that is
 *  not an absolute URL. */
function keyOf(url: string): string[] {
  try {
    return [urlKey(url)];
  } catch {
    return [];
  }
}
