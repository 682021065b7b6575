// Keeps fetched responses: decides whether a response may be stored (sw/http rules), reads its
// body off the response's path, and puts it into the service worker's memory tier, for offline
// routes the disk, and the fetching tab's store (sw/tab-fill.ts). The page gets the original
// response at once; the reading and the puts run under the fetch event's waitUntil, so a slow
// store never delays what the page sees. A response that is not kept removes the copy it
// replaces (replacesCopy, at the bottom), so an old copy is not served in its place.
//
// How the body is read: a tee (response.clone()) makes the service worker's JavaScript pump
// every chunk of the page's copy, which held a 263 KB script's body 30-85 ms after its first
// byte (resource timing, 2026-12-06; about 0 ms untouched). So where the browser's HTTP cache
// is sure to hold the same bytes, the page gets the response untouched and the body is read
// back from that cache ('only-if-cached'): a same-origin GET, not a navigation, sent as the
// page made it (no conditional headers of the service worker's or the caller's), whose
// response has a validator and a Content-Length of READ_BACK_MIN_BYTES or more; the copy read
// back must have the same status and validators, else nothing is kept (outcome 'changed';
// 'uncached' when the cache has no copy). Anything else is teed as before: a small body costs
// the tee little, while a read-back is one more fetch (in one site-bench run the 26-file site
// returned slower with every response read back).
//
// Responses may land out of order: a revalidation's 304 that arrives after a newer 200 of the
// same resource, a slow response overtaken by a later request's, a GET answered after a
// successful POST to its URL. A record is put only if its request was sent no earlier than
// that of the newest record put under its key, and than the last removal of its URL's copies
// (forget); else its outcome is 'outdated'. So an older copy is never put back.
import {
  decideSize, decideStore, headerPairs, keyUrl, parseVary, resourceKey, toRecord, urlKey, type ResourceRecord, type ResponseLike, type StoreDecision,
} from './http/index.js';
import type { MemoryTier } from './memory-tier.js';
import type { OfflineTier } from './offline-tier.js';
import type { TabFill } from './tab-fill.js';

/** Where a fetch came from and how to keep its response. */
export interface KeepContext {
  clientId: string | null;
  /** Keep a durable copy too. */
  offline: boolean;
  /** Extends the fetch event's life until the put is done. */
  waitUntil(promise: Promise<unknown>): void;
}

/** Counters of what was kept and why not. */
export interface KeeperStats {
  kept: number;
  keptOffline: number;
  refused: Record<string, number>;
  /** Writes (puts and flushes) started and not yet ended: reading a body, writing the disk.
   *  0 means every write so far to the service worker's memory tier and the disk has landed
   *  or been given up (filling the tabs' stores is counted apart: TabFill). */
  inFlight: number;
  /** How each memory put ended: 'stored', 'rejected' (the store refused a page), 'too-large',
   *  'no-memory' (the memory tier's store could not be allocated),
   *  'aborted' (the body broke off), 'uncached' / 'changed' (the HTTP cache had no copy to read
   *  back, or another version), 'outdated' (a response to a later request was put first). A
   *  lost put is legal for a cleancache; these say why. */
  outcomes: Record<string, number>;
}

/** Decides and performs the puts of fetched responses. */
export class Keeper {
  readonly #memory: MemoryTier;
  readonly #offline: OfflineTier;
  readonly #tabs: TabFill;
  readonly #origin: string;
  readonly #maxBytes: number;
  readonly #cacheErrors: boolean;
  readonly stats: KeeperStats = { kept: 0, keptOffline: 0, refused: {}, inFlight: 0, outcomes: {} };
  /** Per record key, the requestTime of the newest record put (bounded: NEWEST_KEYS). */
  readonly #newest = new Map<string, number>();
  /** Responses served untouched whose bodies are read back from the HTTP cache (readsBack). */
  readonly #readBack = new WeakSet<Response>();
  /** Per URL, when its copies were last removed (forget; bounded: NEWEST_KEYS). */
  readonly #invalidated = new Map<string, number>();

  /**
   * @param memory the memory tier
   * @param offline the disk tier of offline routes
   * @param tabs fills the tabs' stores
   * @param opts origin, the largest body to read (a larger one passes through), cacheErrors
   */
  constructor(memory: MemoryTier, offline: OfflineTier, tabs: TabFill, opts: { origin: string; maxBytes: number; cacheErrors: boolean }) {
    this.#memory = memory;
    this.#offline = offline;
    this.#tabs = tabs;
    this.#origin = opts.origin;
    this.#maxBytes = opts.maxBytes;
    this.#cacheErrors = opts.cacheErrors;
  }

