// The drop-in's control check (app/dropin/control.ts) against a fake service-worker container:
// each way a page ends up controlled or not, and each reason it gives, on a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLAIM_MESSAGE, ensureControlled } from '../../app/dropin/control.js';

const SCOPE = 'https://site.test/';
const SCRIPT = 'https://site.test/tmem-sw.js?offline=%2F';

/** A container whose active worker claims (or not) when asked, and whose ready may never come. */
function fakeSite(opts: { controlled?: boolean; active?: boolean; claims?: boolean; readyNever?: boolean } = {}) {
  const posted: unknown[] = [];
  const container = new EventTarget() as EventTarget & { controller: object | null; ready: Promise<unknown> };
  container.controller = opts.controlled ? {} : null;
  const active = opts.active === false ? null : {
    scriptURL: SCRIPT,
    postMessage(message: unknown) {
      posted.push(message);
      if (opts.claims) queueMicrotask(() => {
        container.controller = {};
        container.dispatchEvent(new Event('controllerchange'));
      });
    },
  };
  const registration = { scope: SCOPE, active };
  container.ready = opts.readyNever ? new Promise(() => {}) : Promise.resolve(registration);
  return { posted, container: container as unknown as ServiceWorkerContainer, registration: registration as unknown as ServiceWorkerRegistration };
}

describe('ensureControlled', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('a controlled page: nothing to do, nothing posted', async () => {
    const site = fakeSite({ controlled: true });
    expect(await ensureControlled(site.container, site.registration, { pageUrl: `${SCOPE}a.html` })).toBeNull();
    expect(site.posted).toEqual([]);
  });

  it('an active worker that does not control the page is asked to claim it, and takes it', async () => {
    const site = fakeSite({ claims: true });
    expect(await ensureControlled(site.container, site.registration, { pageUrl: `${SCOPE}a.html` })).toBeNull();
    expect(site.posted).toEqual([CLAIM_MESSAGE]);
  });

  it('with no registration of its own (data-sw="none") it uses the ready one', async () => {
    const site = fakeSite({ claims: true });
    expect(await ensureControlled(site.container, null, { pageUrl: `${SCOPE}a.html` })).toBeNull();
    expect(site.posted).toEqual([CLAIM_MESSAGE]);
  });

  it('a worker that ignores the claim: the reason names it and the bound', async () => {
    const site = fakeSite({ claims: false });
    const outcome = ensureControlled(site.container, site.registration, { pageUrl: `${SCOPE}a.html`, claimTimeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(await outcome).toBe(
      "the active service worker (https://site.test/tmem-sw.js) did not take control of this page within 3000 ms of being asked to claim it " +
      "(a site's own service worker must answer { webtmem: 'claim' } with clients.claim())",
    );
    expect(site.posted).toEqual([CLAIM_MESSAGE]);
  });

  it('no worker becomes active in time: says so, posts nothing', async () => {
    const site = fakeSite({ readyNever: true, active: false });
    const outcome = ensureControlled(site.container, site.registration, { pageUrl: `${SCOPE}a.html`, activateTimeoutMs: 4000 });
    await vi.advanceTimersByTimeAsync(4000);
    expect(await outcome).toBe('no service worker became active for this page within 4000 ms');
    expect(site.posted).toEqual([]);
  });

  it('a page outside the registration\'s scope: says so at once, posts nothing', async () => {
    const site = fakeSite({ claims: true });
    expect(await ensureControlled(site.container, site.registration, { pageUrl: 'https://site.test.evil/a.html' }))
      .toBe(`this page is outside the service worker's scope ${SCOPE} (see data-scope)`);
    expect(site.posted).toEqual([]);
  });
});
