// The drop-in's own files kept for offline use (sw/own-files.ts): which URLs, when, how they
// are fetched and keyed, and every way a file can fail to be kept without failing the rest.
import { describe, expect, it } from 'vitest';
import { readConfig, serviceWorkerUrl } from '../../sw/config.js';
import { resolveRoute } from '../../sw/http/index.js';
import {
  hasOfflineRoutes, keepOwnFiles, keepOwnFilesOnInstall, ownFileUrls, removeStaleOwnFiles, removeStaleOwnFilesOnActivate, staleOwnKeys, withOwnFiles, type OwnFile,
} from '../../sw/own-files.js';
import { fakeFetch, fakeTier } from './sw-fakes.js';

const FILES: OwnFile[] = [
  { path: 'tmem.js', integrity: 'sha256-AAAA' },
  { path: 'tmem.runtime.abcdEF12.js', integrity: 'sha256-BBBB' },
  { path: 'tmem-worker.js', integrity: 'sha256-CCCC' },
  { path: 'tmem-sw.js' },
];
const SCRIPT = serviceWorkerUrl('https://site.test/dist/tmem-sw.js', { offline: '/,/app.css', capacity: '16MB' });
const scopeOf = (href = SCRIPT, standalone?: boolean) => ({
  location: { href, origin: new URL(href).origin },
  ...(standalone === undefined ? {} : { webtmemOptions: { standalone } }),
});


const js = (text: string, headers: Record<string, string> = {}) => new Response(text, { headers: { 'content-type': 'text/javascript', ...headers } });

describe('own files: which URLs', () => {
  it('resolves the list next to the service worker; tmem-sw.js is the script URL with its configuration', () => {
    expect(ownFileUrls(SCRIPT, FILES)).toEqual([
      { url: 'https://site.test/dist/tmem.js', integrity: 'sha256-AAAA' },
      { url: 'https://site.test/dist/tmem.runtime.abcdEF12.js', integrity: 'sha256-BBBB' },
      { url: 'https://site.test/dist/tmem-worker.js', integrity: 'sha256-CCCC' },
      { url: SCRIPT },
    ]);
  });

  it('joins the offline patterns only when something is offline, in the standalone service worker', () => {
    const config = readConfig(new URL(SCRIPT).search);
    const withFiles = withOwnFiles(config, scopeOf(), FILES);
    expect(withFiles.offline).toEqual(['/', '/app.css', '/dist/tmem.js', '/dist/tmem.runtime.abcdEF12.js', '/dist/tmem-worker.js', '/dist/tmem-sw.js']);
    expect(config.offline).toEqual(['/', '/app.css']); // the given configuration is left alone
    // The fetch handler now treats them as offline routes (disk behind memory).
    const request = { url: 'https://site.test/dist/tmem.runtime.abcdEF12.js', method: 'GET', mode: 'cors', destination: 'script', headers: new Headers() };
    expect(resolveRoute(request as never, 'https://site.test', withFiles).offline).toBe(true);
    expect(resolveRoute(request as never, 'https://site.test', config).offline).toBe(false);

    const none = readConfig('');
    expect(hasOfflineRoutes(none)).toBe(false);
    expect(withOwnFiles(none, scopeOf(), FILES)).toBe(none);
    expect(withOwnFiles(config, scopeOf(SCRIPT, false), FILES)).toBe(config); // a Workbox host
    expect(withOwnFiles(config, scopeOf(), [])).toBe(config); // an unbuilt service worker
    const routed = { ...none, routes: [{ match: '/img/*', strategy: 'cache-first' as const, offline: true }] };
    expect(withOwnFiles(routed, scopeOf(), FILES).offline).toHaveLength(4);
  });
});

