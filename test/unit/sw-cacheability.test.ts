import { describe, expect, it } from 'vitest';
import { carriesCredentials, decideLookup, decideSize, decideStore } from '../../sw/http/cacheability.js';
import type { RequestLike, ResponseLike } from '../../sw/http/fetch-like.js';

const ORIGIN = 'https://app.example';

type RequestInitLike = Partial<Omit<RequestLike, 'headers'>> & { headers?: HeadersInit };

/** A GET from the app's own page unless told otherwise. */
function req(url: string, init: RequestInitLike = {}): RequestLike {
  return {
    method: 'GET', mode: 'cors', credentials: 'same-origin', destination: '', cache: 'default',
    ...init,
    url: new URL(url, ORIGIN).href,
    headers: new Headers(init.headers),
  };
}

/** A basic 200 unless told otherwise. */
function res(init: { status?: number; type?: ResponseType; headers?: HeadersInit } = {}): ResponseLike {
  return { status: init.status ?? 200, type: init.type ?? 'basic', headers: new Headers(init.headers) };
}

const opts = { origin: ORIGIN };

describe('decideStore: what is never cached', () => {
  it('stores a plain same-origin 200', () => {
    expect(decideStore(req('/app.css'), res(), opts)).toEqual({ store: true });
  });

  it('accepts a real Request and Response', () => {
    const request = new Request(`${ORIGIN}/a.js`);
    const response = new Response('x', { headers: { 'content-type': 'text/javascript' } });
    expect(decideStore(request, response, opts)).toEqual({ store: true });
  });

  it.each(['POST', 'PUT', 'DELETE', 'HEAD'])('non-GET (%s) → method', (method) => {
    expect(decideStore(req('/a', { method }), res(), opts)).toEqual({ store: false, reason: 'method' });
  });

  it('Cache-Control: no-store on the response → no-store', () => {
    const r = res({ headers: { 'cache-control': 'public, No-Store, max-age=60' } });
    expect(decideStore(req('/a'), r, opts)).toEqual({ store: false, reason: 'no-store' });
  });

  it('no-store on the request (header or cache mode) → no-store', () => {
    expect(decideStore(req('/a', { headers: { 'cache-control': 'no-store' } }), res(), opts))
      .toEqual({ store: false, reason: 'no-store' });
    expect(decideStore(req('/a', { cache: 'no-store' }), res(), opts)).toEqual({ store: false, reason: 'no-store' });
  });

  it.each([404, 410, 500, 503])('error status %i → status, unless cacheErrors', (status) => {
    const fresh = res({ status, headers: { 'cache-control': 'max-age=60' } });
    expect(decideStore(req('/a'), fresh, opts)).toEqual({ store: false, reason: 'status' });
    expect(decideStore(req('/a'), fresh, { ...opts, cacheErrors: true })).toEqual({ store: true });
  });

  it.each([201, 202, 205, 207, 226, 500, 503])('status %i, not heuristically cacheable, is stored only with explicit freshness or public / private', (status) => {
    const errors = { ...opts, cacheErrors: true };
    expect(decideStore(req('/a'), res({ status }), errors)).toEqual({ store: false, reason: 'status' });
    expect(decideStore(req('/a'), res({ status, headers: { 'last-modified': 'Sun, 06 Nov 1994 08:49:37 GMT' } }), errors))
      .toEqual({ store: false, reason: 'status' });
    const marked: Record<string, string>[] = [
      { 'cache-control': 'max-age=60' }, { expires: 'Sun, 06 Nov 2094 08:49:37 GMT' }, { 'cache-control': 'public' }, { 'cache-control': 'private' },
    ];
    for (const headers of marked) {
      expect(decideStore(req('/a'), res({ status, headers }), errors)).toEqual({ store: true });
    }
  });

  it.each([200, 203, 204, 404, 410, 501])('heuristically cacheable status %i needs no cache headers', (status) => {
    expect(decideStore(req('/a'), res({ status }), { ...opts, cacheErrors: true })).toEqual({ store: true });
  });

  it.each([101, 301, 304])('status %i is never stored, even with cacheErrors', (status) => {
    expect(decideStore(req('/a'), res({ status }), { ...opts, cacheErrors: true }))
      .toEqual({ store: false, reason: 'status' });
  });

  it('a network error (type error, status 0) → status', () => {
    expect(decideStore(req('/a'), Response.error(), opts)).toEqual({ store: false, reason: 'status' });
  });

  it.each(['opaque', 'opaqueredirect'] as const)('%s response → opaque', (type) => {
    const r = res({ status: 0, type });
    expect(decideStore(req('https://cdn.example/x.png', { mode: 'no-cors' }), r, opts))
      .toEqual({ store: false, reason: 'opaque' });
  });

  it('a Range request passes through; a 206 is never stored', () => {
    expect(decideStore(req('/v.mp4', { headers: { range: 'bytes=0-99' } }), res(), opts))
      .toEqual({ store: false, reason: 'range' });
    expect(decideStore(req('/v.mp4'), res({ status: 206 }), opts)).toEqual({ store: false, reason: 'partial' });
  });

  it('a request with Authorization → credentials, same-origin too', () => {
    const r = req('/api/me', { headers: { authorization: 'Bearer t' } });
    expect(decideStore(r, res(), opts)).toEqual({ store: false, reason: 'credentials' });
  });

  it('cookies to another origin (credentials include) → credentials', () => {
    const r = req('https://api.other.example/data', { credentials: 'include' });
    expect(decideStore(r, res(), opts)).toEqual({ store: false, reason: 'credentials' });
  });

  it('same-origin cookies and credential-less cross-origin requests are stored', () => {
    expect(decideStore(req('/page', { credentials: 'include' }), res(), opts)).toEqual({ store: true });
    expect(decideStore(req('https://cdn.example/lib.js', { credentials: 'same-origin' }), res(), opts))
      .toEqual({ store: true });
    expect(decideStore(req('https://cdn.example/lib.js', { credentials: 'omit' }), res(), opts))
      .toEqual({ store: true });
  });

  it('a visible Cookie header to another origin → credentials', () => {
    expect(carriesCredentials(req('https://other.example/', { headers: { cookie: 'a=1' } }), ORIGIN)).toBe(true);
    expect(carriesCredentials(req('/', { headers: { cookie: 'a=1' } }), ORIGIN)).toBe(false);
  });

  it('Set-Cookie on the response → set-cookie', () => {
    expect(decideStore(req('/a'), res({ headers: { 'set-cookie': 'id=1' } }), opts))
      .toEqual({ store: false, reason: 'set-cookie' });
  });

  it('Vary: * → vary-star; Vary on Cookie or Sec-* → vary-unseen', () => {
    expect(decideStore(req('/a'), res({ headers: { vary: 'Accept, *' } }), opts))
      .toEqual({ store: false, reason: 'vary-star' });
    expect(decideStore(req('/a'), res({ headers: { vary: 'Cookie' } }), opts))
      .toEqual({ store: false, reason: 'vary-unseen' });
    expect(decideStore(req('/a'), res({ headers: { vary: 'Sec-Fetch-Dest' } }), opts))
      .toEqual({ store: false, reason: 'vary-unseen' });
    expect(decideStore(req('/a'), res({ headers: { vary: 'Accept-Language' } }), opts)).toEqual({ store: true });
  });

  it('a Content-Length over maxBytes → too-large; decideSize checks the measured body', () => {
    const big = res({ headers: { 'content-length': '1001' } });
    expect(decideStore(req('/a'), big, { ...opts, maxBytes: 1000 })).toEqual({ store: false, reason: 'too-large' });
    expect(decideStore(req('/a'), big, { ...opts, maxBytes: 1001 })).toEqual({ store: true });
    expect(decideSize(2000, { maxBytes: 1000 })).toEqual({ store: false, reason: 'too-large' });
    expect(decideSize(2000, {})).toEqual({ store: true });
  });
});

