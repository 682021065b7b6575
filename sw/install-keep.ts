// Fetching a list of URLs into the offline tier, as the service worker installs: webtmem's own
// files (./own-files.ts) and the exact URLs a site lists offline (./offline-urls.ts). Each URL
// is fetched revalidating (a stale HTTP-cache copy is not what the server serves now) and
// written keyed as the fetch handler looks it up. One URL failing never fails the others.
import { parseVary, resourceKey, toRecord } from './http/index.js';
import type { OfflineTier } from './offline-tier.js';

/** A URL to keep, with the integrity its bytes must have (the drop-in's own files). */
export interface KeepUrl {
  url: string;
  integrity?: string;
}

/** How keeping the URLs went. */
export interface KeptUrls {
  kept: string[];
  failed: { url: string; reason: string }[];
}

export interface KeepUrlsOptions {
  /** fetch (tests pass their own). */
  fetcher?: typeof fetch;
  /** Why a response may not be kept (the HTTP rules), or null when it may. Asked before its
   *  body is read. */
  refuse?: (request: Request, response: Response) => string | null;
  /** Largest body kept, in bytes; a larger one fails. Default: no limit here. */
  maxBytes?: number;
}

/**
 * Fetches each URL and writes it to the offline tier. Never rejects: a URL that fails is named
 * in the result with why (status, redirect, Vary, the refusal, the tier's refusal, the fetch's
 * error).
 * @param offline the offline tier
 * @param urls what to keep
 * @param options fetcher, refuse, maxBytes
 */
export async function keepUrls(offline: Pick<OfflineTier, 'put'>, urls: readonly KeepUrl[], options: KeepUrlsOptions = {}): Promise<KeptUrls> {
  const { fetcher = fetch, refuse, maxBytes = Infinity } = options;
  const result: KeptUrls = { kept: [], failed: [] };
  await Promise.all(urls.map(async ({ url, integrity }) => {
    try {
      const requestTime = Date.now();
      const request = new Request(url, { cache: 'no-cache', integrity: integrity ?? '' });
      const response = await fetcher(request);
      if (!response.ok || response.redirected) throw new Error(`status ${response.status}${response.redirected ? ' (redirected)' : ''}`);
      const refused = refuse?.(request, response) ?? null;
      if (refused !== null) throw new Error(refused);
      const vary = parseVary(response.headers.get('vary'));
      if (vary.kind === 'star' || vary.kind === 'unseen') throw new Error(`Vary: ${response.headers.get('vary')} cannot be keyed`);
      const names = vary.kind === 'names' ? vary.names : [];
      // A declared length over the bound is refused before a byte is read.
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > maxBytes && response.headers.get('content-encoding') === null) {
        void response.body?.cancel().catch(() => undefined);
        throw new Error(`${declared} bytes, over the ${maxBytes} kept`);
      }
      const body = new Uint8Array(await response.arrayBuffer());
      if (body.byteLength > maxBytes) throw new Error(`${body.byteLength} bytes, over the ${maxBytes} kept`);
      const record = toRecord(resourceKey(url, names, request.headers), response, body, { requestTime, responseTime: Date.now() }, 0);
      if (!(await offline.put(record, names))) throw new Error('the offline tier refused the write (see its lastError)');
      result.kept.push(url);
    } catch (e) {
      result.failed.push({ url, reason: (e as Error)?.message ?? String(e) });
    }
  }));
  return result;
}
