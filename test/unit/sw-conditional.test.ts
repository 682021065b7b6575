// A page's own conditional GET answered from a stored copy (sw/http/conditional.ts): 304 when
// the copy meets If-None-Match (weak comparison, "*" and lists), else If-Modified-Since; the
// 304 carries the headers RFC 9110 §15.4.5 names, and Age.
import { describe, expect, it } from 'vitest';
import { notModified, notModifiedHeaders, PairFields } from '../../sw/http/index.js';

const fields = (h: Record<string, string>) => new Headers(h);
const stored = (pairs: Record<string, string>) => new PairFields(Object.entries(pairs));

describe('notModified', () => {
  it.each([
    ['the same strong tag', '"a"', '"a"', true],
    ['a weak tag against a strong one (weak comparison)', 'W/"a"', '"a"', true],
    ['a strong tag against a weak one', '"a"', 'W/"a"', true],
    ['one of a list', '"x", W/"a" , "y"', '"a"', true],
    ['"*"', '*', '"a"', true],
    ['another tag', '"b"', '"a"', false],
    ['a tag whose text contains the other', '"ab"', '"a"', false],
    ['garbage', 'a', '"a"', false],
  ])('If-None-Match: %s', (_, inm, etag, expected) => {
    expect(notModified(200, fields({ 'if-none-match': inm }), stored({ etag }))).toBe(expected);
  });

  it('If-None-Match against a copy without ETag: not met (except "*")', () => {
    expect(notModified(200, fields({ 'if-none-match': '"a"' }), stored({}))).toBe(false);
    expect(notModified(200, fields({ 'if-none-match': '*' }), stored({}))).toBe(true);
  });

  it('If-Modified-Since against Last-Modified; ignored when If-None-Match is present', () => {
    const lm = 'Tue, 01 Dec 2026 10:00:00 GMT';
    expect(notModified(200, fields({ 'if-modified-since': lm }), stored({ 'last-modified': lm }))).toBe(true);
    expect(notModified(200, fields({ 'if-modified-since': 'Wed, 02 Dec 2026 10:00:00 GMT' }), stored({ 'last-modified': lm }))).toBe(true);
    expect(notModified(200, fields({ 'if-modified-since': 'Mon, 30 Nov 2026 10:00:00 GMT' }), stored({ 'last-modified': lm }))).toBe(false);
    expect(notModified(200, fields({ 'if-modified-since': 'not a date' }), stored({ 'last-modified': lm }))).toBe(false);
    expect(notModified(200, fields({ 'if-modified-since': lm }), stored({}))).toBe(false);
    expect(notModified(200, fields({ 'if-none-match': '"b"', 'if-modified-since': lm }), stored({ etag: '"a"', 'last-modified': lm }))).toBe(false);
  });
});

describe('notModified of a copy that is not 2xx', () => {
  it.each([404, 410, 301, 500])('%i: never (preconditions apply to 2xx answers only)', (status) => {
    expect(notModified(status, fields({ 'if-none-match': '*' }), stored({ etag: '"a"' }))).toBe(false);
    expect(notModified(status, fields({ 'if-none-match': '"a"' }), stored({ etag: '"a"' }))).toBe(false);
  });
});

describe('notModifiedHeaders', () => {
  it('keeps what a 304 carries, and Last-Modified only without an ETag', () => {
    const served: [string, string][] = [['content-type', 'text/css'], ['content-length', '9'], ['etag', '"a"'], ['cache-control', 'max-age=60'],
      ['date', 'x'], ['vary', 'Accept'], ['last-modified', 'y'], ['age', '3'], ['expires', 'z'], ['content-location', '/a']];
    expect(notModifiedHeaders(served).map(([n]) => n)).toEqual(['etag', 'cache-control', 'date', 'vary', 'age', 'expires', 'content-location']);
    expect(notModifiedHeaders([['last-modified', 'y'], ['content-type', 'a'], ['age', '0']])).toEqual([['last-modified', 'y'], ['age', '0']]);
  });
});