describe('own files: keeping them', () => {
  it('fetches each file revalidating and with its integrity, and writes it keyed as the fetch handler looks it up', async () => {
    const urls = ownFileUrls(SCRIPT, FILES);
    const tier = fakeTier();
    const { requests, fetcher } = fakeFetch(Object.fromEntries(urls.map(({ url }) => [url, () => js(`// ${url}`, { 'cache-control': 'no-store', 'set-cookie': 'a=b' })])));
    const result = await keepOwnFiles(tier, urls, fetcher);
    expect(result).toEqual({ kept: urls.map((u) => u.url), failed: [] });
    expect(requests.map((r) => [r.url, r.cache, r.integrity])).toEqual(urls.map((u) => [u.url, 'no-cache', u.integrity ?? '']));
    for (const { record, vary } of tier.puts) {
      expect(vary).toEqual([]);
      expect(record.key).toBe(new URL(record.key).href);
      expect(new TextDecoder().decode(record.body)).toBe(`// ${record.key}`);
      expect(record.status).toBe(200);
      // Stored as any response is: no cookies replayed, the decoded length.
      expect(record.headers.find(([n]) => n === 'set-cookie')).toBeUndefined();
      expect(record.headers).toContainEqual(['content-length', String(record.body.length)]);
    }
  });

  it('keys a response that Varies on a request header as the keeper does', async () => {
    const [file] = ownFileUrls(SCRIPT, FILES);
    const tier = fakeTier();
    const { fetcher } = fakeFetch({ [file!.url]: () => js('x', { vary: 'Accept-Encoding' }) });
    expect((await keepOwnFiles(tier, [file!], fetcher)).kept).toEqual([file!.url]);
    expect(tier.puts[0]!.vary).toEqual(['accept-encoding']);
    expect(tier.puts[0]!.record.key).toBe(`${file!.url}\naccept-encoding`);
  });

  it('names every file it could not keep and keeps the others', async () => {
    const urls = ownFileUrls(SCRIPT, FILES);
    const redirected = js('moved');
    Object.defineProperty(redirected, 'redirected', { value: true });
    const tier = fakeTier();
    const { fetcher } = fakeFetch({
      [urls[0]!.url]: () => new Response('missing', { status: 404 }),
      [urls[1]!.url]: () => redirected,
      [urls[2]!.url]: () => js('x', { vary: '*' }),
      // urls[3]: the fetch itself fails (network down, or an integrity mismatch).
    });
    const result = await keepOwnFiles(tier, urls, fetcher);
    expect(result.kept).toEqual([]);
    expect(result.failed).toEqual([
      { url: urls[0]!.url, reason: 'status 404' },
      { url: urls[1]!.url, reason: 'status 200 (redirected)' },
      { url: urls[2]!.url, reason: 'Vary: * cannot be keyed' },
      { url: urls[3]!.url, reason: `Failed to fetch ${urls[3]!.url}` },
    ]);
    expect(tier.puts).toEqual([]);
  });

  it('reports a write the offline tier refused', async () => {
    const [file] = ownFileUrls(SCRIPT, FILES);
    const { fetcher } = fakeFetch({ [file!.url]: () => js('x') });
    const result = await keepOwnFiles(fakeTier(false), [file!], fetcher);
    expect(result.failed).toEqual([{ url: file!.url, reason: 'the offline tier refused the write (see its lastError)' }]);
  });

  it('on install: waits for the files when offline routes are configured, registers nothing otherwise', async () => {
    const listeners: ((e: { waitUntil(p: Promise<unknown>): void }) => void)[] = [];
    const scope = { ...scopeOf(), addEventListener: (_type: 'install', l: (typeof listeners)[number]) => { listeners.push(l); } };
    const tier = fakeTier();
    const urls = ownFileUrls(SCRIPT, FILES);
    const { fetcher } = fakeFetch(Object.fromEntries(urls.map(({ url }) => [url, () => js('x')])));
    keepOwnFilesOnInstall(scope, readConfig(''), tier, FILES, fetcher);
    keepOwnFilesOnInstall({ ...scope, webtmemOptions: { standalone: false } }, readConfig(new URL(SCRIPT).search), tier, FILES, fetcher);
    expect(listeners).toHaveLength(0);
    keepOwnFilesOnInstall(scope, readConfig(new URL(SCRIPT).search), tier, FILES, fetcher);
    expect(listeners).toHaveLength(1);
    const waited: Promise<unknown>[] = [];
    listeners[0]!({ waitUntil: (p) => waited.push(p) });
    await Promise.all(waited);
    expect(tier.puts.map((p) => p.record.key).sort()).toEqual(urls.map((u) => u.url).sort());
  });
});

