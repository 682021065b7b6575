// The exact URLs a site lists offline, kept when the service worker installs
// (sw/offline-urls.ts): which URLs, how they are fetched and keyed, which HTTP rules refuse
// them, and that nothing refused or failing fails the others or the install.
import { describe, expect, it } from 'vitest';
import { readConfig, serviceWorkerUrl } from '../../sw/config.js';
import { exactOfflineUrls, keepOfflineUrls, keepOfflineUrlsOnInstall } from '../../sw/offline-urls.js';
import { fakeFetch, fakeTier } from './sw-fakes.js';

const ORIGIN = 'https://site.test';
const configOf = (text: Parameters<typeof serviceWorkerUrl>[1]) => readConfig(new URL(serviceWorkerUrl(`${ORIGIN}/tmem-sw.js`, text)).search);


const html = (text: string, headers: Record<string, string> = {}) => new Response(text, { headers: { 'content-type': 'text/html', ...headers } });

describe('offline URLs: which', () => {
  it('takes same-origin patterns without a wildcard, from the offline list and offline routes, once each', () => {
    const config = {
      ...configOf({ offline: '/,/app.css,/img/*,/data.json?v=2,https://cdn.test/lib.js,/app.css' }),
      // Routes with an offline flag come from code (sw/config.ts), not from the tag.
      routes: [
        { match: '/shell.js', strategy: 'cache-first' as const, offline: true },
        { match: '/api/*', strategy: 'network-first' as const, offline: true },
        { match: /\.png$/, strategy: 'cache-first' as const, offline: true },
        { match: '/other.js', strategy: 'cache-first' as const },
      ],
    };
    expect(exactOfflineUrls(config, ORIGIN)).toEqual([
      `${ORIGIN}/`, `${ORIGIN}/app.css`, `${ORIGIN}/data.json?v=2`, `${ORIGIN}/shell.js`,
    ]);
    expect(exactOfflineUrls(readConfig(''), ORIGIN)).toEqual([]);
  });
});

describe('offline URLs: keeping them', () => {
  it('fetches each revalidating and writes it keyed as the fetch handler looks it up', async () => {
    const urls = [`${ORIGIN}/`, `${ORIGIN}/app.css`];
    const tier = fakeTier();
    const { requests, fetcher } = fakeFetch({ [urls[0]!]: () => html('<title>home</title>'), [urls[1]!]: () => new Response('body{}', { headers: { 'content-type': 'text/css', vary: 'Accept-Encoding' } }) });
    const result = await keepOfflineUrls(tier, urls, { origin: ORIGIN, maxBytes: 1 << 20 }, fetcher);
    expect(result).toEqual({ kept: urls, failed: [] });
    expect(requests.map((r) => [r.url, r.cache])).toEqual(urls.map((u) => [u, 'no-cache']));
    expect(tier.puts.map((p) => [p.record.key, p.vary])).toEqual([[urls[0], []], [`${urls[1]}\naccept-encoding`, ['accept-encoding']]]);
    expect(new TextDecoder().decode(tier.puts[0]!.record.body)).toBe('<title>home</title>');
  });

  it('keeps nothing the HTTP rules refuse, names why, and keeps the others', async () => {
    const u = (p: string) => `${ORIGIN}/${p}`;
    const redirected = html('moved');
    Object.defineProperty(redirected, 'redirected', { value: true });
    const tier = fakeTier();
    const { fetcher } = fakeFetch({
      [u('ok')]: () => html('fine'),
      [u('no-store')]: () => html('secret', { 'cache-control': 'no-store' }),
      [u('cookie')]: () => html('hi', { 'set-cookie': 'a=b' }),
      [u('missing')]: () => new Response('no', { status: 404 }),
      [u('redirected')]: () => redirected,
      [u('unseen')]: () => html('x', { vary: 'Cookie' }),
      [u('big')]: () => html('x'.repeat(2000)),
      // u('down'): the fetch itself fails.
    });
    const names = ['ok', 'no-store', 'cookie', 'missing', 'redirected', 'unseen', 'big', 'down'];
    const result = await keepOfflineUrls(tier, names.map(u), { origin: ORIGIN, maxBytes: 1000 }, fetcher);
    expect(result.kept).toEqual([u('ok')]);
    const byUrl = (a: { url: string }, b: { url: string }) => a.url.localeCompare(b.url);
    expect([...result.failed].sort(byUrl)).toEqual([
      { url: u('no-store'), reason: 'not storable (no-store)' },
      { url: u('cookie'), reason: 'not storable (set-cookie)' },
      { url: u('missing'), reason: 'status 404' },
      { url: u('redirected'), reason: 'status 200 (redirected)' },
      { url: u('unseen'), reason: 'not storable (vary-unseen)' },
      { url: u('big'), reason: '2000 bytes, over the 1000 kept' },
      { url: u('down'), reason: `Failed to fetch ${u('down')}` },
    ].sort(byUrl));
    expect(tier.puts.map((p) => p.record.key)).toEqual([u('ok')]);
  });

  it('reports a write the offline tier refused', async () => {
    const { fetcher } = fakeFetch({ [`${ORIGIN}/`]: () => html('x') });
    const result = await keepOfflineUrls(fakeTier(false), [`${ORIGIN}/`], { origin: ORIGIN, maxBytes: 1000 }, fetcher);
    expect(result.failed).toEqual([{ url: `${ORIGIN}/`, reason: 'the offline tier refused the write (see its lastError)' }]);
  });

  it('on install: waits for the URLs, does not fail for one it could not keep, registers nothing without exact URLs', async () => {
    const listeners: ((e: { waitUntil(p: Promise<unknown>): void }) => void)[] = [];
    const scope = { location: { origin: ORIGIN }, addEventListener: (_type: 'install', l: (typeof listeners)[number]) => { listeners.push(l); } };
    const tier = fakeTier();
    const { fetcher } = fakeFetch({ [`${ORIGIN}/`]: () => html('home') });
    keepOfflineUrlsOnInstall(scope, readConfig(''), tier, 1000, fetcher);
    keepOfflineUrlsOnInstall(scope, configOf({ offline: '/img/*' }), tier, 1000, fetcher);
    expect(listeners).toHaveLength(0);
    keepOfflineUrlsOnInstall(scope, configOf({ offline: '/,/gone.css' }), tier, 1000, fetcher);
    expect(listeners).toHaveLength(1);
    const waited: Promise<unknown>[] = [];
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => { warnings.push(m); };
    try {
      listeners[0]!({ waitUntil: (p) => { waited.push(p); } });
      await expect(Promise.all(waited)).resolves.toBeDefined();
    } finally {
      console.warn = warn;
    }
    expect(tier.puts.map((p) => p.record.key)).toEqual([`${ORIGIN}/`]);
    expect(warnings).toEqual([`webtmem: could not keep these offline URLs when installing (kept when a page fetches them): ${ORIGIN}/gone.css (Failed to fetch ${ORIGIN}/gone.css)`]);
  });
});
