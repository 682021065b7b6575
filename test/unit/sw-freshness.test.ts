import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../sw/http/cache-control.js';
import {
  currentAge, freshness, freshnessLifetime, HEURISTIC_CAP_SECONDS, isFresh, mergeNotModified, parseHttpDate,
  revalidationHeaders, usableWhileRevalidating,
} from '../../sw/http/freshness.js';

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString();
const h = (init: Record<string, string>) => new Headers(init);
const at = (ms: number) => ({ requestTime: ms, responseTime: ms });

describe('parseCacheControl', () => {
  it('reads tokens, quoted arguments, case and repeats (first wins)', () => {
    const cc = parseCacheControl('Max-Age=60, no-cache="set-cookie, x", public, max-age=5');
    expect(cc.get('max-age')).toBe('60');
    expect(cc.get('no-cache')).toBe('set-cookie, x');
    expect(cc.get('public')).toBe(true);
  });

  it('skips a malformed directive and keeps the rest', () => {
    const cc = parseCacheControl('=oops, max-age=10');
    expect(cc.get('max-age')).toBe('10');
  });
});

describe('parseHttpDate', () => {
  it('reads the three HTTP date forms as UTC', () => {
    const ms = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(ms);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(ms);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(ms);
  });

  it('refuses what Date.parse would accept', () => {
    expect(parseHttpDate('0')).toBeNaN();
    expect(parseHttpDate('-1')).toBeNaN();
    expect(parseHttpDate('2024-01-01')).toBeNaN();
    expect(parseHttpDate(null)).toBeNaN();
  });
});

describe('freshnessLifetime', () => {
  it('max-age wins over Expires; s-maxage is ignored', () => {
    const headers = h({ 'cache-control': 's-maxage=999, max-age=60', date: httpDate(T0), expires: httpDate(T0 + 3600e3) });
    expect(freshnessLifetime(200, headers, T0)).toBe(60);
    expect(freshnessLifetime(200, h({ 'cache-control': 's-maxage=999' }), T0)).toBe(0);
  });

  it('Expires − Date; an invalid Expires is already expired', () => {
    expect(freshnessLifetime(200, h({ date: httpDate(T0), expires: httpDate(T0 + 300e3) }), T0)).toBe(300);
    expect(freshnessLifetime(200, h({ expires: httpDate(T0 + 300e3) }), T0 + 100e3)).toBe(200);
    expect(freshnessLifetime(200, h({ expires: '0', 'last-modified': httpDate(T0 - 1e9) }), T0)).toBe(0);
  });

  it('a malformed max-age means stale', () => {
    expect(freshnessLifetime(200, h({ 'cache-control': 'max-age=abc', expires: httpDate(T0 + 3600e3) }), T0)).toBe(0);
  });

  it('Last-Modified heuristic: 10% of its age, capped, only for cacheable statuses', () => {
    const tenDays = 10 * 86400e3;
    const headers = h({ date: httpDate(T0), 'last-modified': httpDate(T0 - tenDays) });
    expect(freshnessLifetime(200, headers, T0)).toBe(86400);
    const old = h({ date: httpDate(T0), 'last-modified': httpDate(T0 - 1000 * 86400e3) });
    expect(freshnessLifetime(200, old, T0)).toBe(HEURISTIC_CAP_SECONDS);
    expect(freshnessLifetime(302, headers, T0)).toBe(0);
    expect(freshnessLifetime(200, h({}), T0)).toBe(0);
  });
});

describe('currentAge', () => {
  it('adds the resident time to the corrected initial age', () => {
    // Generated 10 s before it arrived, 2 s round trip, Age 3 → initial max(10, 3+2) = 10.
    const headers = h({ date: httpDate(T0 - 10e3), age: '3' });
    expect(currentAge(headers, { requestTime: T0 - 2e3, responseTime: T0 }, T0 + 60e3)).toBe(70);
  });

  it('Age plus round trip when larger than the apparent age', () => {
    const headers = h({ date: httpDate(T0), age: '100' });
    expect(currentAge(headers, { requestTime: T0 - 5e3, responseTime: T0 }, T0 + 1e3)).toBe(106);
  });

  it('a repeated Age (joined with ", ") counts its first value', () => {
    const headers = new Headers([['date', httpDate(T0)], ['age', '100'], ['age', '7']]);
    expect(headers.get('age')).toBe('100, 7');
    expect(currentAge(headers, { requestTime: T0, responseTime: T0 }, T0)).toBe(100);
  });

  it('no Date: the response time stands in; clocks running backwards never give negative ages', () => {
    expect(currentAge(h({}), at(T0), T0 + 5e3)).toBe(5);
    expect(currentAge(h({ date: httpDate(T0 + 60e3) }), at(T0), T0 - 1e3)).toBe(0);
  });
});