describe('chunks of earlier builds', () => {
  const dir = 'https://site.test/dist/';
  const KEYS = [
    `${dir}tmem.js`, `${dir}tmem-worker.js`, `${dir}tmem-sw.js`,
    `${dir}tmem.runtime.abcdEF12.js`, // listed now
    `${dir}tmem.runtime.oldOLD99.js`, // an earlier build's
    `${dir}tmem.panel.old-_9876.js\nx-flavour: a`, // an earlier build's, as a variant key
    `${dir}tmem.runtime.abcdEF12.js?v=1`, // not a name the build gives
    `${dir}sub/tmem.panel.oldOLD99.js`, // another directory
    'https://site.test/tmem.panel.oldOLD99.js', // the site's own, elsewhere
    'https://cdn.test/dist/tmem.panel.oldOLD99.js', // another origin
    `${dir}app.js`, 'https://site.test/', 'https://site.test/app.css',
  ];

  it('are the hashed chunk names next to the script that the list does not name, and only those', () => {
    expect(staleOwnKeys(KEYS, SCRIPT, FILES)).toEqual([`${dir}tmem.runtime.oldOLD99.js`, `${dir}tmem.panel.old-_9876.js\nx-flavour: a`]);
    expect(staleOwnKeys(KEYS.filter((k) => !k.includes('old')), SCRIPT, FILES)).toEqual([]);
  });

  /** An offline tier holding `keys`; remove() fails when asked to. */
  function tierOf(keys: string[], removeOk = true) {
    const removed: string[][] = [];
    return { removed, keys: async () => [...keys], remove: async (k: readonly string[]) => { removed.push([...k]); return removeOk; } };
  }

  it('are removed in one batch; nothing is asked when none is stale; a failed removal reports none', async () => {
    const tier = tierOf(KEYS);
    expect(await removeStaleOwnFiles(tier, SCRIPT, FILES)).toHaveLength(2);
    expect(tier.removed).toEqual([[`${dir}tmem.runtime.oldOLD99.js`, `${dir}tmem.panel.old-_9876.js\nx-flavour: a`]]);
    const clean = tierOf(KEYS.filter((k) => !k.includes('old')));
    expect(await removeStaleOwnFiles(clean, SCRIPT, FILES)).toEqual([]);
    expect(clean.removed).toEqual([]);
    expect(await removeStaleOwnFiles(tierOf(KEYS, false), SCRIPT, FILES)).toEqual([]);
  });

  it('on activate, with offline routes only, in the standalone service worker', async () => {
    const listeners: { type: string; l: (e: { waitUntil(p: Promise<unknown>): void }) => void }[] = [];
    const scope = { ...scopeOf(), addEventListener: (type: 'install' | 'activate', l: (e: { waitUntil(p: Promise<unknown>): void }) => void) => { listeners.push({ type, l }); } };
    const tier = tierOf(KEYS);
    removeStaleOwnFilesOnActivate(scope, readConfig(''), tier, FILES);
    removeStaleOwnFilesOnActivate({ ...scope, webtmemOptions: { standalone: false } }, readConfig(new URL(SCRIPT).search), tier, FILES);
    removeStaleOwnFilesOnActivate(scope, readConfig(new URL(SCRIPT).search), tier, []);
    expect(listeners).toHaveLength(0);
    removeStaleOwnFilesOnActivate(scope, readConfig(new URL(SCRIPT).search), tier, FILES);
    expect(listeners.map((x) => x.type)).toEqual(['activate']);
    const waited: Promise<unknown>[] = [];
    listeners[0]!.l({ waitUntil: (p) => waited.push(p) });
    await Promise.all(waited);
    expect(tier.removed).toHaveLength(1);
  });
});
