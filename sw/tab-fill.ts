// Fills the tabs' stores from the service worker, so page code's synchronous lookups
// (webtmem.fetch, cleancache.get) hit on the page with no service-worker hop. A tab's store is
// born empty with each document; the service worker's memory tier is not. Whenever the
// service worker keeps a response or serves one from memory to a tab, it sends that tab's
// store a copy over the tab's port (sw/store-link.ts) — copied and sent in a later task than
// the response, under waitUntil, never awaited by a response. A fill may be lost (no port in
// time, a busy store): a cleancache put may always be dropped.
import { keyUrl, urlKey, type ResourceRecord } from './http/index.js';
import type { StoreLink } from './store-link.js';

// A fill waits this long for the tab's port and reply: a new document's store worker starts
// in some tens of ms, and a multi-megabyte write may take longer on a loaded machine.
const FILL_TIMEOUT_MS = 5000;
// Per tab, the puts already sent (key and response time): a page load's repeat hits on the
// same resource are not sent again. Bounded; a forgotten entry only costs a repeated fill.
const SENT_PER_TAB = 2048;
const TABS = 64;
// URLs whose latest flush is remembered: for the fills still waiting when it came (a fill
// waits FILL_TIMEOUT_MS at most), and for the tabs whose port arrives after it (those of the
// last REPLAY_MS are sent to them). Bounded; a forgotten flush only lets such a fill land, or
// such a tab keep its copy, as before there was any.
const FLUSHES = 4096;
const REPLAY_MS = 60_000;

/** How fills ended. */
export interface TabFillStats {
  /** Fills started and not yet answered. */
  inFlight: number;
  /** By outcome: 'stored', 'too-large', 'rejected', 'failed', 'unreached', 'outdated' (its
   *  URL was flushed while the fill waited for the tab's port: not sent). */
  outcomes: Record<string, number>;
  /** Hits not sent again because the tab was sent that put already. */
  skipped: number;
}

/** Sends records to the tabs' stores. */
export class TabFill {
  readonly #link: StoreLink;
  readonly #sent = new Map<string, Set<string>>();
  /** Orders fills and flushes: a fill is numbered when made, a flush marks its URL. */
  #seq = 0;
  /** Per URL key, its latest flush: its number, its message, when (bounded: FLUSHES; oldest
   *  first, a flush again moving its URL to the end). */
  readonly #flushes = new Map<string, { seq: number; url: string; headers: [string, string][]; at: number }>();
  readonly stats: TabFillStats = { inFlight: 0, outcomes: {}, skipped: 0 };

  /** @param link the ports to the tabs' stores */
  constructor(link: StoreLink) {
    this.#link = link;
  }

  /**
   * Sends `record` to the tab's store, unless it was sent that very put already.
   * @param clientId the tab (a navigation's resulting client), or null: nothing to fill
   * @param record the record; its body is copied in a later task, so it must not change
   *   before the returned promise settles (the caller keeps it)
   * @param vary the names its response Varies on
   * @returns a promise for the outcome, to hand to waitUntil (null when nothing is sent)
   */
  fill(clientId: string | null, record: ResourceRecord, vary: readonly string[]): Promise<void> | null {
    if (!clientId) return null;
    const mark = `${record.key}\n${record.responseTime}\n${record.body.length}`;
    let sent = this.#sent.get(clientId);
    if (sent?.has(mark)) {
      this.stats.skipped++;
      return null;
    }
    if (!sent) {
      if (this.#sent.size >= TABS) this.#sent.delete(this.#sent.keys().next().value as string);
      sent = new Set();
      this.#sent.set(clientId, sent);
    }
    if (sent.size >= SENT_PER_TAB) sent.clear();
    sent.add(mark);
    this.stats.inFlight++;
    // A fill may wait seconds for the tab's port; a flush of its URL meanwhile (an unsafe
    // request, a version that replaced it) must win, as it does in the service worker's memory.
    const made = ++this.#seq;
    const url = keyUrl(record.key);
    let dropped = false;
    const wanted = () => {
      dropped = (this.#flushes.get(url)?.seq ?? 0) > made;
      return !dropped;
    };
    // The copy and the message wait for a task of their own: on a hit, the response is
    // handed to the browser first (a body of some hundred KiB measured 1-14 ms to copy and
    // post in a freshly started service worker, which the page would otherwise wait for).
    // The body is copied only once the tab's port is there (a tab that never links costs no
    // copy held for the whole wait).
    return new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => this.#link.request(clientId, () => {
        const copy = { ...record, body: record.body.slice() };
        return { message: { webtmem: 'cc-put', record: copy, vary: [...vary] }, transfer: [copy.body.buffer] };
      }, [], FILL_TIMEOUT_MS, wanted))
      .then((reply) => {
        const outcome = dropped ? 'outdated' : reply?.webtmem === 'cc-stored' ? reply.result : 'unreached';
        // A lost fill may be retried by the next hit.
        if (outcome !== 'stored') sent.delete(mark);
        this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
      })
      .finally(() => { this.stats.inFlight--; });
  }

  /**
   * Forgets a URL in every tab's store (after an unsafe request to it), and what was sent.
   * @returns how many tabs answered
   */
  async flush(request: Request, headers: [string, string][]): Promise<number> {
    // A mark starts with its record's key: the URL, then a newline (and the Vary values, for a
    // variant). The newline keeps /a from matching the marks of /ab or /a?x.
    const key = urlKey(request.url);
    const prefix = `${key}\n`;
    for (const sent of this.#sent.values()) for (const mark of sent) if (mark.startsWith(prefix)) sent.delete(mark);
    this.#flushes.delete(key);
    this.#flushes.set(key, { seq: ++this.#seq, url: request.url, headers, at: Date.now() });
    if (this.#flushes.size > FLUSHES) this.#flushes.delete(this.#flushes.keys().next().value as string);
    return this.#link.requestAll({ webtmem: 'cc-flush', url: request.url, headers });
  }

  /**
   * Sends a tab whose port just arrived the flushes of the last minute (StoreLink.onPort calls
   * this before the fills that waited for the port): a tab that had no port when a URL was
   * removed (it was linking, or this service worker had just restarted) may hold a copy of it
   * filled before. A flush of a URL the tab holds a newer copy of costs it that copy, a miss.
   * @returns how many flushes were sent
   */
  replayFlushes(clientId: string): number {
    // Older flushes go: no fill made before them still waits, and a tab is not sent them.
    const since = Date.now() - REPLAY_MS;
    let n = 0;
    for (const [key, { url, headers, at }] of this.#flushes) {
      if (at < since) { this.#flushes.delete(key); continue; }
      void this.#link.sendNow(clientId, { webtmem: 'cc-flush', url, headers });
      n++;
    }
    return n;
  }

  /** A tab went away: forget what it was sent. */
  forget(clientId: string): void {
    this.#sent.delete(clientId);
  }
}
