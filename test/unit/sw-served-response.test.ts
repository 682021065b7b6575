// The service worker's answer from a stored record (sw/served-response.ts): a stream over the
// record's bytes, byte-exact, read once per Response with a new Response per call, with the
// stored or the given headers, and no body where the status forbids one; and with Age set to
// the copy's current age (RFC 9111 §4), whatever Age it was stored with.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { servedResponse } from '../../sw/served-response.js';
import { resourceKey, toRecord } from '../../sw/http/index.js';
import { rfcAge } from './sw-fakes.js';

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

describe('servedResponse: Age', () => {
  const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
  const httpDate = (ms: number) => new Date(ms).toUTCString();
  // The clock is Date's (what the service worker reads); vitest moves it by hand.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  function kept(headers: Record<string, string>, timing: { requestTime: number; responseTime: number }, status = 200) {
    const response = { status, statusText: 'X', headers: new Headers({ 'content-type': 'text/plain', ...headers }) };
    return toRecord(resourceKey('https://s.test/a.txt', [], new Headers()), response, new Uint8Array([1, 2]), timing, 0);
  }
  /** The response's Age fields, one per field line (Headers joins repeats with ", "). */
  const ages = (r: Response) => r.headers.get('age')?.split(', ') ?? [];

  it('a copy dated 100 s before it was received, served at once, is 100 s old', () => {
    const record = kept({ date: httpDate(T0 - 100_000) }, { requestTime: T0, responseTime: T0 });
    const expected = rfcAge({ date: T0 - 100_000, requestTime: T0, responseTime: T0, now: T0 });
    expect(expected).toBe(100);
    expect(ages(servedResponse(record))).toEqual([String(expected)]);
  });

  it('a copy received 100 s ago is served with its age now, the round trip counted', () => {
    const timing = { requestTime: T0 - 100_500, responseTime: T0 - 100_000 };
    const record = kept({ date: httpDate(T0 - 100_000) }, timing);
    const expected = rfcAge({ date: T0 - 100_000, ...timing, now: T0 });
    expect(expected).toBe(100); // 0.5 s of round trip + 100 s here, rounded down
    expect(ages(servedResponse(record))).toEqual(['100']);
    // The time passed to it is the time served.
    expect(ages(servedResponse(record, undefined, null, T0 + 20_000))).toEqual([String(rfcAge({ date: T0 - 100_000, ...timing, now: T0 + 20_000 }))]);
  });

  it('replaces the stored Age with the current age: one Age field, not the stored 5', () => {
    const timing = { requestTime: T0 - 60_000, responseTime: T0 - 60_000 };
    const record = kept({ date: httpDate(T0 - 60_000), age: '5' }, timing);
    const served = servedResponse(record);
    expect(ages(served)).toEqual([String(rfcAge({ date: T0 - 60_000, age: 5, ...timing, now: T0 }))]);
    expect(ages(served)).toEqual(['65']);
    // The record keeps what it was stored with.
    expect(record.headers.filter(([n]) => n === 'age')).toEqual([['age', '5']]);
  });

  it('sends an age past 2^31 s as 2147483648', () => {
    const record = kept({ date: httpDate(T0), age: '99999999999' }, { requestTime: T0, responseTime: T0 });
    expect(ages(servedResponse(record))).toEqual(['2147483648']);
  });

  it('sets Age over a Blob, with no body (204), and over headers given instead of the stored ones', async () => {
    const timing = { requestTime: T0 - 30_000, responseTime: T0 - 30_000 };
    const record = kept({ date: httpDate(T0 - 30_000), age: '2' }, timing);
    const expected = String(rfcAge({ date: T0 - 30_000, age: 2, ...timing, now: T0 }));
    const overBlob = servedResponse(record, undefined, new Blob([record.body]));
    expect(ages(overBlob)).toEqual([expected]);
    expect(new Uint8Array(await overBlob.arrayBuffer())).toEqual(record.body);
    expect(ages(servedResponse(kept({ date: httpDate(T0 - 30_000), age: '2' }, timing, 204)))).toEqual([expected]);
    // Given headers (merged from a 304) give the age, with the record's timing.
    const merged = servedResponse(record, [['date', httpDate(T0 - 30_000)], ['age', '9']]);
    expect(ages(merged)).toEqual([String(rfcAge({ date: T0 - 30_000, age: 9, ...timing, now: T0 }))]);
  });
});