describe('decideLookup', () => {
  it('looks up a plain GET', () => {
    expect(decideLookup(req('/a'), ORIGIN)).toEqual({ lookup: true, revalidate: false, anyAge: false });
  });

  it('passes non-GET, Range, no-store, reload and credentialed requests through', () => {
    expect(decideLookup(req('/a', { method: 'POST' }), ORIGIN)).toEqual({ lookup: false, reason: 'method' });
    expect(decideLookup(req('/a', { headers: { range: 'bytes=5-' } }), ORIGIN)).toEqual({ lookup: false, reason: 'range' });
    expect(decideLookup(req('/a', { cache: 'no-store' }), ORIGIN)).toEqual({ lookup: false, reason: 'no-store' });
    expect(decideLookup(req('/a', { cache: 'reload' }), ORIGIN)).toEqual({ lookup: false, reason: 'reload' });
    expect(decideLookup(req('/a', { headers: { authorization: 'Basic x' } }), ORIGIN))
      .toEqual({ lookup: false, reason: 'credentials' });
  });

  it('asks for revalidation on no-cache, max-age=0 or Pragma: no-cache', () => {
    for (const r of [
      req('/a', { cache: 'no-cache' }),
      req('/a', { headers: { 'cache-control': 'no-cache' } }),
      req('/a', { headers: { 'cache-control': 'max-age=0' } }),
      req('/a', { headers: { pragma: 'no-cache' } }),
    ]) expect(decideLookup(r, ORIGIN)).toMatchObject({ lookup: true, revalidate: true, anyAge: false });
    expect(decideLookup(req('/a', { headers: { 'cache-control': 'max-age=00' } }), ORIGIN)).toMatchObject({ revalidate: true });
  });

  it('reads the request\'s max-age and min-fresh as limits on a copy taken without asking (RFC 9111 §5.2.1)', () => {
    expect(decideLookup(req('/a', { headers: { 'cache-control': 'max-age=10, min-fresh=30' } }), ORIGIN))
      .toEqual({ lookup: true, revalidate: false, anyAge: false, maxAge: 10, minFresh: 30 });
    expect(decideLookup(req('/a', { headers: { 'cache-control': 'min-fresh=x' } }), ORIGIN)).toMatchObject({ minFresh: 0 });
    expect(decideLookup(req('/a'), ORIGIN)).toEqual({ lookup: true, revalidate: false, anyAge: false });
  });

  it('accepts any age for force-cache and only-if-cached', () => {
    expect(decideLookup(req('/a', { cache: 'force-cache' }), ORIGIN)).toEqual({ lookup: true, revalidate: false, anyAge: true });
    expect(decideLookup(req('/a', { cache: 'only-if-cached' }), ORIGIN)).toEqual({ lookup: true, revalidate: false, anyAge: true });
  });
});
