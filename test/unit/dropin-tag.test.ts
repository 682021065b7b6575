// The drop-in's script tag: URLs it names resolve against the page (a tmem.js on a CDN cannot
// place the service worker or the store worker: both must be same-origin), and a malformed
// attribute gives one console error and its default, never a thrown error or a guess.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readTag } from '../../app/dropin/tag.js';

const PAGE = 'https://site.test/shop/page.html';
const CDN = 'https://cdn.test/webtmem/1.0/tmem.js';

/** document.currentScript as readTag reads it. */
function script(src: string, attrs: Record<string, string>): HTMLScriptElement {
  return {
    src,
    getAttribute: (name: string) => attrs[name] ?? null,
    hasAttribute: (name: string) => name in attrs,
  } as unknown as HTMLScriptElement;
}

let errors: string[];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 Chrome/156.0.0.0' });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('the drop-in tag', () => {
  it("finds its files next to the script, and the ones data-sw / data-worker name on the page's origin", () => {
    const plain = readTag(script(CDN, {}), PAGE);
    expect(new URL(plain.swScript).pathname).toBe('/webtmem/1.0/tmem-sw.js');
    expect(plain.workerUrl.href).toBe('https://cdn.test/webtmem/1.0/tmem-worker.js');
    const named = readTag(script(CDN, { 'data-sw': '/tmem-sw.js', 'data-worker': 'js/tmem-worker.js' }), PAGE);
    expect(new URL(named.swScript).origin + new URL(named.swScript).pathname).toBe('https://site.test/tmem-sw.js');
    expect(named.workerUrl.href).toBe('https://site.test/shop/js/tmem-worker.js');
    expect(errors).toEqual([]);
  });

  it('a data-sw or data-worker that is no URL is one console error, and the default file is used', () => {
    const tag = readTag(script(CDN, { 'data-sw': 'https://', 'data-worker': 'http://[' }), PAGE);
    expect(new URL(tag.swScript).pathname).toBe('/webtmem/1.0/tmem-sw.js');
    expect(tag.workerUrl.href).toBe('https://cdn.test/webtmem/1.0/tmem-worker.js');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/data-sw="https:\/\/" is not a URL/);
    expect(errors[1]).toMatch(/data-worker="http:\/\/\[" is not a URL/);
  });

  it('data-isolate is a flag: present or "true" turns it on, any other value is refused and leaves it off', () => {
    expect(readTag(script(CDN, {}), PAGE).isolate).toBe(false);
    expect(readTag(script(CDN, { 'data-isolate': '' }), PAGE).isolate).toBe(true);
    expect(readTag(script(CDN, { 'data-isolate': 'True' }), PAGE).isolate).toBe(true);
    expect(errors).toEqual([]);
    const off = readTag(script(CDN, { 'data-isolate': 'false' }), PAGE);
    expect(off.isolate).toBe(false);
    expect(new URL(off.swScript).searchParams.has('isolate')).toBe(false);
    expect(errors).toEqual(['webtmem: data-isolate takes no value (got "false"); isolation stays off']);
  });

  it('data-panel takes its documented values; another is refused, and the panel does not open at start', () => {
    expect(readTag(script(CDN, {}), PAGE).panel).toBeNull();
    for (const value of ['', 'true', 'open', 'Docked', 'bottom', 'right', 'floating', 'float', 'closed']) {
      expect(readTag(script(CDN, { 'data-panel': value }), PAGE).panel).toBe(value.toLowerCase());
    }
    expect(errors).toEqual([]);
    expect(readTag(script(CDN, { 'data-panel': 'off' }), PAGE).panel).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/data-panel="off" is none of true, open, docked, .*closed/);
  });
});
