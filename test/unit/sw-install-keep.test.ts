// keepUrls (the install-time keeping of offline URLs and the drop-in's own files): a response
// whose declared length is over the bound is refused before its body is read, and the others
// are still kept.
import { describe, expect, it } from 'vitest';
import { keepUrls } from '../../sw/install-keep.js';
import type { ResourceRecord } from '../../sw/http/index.js';

describe('keepUrls', () => {
  it('refuses a declared Content-Length over maxBytes without reading the body; keeps the rest', async () => {
    let pulled = 0;
    let cancelled = false;
    const big = () => new ReadableStream<Uint8Array>({
      pull(c) { pulled++; c.enqueue(new Uint8Array(65536)); },
      cancel() { cancelled = true; },
    });
    const fetcher = async (input: RequestInfo | URL): Promise<Response> => String((input as Request).url ?? input).endsWith('/big.bin')
      ? new Response(big(), { headers: { 'content-length': String(50 << 20) } })
      : new Response('small', { headers: { 'content-type': 'text/plain' } });
    const kept: ResourceRecord[] = [];
    const offline = { put: async (record: ResourceRecord) => { kept.push(record); return true; } };
    const result = await keepUrls(offline, [{ url: 'https://s.test/big.bin' }, { url: 'https://s.test/a.txt' }], { fetcher, maxBytes: 1 << 20 });
    expect(result.kept).toEqual(['https://s.test/a.txt']);
    expect(result.failed).toEqual([{ url: 'https://s.test/big.bin', reason: `${50 << 20} bytes, over the ${1 << 20} kept` }]);
    expect(pulled).toBeLessThanOrEqual(1); // the stream's first pull may come before the cancel
    expect(cancelled).toBe(true);
    expect(kept.map((r) => new TextDecoder().decode(r.body))).toEqual(['small']);
  });
});