describe('freshness', () => {
  const headers = h({ 'cache-control': 'max-age=60, stale-while-revalidate=30', date: httpDate(T0) });

  it('is fresh before max-age, usable while revalidating within the window, then stale', () => {
    expect(isFresh(200, headers, at(T0), T0 + 59e3)).toBe(true);
    const swr = freshness(200, headers, at(T0), T0 + 70e3);
    expect(swr.fresh).toBe(false);
    expect(usableWhileRevalidating(swr)).toBe(true);
    expect(usableWhileRevalidating(freshness(200, headers, at(T0), T0 + 91e3))).toBe(false);
  });

  it('no-cache is never fresh; must-revalidate forbids stale use', () => {
    expect(isFresh(200, h({ 'cache-control': 'no-cache, max-age=600' }), at(T0), T0)).toBe(false);
    const mr = freshness(200, h({ 'cache-control': 'max-age=1, must-revalidate, stale-while-revalidate=60' }), at(T0), T0 + 2e3);
    expect(mr.mustRevalidate).toBe(true);
    expect(usableWhileRevalidating(mr)).toBe(false);
  });

  it('reports immutable', () => {
    expect(freshness(200, h({ 'cache-control': 'max-age=31536000, immutable' }), at(T0), T0).immutable).toBe(true);
  });
});

describe('revalidation', () => {
  it('builds If-None-Match and If-Modified-Since from the validators given', () => {
    const lm = httpDate(T0);
    const both = revalidationHeaders(h({ etag: '"v1"', 'last-modified': lm }));
    expect(both.get('if-none-match')).toBe('"v1"');
    expect(both.get('if-modified-since')).toBe(lm);
    expect([...revalidationHeaders(h({ 'content-type': 'text/css' })).keys()]).toEqual([]);
  });

  it('merges a 304 into the stored headers, keeping framing and refusing cookies', () => {
    const stored = h({ etag: '"v1"', 'cache-control': 'max-age=60', 'content-length': '10', 'content-type': 'text/css' });
    const merged = mergeNotModified(stored, h({
      etag: 'W/"v1"', 'cache-control': 'max-age=600', 'content-length': '0', 'set-cookie': 'a=1', 'x-new': 'y',
    }), T0);
    expect(merged?.get('cache-control')).toBe('max-age=600');
    expect(merged?.get('content-length')).toBe('10');
    expect(merged?.get('content-type')).toBe('text/css');
    expect(merged?.get('x-new')).toBe('y');
    expect(merged?.has('set-cookie')).toBe(false);
  });

  it('a 304 with another ETag does not merge', () => {
    expect(mergeNotModified(h({ etag: '"v1"' }), h({ etag: '"v2"' }), T0)).toBeNull();
    expect(mergeNotModified(h({ etag: 'W/"v1"' }), h({ etag: 'W/"v2"' }), T0)).toBeNull();
  });

  it('a 304 refreshes the copy whose tag it carries, weak or strong (nginx sends the strong tag of a copy it weakened when it compressed it)', () => {
    expect(mergeNotModified(h({ etag: 'W/"v1"' }), h({ etag: '"v1"' }), T0)?.get('etag')).toBe('"v1"');
    expect(mergeNotModified(h({ etag: '"v1"' }), h({ etag: ' "v1" ' }), T0)?.get('etag')).toBe('"v1"');
    expect(mergeNotModified(h({ etag: 'W/"v1"' }), h({ etag: 'W/"v1"' }), T0)).not.toBeNull();
    expect(mergeNotModified(h({ etag: '"v1"' }), h({ etag: 'W/"v1"' }), T0)).not.toBeNull();
  });

  it('a 304 resets the age: dated when it arrived when it has no Date, the stored Age dropped', () => {
    const stored = h({ etag: '"v1"', 'cache-control': 'max-age=600', date: httpDate(T0), age: '550' });
    const later = T0 + 3600e3;
    const merged = mergeNotModified(stored, h({ etag: '"v1"' }), later)!;
    expect([merged.get('date'), merged.has('age')]).toEqual([httpDate(later), false]);
    expect(isFresh(200, merged, at(later), later + 60e3)).toBe(true);
    // The 304's own Date and Age count.
    const dated = mergeNotModified(stored, h({ date: httpDate(later - 5e3), age: '7' }), later)!;
    expect([dated.get('date'), dated.get('age')]).toEqual([httpDate(later - 5e3), '7']);
  });
});
