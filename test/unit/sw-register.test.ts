// registerServiceWorker hands a worker that installs the page's URL and loaded resources (the list
// sw/install-fill.ts waits for), sends nothing when none installs, and never fails a
// registration over the list. navigator.serviceWorker is a stand-in recording what it is given.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { linkServiceWorker, registerServiceWorker } from '../../app/sw-link.js';

function stubContainer(installing: boolean) {
  const posted: unknown[] = [];
  const registration = { installing: installing ? { postMessage: (m: unknown) => posted.push(m) } : null } as unknown as ServiceWorkerRegistration;
  const register = vi.fn(async () => registration);
  vi.stubGlobal('navigator', { serviceWorker: { register } });
  return { posted, registration, register };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('registerServiceWorker', () => {
  it("refuses with TmemError 'not-supported' where there are no service workers (an insecure context)", async () => {
    vi.stubGlobal('navigator', {});
    await expect(registerServiceWorker('https://site.test/tmem-sw.js', '/')).rejects.toMatchObject({
      name: 'TmemError', code: 'not-supported', message: expect.stringMatching(/registerServiceWorker: no service workers here/),
    });
    expect(() => linkServiceWorker({ connectPort: () => undefined })).toThrow(expect.objectContaining({ code: 'not-supported' }));
  });

  it('hands an installing worker the loaded resources', async () => {
    const { posted, registration, register } = stubContainer(true);
    const urls = ['https://site.test/app.js', 'https://site.test/app.css'];
    expect(await registerServiceWorker('https://site.test/tmem-sw.js?fill=1', '/', () => urls)).toBe(registration);
    expect(register).toHaveBeenCalledWith('https://site.test/tmem-sw.js?fill=1', { scope: '/', updateViaCache: 'none' });
    expect(posted).toEqual([{ webtmem: 'cc-loaded', urls }]); // (no document in Node)
    vi.stubGlobal('location', { href: 'https://site.test/page.html' });
    await registerServiceWorker('https://site.test/tmem-sw.js?fill=1', '/', () => urls);
    expect(posted[1]).toEqual({ webtmem: 'cc-loaded', urls: ['https://site.test/page.html', ...urls] });
  });

  it('sends nothing when no worker installs (one is active already)', async () => {
    const { posted } = stubContainer(false);
    await registerServiceWorker('https://site.test/tmem-sw.js', '/', () => ['https://site.test/a.js']);
    expect(posted).toEqual([]);
  });

  it('a list that cannot be made does not fail the registration', async () => {
    const { posted, registration } = stubContainer(true);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await registerServiceWorker('https://site.test/tmem-sw.js', '/', () => { throw new Error('no timing here'); });
    expect(result).toBe(registration);
    expect(posted).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no timing here'));
  });
});
