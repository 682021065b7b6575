// The cleancache as the service worker reaches it: requests over a StoreLink to a tab's
// cleancache service (worker/cleancache). A timeout or an absent tab is a miss, never an
// error: the fetch then goes to the network or the disk.
import type { ResourceRecord } from './http/index.js';
import type { LookupReply, PutReply } from '../worker/cleancache/protocol.js';
import type { StoreLink } from './store-link.js';

/** Header pairs of a Headers object (forEach: the WebWorker lib types Headers without an
 *  iterator). */
export function headerPairs(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

// A put runs under waitUntil, after the page has its response: it may wait for a busy store
// worker (a multi-megabyte write) far longer than a lookup may.
const PUT_TIMEOUT_MS = 5000;

/** The memory tier, seen from the service worker. */
export class MemoryTier {
  readonly #link: StoreLink;

  /** @param link the ports to the tabs' services */
  constructor(link: StoreLink) {
    this.#link = link;
  }

  /**
   * Looks a request up in a tab's cleancache.
   * @param clientId the fetching client, or null for a navigation
   * @param request the request (URL and headers are read)
   * @returns the resource, or null (miss, no tab, or no answer in time)
   */
  async lookup(clientId: string | null, request: Request): Promise<ResourceRecord | null> {
    const reply = (await this.#link.request(clientId, {
      webtmem: 'cc-lookup', url: request.url, headers: headerPairs(request.headers),
    })) as LookupReply | null;
    return reply?.webtmem === 'cc-found' ? reply.record : null;
  }

  /**
   * Hands a record to a tab's cleancache; its body buffer is transferred (unusable after).
   * @param clientId the fetching client, or null
   * @param record the record to keep
   * @param vary the names its response Varies on
   * @returns what the service did, or 'unreached' when no tab answered
   */
  async put(clientId: string | null, record: ResourceRecord, vary: string[]): Promise<PutReply['result'] | 'unreached'> {
    const reply = (await this.#link.request(clientId, { webtmem: 'cc-put', record, vary }, [record.body.buffer], PUT_TIMEOUT_MS, true)) as PutReply | null;
    return reply?.webtmem === 'cc-stored' ? reply.result : 'unreached';
  }

  /** Forgets a URL in a tab's cleancache (after an unsafe request to it). */
  async flush(clientId: string | null, request: Request): Promise<void> {
    await this.#link.request(clientId, { webtmem: 'cc-flush', url: request.url, headers: headerPairs(request.headers) });
  }
}
