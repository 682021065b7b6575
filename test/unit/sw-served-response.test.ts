// The service worker's answer from a stored record (sw/served-response.ts): a stream over the
// record's bytes, byte-exact, read once per Response with a new Response per call, with the
// stored or the given headers, and no body where the status forbids one.
import { describe, expect, it } from 'vitest';
import { servedResponse } from '../../sw/served-response.js';
import { resourceKey, toRecord } from '../../sw/http/index.js';

function stored(status: number, bytes: Uint8Array<ArrayBuffer>) {
  const response = { status, statusText: 'X', headers: new Headers({ 'content-type': 'text/javascript', etag: '"a"' }) };
  return toRecord(resourceKey('https://s.test/a.js', [], new Headers()), response, bytes, { requestTime: 1, responseTime: 2 }, 0);
}

describe('servedResponse', () => {
  it('streams the bytes exactly, a new Response each call, the record untouched', async () => {
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 13) & 0xff);
    const record = stored(200, bytes.slice());
    const first = servedResponse(record);
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"a"');
    expect(first.headers.get('content-length')).toBe('70001');
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes);
    expect(first.bodyUsed).toBe(true);
    // The record's buffer is read, not taken: the next answer has the same bytes.
    expect(record.body).toEqual(bytes);
    expect(new Uint8Array(await servedResponse(record).arrayBuffer())).toEqual(bytes);
  });

  it('an empty body is an empty stream; a null-body status gets no body', async () => {
    expect((await servedResponse(stored(200, new Uint8Array(0))).arrayBuffer()).byteLength).toBe(0);
    const noContent = servedResponse(stored(204, new Uint8Array(0)));
    expect(noContent.status).toBe(204);
    expect(noContent.body).toBeNull();
  });

  it('serves the given headers instead of the stored ones (a 304 merge)', () => {
    const r = servedResponse(stored(200, new Uint8Array([1, 2, 3])), [['etag', '"b"'], ['x-merged', '1']]);
    expect(r.headers.get('etag')).toBe('"b"');
    expect(r.headers.get('x-merged')).toBe('1');
    expect(r.headers.get('content-type')).toBeNull();
  });
});
