import { describe, expect, it } from 'vitest';
import type { RequestLike } from '../../sw/http/fetch-like.js';
import { defaultStrategy, matches, resolveRoute, type Route } from '../../sw/http/routes.js';

const ORIGIN = 'https://app.example';

type RequestInitLike = Partial<Omit<RequestLike, 'headers'>> & { headers?: HeadersInit };

function req(url: string, init: RequestInitLike = {}): RequestLike {
  return {
    method: 'GET', mode: 'cors', credentials: 'same-origin', destination: '', cache: 'default',
    ...init,
    url: new URL(url, ORIGIN).href,
    headers: new Headers(init.headers),
  };
}

const test = (pattern: Route['match'], url: string, init?: RequestInitLike) =>
  matches(pattern, new URL(url, ORIGIN), req(url, init), ORIGIN);

describe('string patterns', () => {
  it("'/' is the root only", () => {
    expect(test('/', '/')).toBe(true);
    expect(test('/', '/?utm=1#top')).toBe(true);
    expect(test('/', '/index.html')).toBe(false);
  });

  it('exact paths and * across segments', () => {
    expect(test('/app.css', '/app.css')).toBe(true);
    expect(test('/app.css', '/app.css.map')).toBe(false);
    expect(test('/img/*', '/img/a/b.png')).toBe(true);
    expect(test('/img/*', '/images/a.png')).toBe(false);
    expect(test('/*.js', '/lib/x.js')).toBe(true);
  });

  it('regex characters in a pattern are literal', () => {
    expect(test('/a.b', '/axb')).toBe(false);
    expect(test('/(x)+', '/(x)+')).toBe(true);
  });

  it('the query counts only when the pattern has one', () => {
    expect(test('/api/*', '/api/x?y=1')).toBe(true);
    expect(test('/search?q=*', '/search?q=cats')).toBe(true);
    expect(test('/search?q=*', '/search')).toBe(false);
  });

  it('path patterns never match another origin; URL patterns do, host case-insensitively', () => {
    expect(test('/lib.js', 'https://cdn.example/lib.js')).toBe(false);
    expect(test('https://CDN.example/*', 'https://cdn.example/lib.js')).toBe(true);
    expect(test('https://cdn.example/*', 'https://cdn.example.evil/lib.js')).toBe(false);
    expect(test('https://cdn.example/Lib.js', 'https://cdn.example/lib.js')).toBe(false);
  });
});

describe('RegExp and function patterns', () => {
  it('a RegExp must match cross-origin URLs from their start', () => {
    expect(test(/\.js$/, '/app.js')).toBe(true);
    expect(test(/\.js$/, 'https://cdn.example/lib.js')).toBe(false);
    expect(test(/^https:\/\/cdn\.example\//, 'https://cdn.example/lib.js')).toBe(true);
  });

  it('a global RegExp gives the same answer every time', () => {
    const re = /app/g;
    expect([test(re, '/app.js'), test(re, '/app.js'), test(re, '/app.js')]).toEqual([true, true, true]);
  });

  it('a function decides alone', () => {
    const onlyFonts = (_url: URL, r: RequestLike) => r.destination === 'font';
    expect(test(onlyFonts, '/f.woff2', { destination: 'font' })).toBe(true);
    expect(test(onlyFonts, '/f.woff2')).toBe(false);
  });
});

describe('defaults', () => {
  it('navigations → network-first', () => {
    expect(defaultStrategy(req('/about', { mode: 'navigate', destination: 'document' }), ORIGIN)).toBe('network-first');
  });

  it('same-origin static files → stale-while-revalidate, by destination or extension', () => {
    expect(defaultStrategy(req('/app.css', { destination: 'style' }), ORIGIN)).toBe('stale-while-revalidate');
    expect(defaultStrategy(req('/photo', { destination: 'image' }), ORIGIN)).toBe('stale-while-revalidate');
    expect(defaultStrategy(req('/lib/x.mjs'), ORIGIN)).toBe('stale-while-revalidate');
  });

  it('same-origin APIs → network-first; cross-origin and non-GET → network-only', () => {
    expect(defaultStrategy(req('/api/items'), ORIGIN)).toBe('network-first');
    expect(defaultStrategy(req('https://cdn.example/x.js', { destination: 'script' }), ORIGIN)).toBe('network-only');
    expect(defaultStrategy(req('/app.css', { method: 'POST' }), ORIGIN)).toBe('network-only');
  });
});

describe('resolveRoute', () => {
  const routes: Route[] = [
    { match: '/img/*', strategy: 'cache-first' },
    { match: '/img/live/*', strategy: 'network-only' },
    { match: 'https://fonts.example/*', strategy: 'cache-first', offline: false },
  ];

  it('first match wins; unmatched requests get the default', () => {
    expect(resolveRoute(req('/img/live/cam.jpg'), ORIGIN, { routes })).toEqual({ strategy: 'cache-first', offline: false, routeIndex: 0 });
    expect(resolveRoute(req('https://fonts.example/a.woff2'), ORIGIN, { routes }).routeIndex).toBe(2);
    expect(resolveRoute(req('/api/x'), ORIGIN, { routes })).toEqual({ strategy: 'network-first', offline: false, routeIndex: -1 });
  });

  it('offline comes from the route, else from the offline patterns', () => {
    const offline = ['/', '/img/*', 'https://fonts.example/*'];
    expect(resolveRoute(req('/img/a.png'), ORIGIN, { routes, offline }).offline).toBe(true);
    expect(resolveRoute(req('/', { mode: 'navigate' }), ORIGIN, { offline })).toEqual({ strategy: 'network-first', offline: true, routeIndex: -1 });
    expect(resolveRoute(req('https://fonts.example/a.woff2'), ORIGIN, { routes, offline }).offline).toBe(false);
    expect(resolveRoute(req('/other'), ORIGIN, { routes, offline }).offline).toBe(false);
  });
});
