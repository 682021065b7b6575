// Stand-ins the service-worker unit tests share: an offline tier that records its writes, a
// fetch that answers from a table and records its requests, and RFC 9111's age formula.
import type { ResourceRecord } from '../../sw/http/index.js';

/** An offline tier that records its puts and flushes and has nothing to look up; `accept`
 *  false refuses every write. */
export function fakeTier(accept = true) {
  const puts: { record: ResourceRecord; vary: readonly string[] }[] = [];
  const flushed: string[] = [];
  return {
    puts,
    flushed,
    put: async (record: ResourceRecord, vary: readonly string[]) => { puts.push({ record, vary }); return accept; },
    flush: async (request: Request) => { flushed.push(request.url); },
    lookup: async (_request: Request): Promise<ResourceRecord | null> => null,
  };
}

/** A fetch answering each URL from a table (an unknown URL fails as the network would);
 *  records the requests. */
export function fakeFetch(answers: Record<string, () => Response | Promise<Response>>) {
  const requests: Request[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    const request = input as Request;
    requests.push(request);
    const answer = answers[request.url];
    if (!answer) throw new TypeError(`Failed to fetch ${request.url}`);
    return answer();
  }) as typeof fetch;
  return { requests, fetcher };
}

/**
 * A stored response's current age in whole seconds, RFC 9111 §4.2.3 written out step by step
 * (tests compare the code's Age with it; it is not the code's currentAge). Times in ms.
 */
export function rfcAge(r: { date: number; age?: number; requestTime: number; responseTime: number; now: number }): number {
  const apparentAge = Math.max(0, r.responseTime - r.date) / 1000;
  const responseDelay = (r.responseTime - r.requestTime) / 1000;
  const correctedAgeValue = (r.age ?? 0) + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = (r.now - r.responseTime) / 1000;
  return Math.floor(correctedInitialAge + residentTime);
}