  /**
   * Starts keeping `response` if the rules allow (else removes the copy it replaces:
   * replacesCopy), and returns the response to serve (the original: the body read here is a
   * clone's).
   * @param request the request that was sent
   * @param response its response
   * @param timing when the request was sent and the response arrived
   * @param sent the request that went to the network when it differs from `request` (the
   *   service worker's conditional one)
   */
  keep(request: Request, response: Response, timing: { requestTime: number; responseTime: number }, ctx: KeepContext, sent: Request = request): Response {
    const decision = this.decide(request, response);
    if (!decision.store) {
      this.#refused(decision.reason);
      if (replacesCopy(response, ctx)) this.forget(request, ctx);
      return response;
    }
    if (this.#canReadBack(sent, response)) {
      this.#readBack.add(response);
      ctx.waitUntil(this.track(this.#readBackAndPut(request, response, timing, ctx)));
      return response;
    }
    const clone = response.clone();
    ctx.waitUntil(this.track(this.#readAndPut(request, clone, clone, timing, ctx)));
    return response;
  }

  /**
   * Whether keep() serves `response` untouched and reads its body back from the HTTP cache: a
   * caller that does not want the body must then read it to its end rather than cancel it, or
   * the cache's entry, which the read-back reads, is left incomplete.
   */
  readsBack(response: Response): boolean {
    return this.#readBack.has(response);
  }

  /** Whether the body can be read back from the HTTP cache instead of teed (rules at the top). */
  #canReadBack(request: Request, response: Response): boolean {
    if (!this.readsFromHttpCache(request) || response.type !== 'basic' || response.body === null) return false;
    if (!(Number(response.headers.get('content-length')) >= READ_BACK_MIN_BYTES)) return false;
    return response.headers.has('etag') || response.headers.has('last-modified');
  }

  /** Whether the HTTP cache answers the request as the page made it, so that its response can
   *  be read back from there: a same-origin GET, not a navigation, without conditional
   *  headers (sw/deferred-keep.ts leaves only such requests to the browser). */
  readsFromHttpCache(request: Request): boolean {
    if (request.method !== 'GET' || request.mode === 'navigate') return false;
    if (new URL(request.url).origin !== this.#origin) return false;
    return !CONDITIONAL_HEADERS.some((name) => request.headers.has(name));
  }

  /** Reads the body the page is being served back from the HTTP cache, checks it is the same
   *  version, and puts it. */
  async #readBackAndPut(request: Request, response: Response, timing: { requestTime: number; responseTime: number }, ctx: KeepContext): Promise<void> {
    const copy = await this.#fromHttpCache(request);
    // Nothing to keep ('uncached', 'changed'): the copy this response replaces must go all the
    // same, or it would be served in place of the version the page just got.
    if (copy === null) {
      if (replacesCopy(response, ctx)) this.forget(request, ctx);
      return;
    }
    const same = copy.status === response.status && VALIDATORS.every((name) => copy.headers.get(name) === response.headers.get(name));
    if (!same) {
      await copy.body?.cancel().catch(() => undefined);
      this.#count('changed');
      if (replacesCopy(response, ctx)) this.forget(request, ctx);
      return;
    }
    await this.#readAndPut(request, response, copy, timing, ctx);
  }

  /**
   * Keeps the response to a request the browser fetched itself (the service worker left it
   * to the browser, sw/deferred-keep.ts), read back from the HTTP cache once the page says the
   * load completed: the same store rules as a response the service worker fetched. Its age
   * counts from the response's Date (a copy from the HTTP cache carries the origin's).
   * @param request the request as the page made it (same-origin, no conditional headers)
   * @param ctx the tab to fill; whether to keep a durable copy
   */
  async keepFromHttpCache(request: Request, ctx: KeepContext): Promise<void> {
    const now = Date.now();
    const copy = await this.#fromHttpCache(request);
    if (copy === null) return;
    const decision = this.decide(request, copy);
    if (!decision.store) {
      await copy.body?.cancel().catch(() => undefined);
      this.#refused(decision.reason);
      if (replacesCopy(copy, ctx)) this.forget(request, ctx);
      return;
    }
    await this.#readAndPut(request, copy, copy, { requestTime: now, responseTime: Date.now() }, ctx);
  }

  /** The HTTP cache's copy for a same-origin request (never the network), or null (counted
   *  'uncached') when it has none. */
  async #fromHttpCache(request: Request): Promise<Response | null> {
    try {
      const copy = await fetch(new Request(request.url, {
        headers: request.headers, credentials: request.credentials, mode: 'same-origin', cache: 'only-if-cached', redirect: 'error',
      }));
      if (copy.status !== 504) return copy;
      await copy.body?.cancel().catch(() => undefined);
    } catch {
      // Not in the cache (or the request cannot be read from it): nothing to keep.
    }
    this.#count('uncached');
    return null;
  }

  /** The store decision for a response, including the redirect rule. */
  decide(request: Request, response: ResponseLike & { redirected?: boolean }): StoreDecision {
    // A redirected response answers another URL: kept under this one, its relative links
    // would resolve against the wrong base.
    if (response.redirected) return { store: false, reason: 'status' };
    return decideStore(request, response, { origin: this.#origin, maxBytes: this.#maxBytes, cacheErrors: this.#cacheErrors });
  }

  /**
   * Puts a record that is already complete (a 304 refreshed it, or it came from disk) into
   * memory (synchronously: the store copies the body), the disk if asked, and the tab.
   * @param record the record; the caller keeps it (every tier copies)
   * @param names the names its response Varies on, when the caller has them already
   */
  putRecord(record: ResourceRecord, ctx: KeepContext, names: string[] = varyNames(record)): void {
    if (this.#outdated(record)) return;
    const stored = this.#memory.put(record, names, (copying) => ctx.waitUntil(this.track(copying)));
    this.#count(stored);
    if (ctx.offline) ctx.waitUntil(this.track(this.#keepOffline(record, names)));
    this.fillTab(record, names, ctx);
  }

  /** Writes a durable copy; when the disk refuses it (quota, say), removes the older copy under
   *  its key there, which would otherwise outlive this version (served after the service
   *  worker's memory is gone). True when written. */
  async #keepOffline(record: ResourceRecord, names: readonly string[]): Promise<boolean> {
    if (await this.#offline.put(record, names)) return true;
    await this.#offline.remove([record.key]);
    return false;
  }

  /**
   * Keeps a copy a 304 refreshed (the stored record with the 304's headers merged in) as
   * putRecord does, if the merged headers still let it be stored; else removes the stored
   * copy: a 304 may bring no-store or Vary: * (RFC 9111 §4.3.4 updates the stored headers
   * with it), and refreshing the copy would serve it as fresh against them.
   * @param request the request the 304 answered
   * @param record the refreshed record; the caller keeps it (every tier copies)
   */
  keepRefreshed(request: Request, record: ResourceRecord, ctx: KeepContext): void {
    const decision = this.decide(request, { type: 'basic', status: record.status, headers: new Headers(record.headers) });
    if (decision.store) {
      // A 304 may name another Vary than the stored response did (servers send Vary:
      // Accept-Encoding on 304s): the copy is then this request's variant of the URL, keyed so.
      const names = varyNames(record);
      const key = resourceKey(keyUrl(record.key), names, request.headers);
      this.putRecord(key === record.key ? record : { ...record, key }, ctx, names);
      return;
    }
    this.#refused(decision.reason);
    this.forget(request, ctx);
  }

  /** Removes the request's URL from memory, from the tabs' stores and, for an offline route,
   *  from the disk: the response just received will not be kept, and the copy it replaces
   *  must not be served in its place (replacesCopy says when it does replace it), or an unsafe
   *  request to it succeeded (RFC 9111 §4.4). The tabs are told even when memory has no copy:
   *  a tab's copy outlives the one it was filled from (memory evicted it, or the browser
   *  stopped the worker and its memory went with it). A response to a request sent before now
   *  is not put under this URL afterwards (#outdated). */
  forget(request: Request, ctx: KeepContext): void {
    this.#remember(this.#invalidated, urlKey(request.url), Date.now());
    this.#memory.flush(request);
    ctx.waitUntil(this.track(this.#tabs.flush(request, headerPairs(request.headers))));
    if (ctx.offline) ctx.waitUntil(this.track(this.#offline.flush(request)));
  }

  /** Sends the tab a copy of a record it was served (page code may look it up), off the
   *  response's path. */
  fillTab(record: ResourceRecord, names: readonly string[] | null, ctx: KeepContext): void {
    const filling = this.#tabs.fill(ctx.clientId, record, names ?? varyNames(record));
    if (filling) ctx.waitUntil(filling);
  }

  /** Counts a write in flight until `work` settles (the fetch handler's flushes use it too). */
  async track(work: Promise<unknown>): Promise<void> {
    this.stats.inFlight++;
    try {
      await work;
    } finally {
      this.stats.inFlight--;
    }
  }

  /** Whether a newer record (one whose request was sent later) was put under this record's
   *  key: the record then is not put ('outdated'); else it becomes the newest. */
  #outdated(record: ResourceRecord): boolean {
    const now = Date.now();
    // A time still ahead of the clock means the clock went back: it orders nothing.
    const later = (t: number | undefined) => t !== undefined && record.requestTime < t && t <= now;
    if (later(this.#newest.get(record.key)) || later(this.#invalidated.get(keyUrl(record.key)))) {
      this.#count('outdated');
      return true;
    }
    this.#remember(this.#newest, record.key, record.requestTime);
    return false;
  }

  /** Sets a bounded map's entry; re-inserted, so the first key is the one set longest ago,
   *  the one forgotten first. */
  #remember(map: Map<string, number>, key: string, time: number): void {
    map.delete(key);
    map.set(key, time);
    if (map.size > NEWEST_KEYS) map.delete(map.keys().next().value as string);
  }

  #refused(reason: string): void {
    this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + 1;
  }

  #count(outcome: string): void {
    this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
  }

  /** Reads `source`'s body and puts it with `head`'s status and headers (the response the page
   *  got: a tee's clone, or the original when the body is read back from the HTTP cache). */
  async #readAndPut(request: Request, head: Response, source: Response, timing: { requestTime: number; responseTime: number }, ctx: KeepContext): Promise<void> {
    let body: Uint8Array<ArrayBuffer> | null;
    try {
      body = await readAtMost(source, this.#maxBytes);
    } catch {
      this.#count('aborted');
      return; // the network broke off mid-body: nothing whole to keep
    }
    const size: StoreDecision = body === null ? { store: false, reason: 'too-large' } : decideSize(body.length, { maxBytes: this.#maxBytes });
    if (!size.store) {
      this.#refused(size.reason);
      this.#count(size.reason);
      if (replacesCopy(head, ctx)) this.forget(request, ctx);
      return;
    }
    if (body === null) return;
    const vary = parseVary(head.headers.get('vary'));
    const names = vary.kind === 'names' ? vary.names : [];
    const record = toRecord(resourceKey(request.url, names, request.headers), head, body, timing, 0);
    if (this.#outdated(record)) return;
    const stored = this.#memory.put(record, names, (copying) => ctx.waitUntil(this.track(copying)));
    this.#count(stored);
    if (stored === 'stored') this.stats.kept++;
    else if (stored === 'too-large' && replacesCopy(head, ctx)) {
      // Within maxBytes but over what the memory tier takes now (its Blobs share its budget):
      // the old copy must not be served in place of this version. The disk gets this version
      // next (or, refusing it, drops the old one: #keepOffline), so only memory and the tabs
      // let go of the old one here.
      this.#memory.flush(request);
      ctx.waitUntil(this.track(this.#tabs.flush(request, headerPairs(request.headers))));
    }
    this.fillTab(record, names, ctx);
    if (ctx.offline && (await this.#keepOffline(record, names))) this.stats.keptOffline++;
  }
}

/** Keys whose newest put is remembered; a forgotten one only lets an older copy in again, as
 *  with no check at all. */
const NEWEST_KEYS = 4096;
/** Smallest body read back from the HTTP cache rather than teed (rules at the top). */
const READ_BACK_MIN_BYTES = 64 * 1024;
/** Request headers that make the HTTP cache pass a request on instead of storing its answer. */
const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range'];
/** Headers a copy read back must share with the response served to be the same version. */
const VALIDATORS = ['etag', 'last-modified', 'content-length', 'content-encoding'];

/**
 * Whether a response that is not kept replaces the stored copy of its URL, which must then
 * go: the origin's answer now is one the cache may not hold (a 404, no-store, Vary: *, a
 * redirect, a body too large), and the old copy would otherwise be served in its place ever
 * after. Whatever the request was: a copy removed is only fetched again. Not replaced by:
 *   - a network error (Response.error(): no answer from the origin), like a fetch that
 *     throws: the network failing is when an offline route's copy is served;
 *   - a 304, which answers the page's own conditional request, not a full response;
 *   - a 5xx on an offline route: a server error says the origin failed, as a network failure
 *     does, not that the resource changed or went. The 5xx is passed on to the page as it
 *     came (RFC 9111 §4.2.4: a stale copy is not served in its place without the origin's
 *     leave), and the copy stays for when the network fails. A 5xx that is kept (cacheErrors
 *     with explicit freshness) replaces it like any response kept.
 */
function replacesCopy(response: ResponseLike, ctx: KeepContext): boolean {
  if (response.type === 'error' || response.status === 304) return false;
  return !(ctx.offline && response.status >= 500);
}

function varyNames(record: ResourceRecord): string[] {
  const vary = parseVary(new Headers(record.headers).get('vary'));
  return vary.kind === 'names' ? vary.names : [];
}

/**
 * Reads a body whole, or stops at `maxBytes`: a body without Content-Length may be of any
 * size, and the tee behind response.clone() would buffer all of it for a put that cannot
 * happen. Cancelling the clone leaves the page's copy streaming on.
 * @returns the bytes, or null when there were more than maxBytes
 */
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].byteLength === chunks[0].buffer.byteLength) {
    return chunks[0] as Uint8Array<ArrayBuffer>;
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}
