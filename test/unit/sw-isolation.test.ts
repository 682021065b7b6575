// Isolation headers added by the service worker (sw/isolation.ts): documents and workers get
// COOP/COEP (+ CORP when same-origin); responses that cannot be changed pass as they are, and
// so does a subresource's redirected response, whose URL a rebuilt Response would lose.
import { describe, expect, it } from 'vitest';
import { withIsolation } from '../../sw/isolation.js';

const origin = 'https://s.test';

function fetched(body: string, url: string, redirected = false): Response {
  const r = new Response(body, { headers: { 'content-type': 'text/javascript' } });
  Object.defineProperties(r, { url: { value: url }, redirected: { value: redirected }, type: { value: 'basic' } });
  return r;
}

describe('withIsolation', () => {
  it('adds COOP, COEP and, same-origin, CORP; keeps status, headers and body', async () => {
    const out = withIsolation(fetched('doc', `${origin}/`), 'require-corp', origin, 'document');
    expect(out.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(out.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(out.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(out.headers.get('content-type')).toBe('text/javascript');
    expect(await out.text()).toBe('doc');
  });

  it('serves a redirected subresource as it came, so its URL (the base of its imports) stays the final one', async () => {
    const script = fetched('import "./dep.js";', `${origin}/v2/app.js`, true);
    expect(withIsolation(script, 'credentialless', origin, 'script')).toBe(script);
    const style = fetched('a{}', `${origin}/v2/app.css`, true);
    expect(withIsolation(style, 'require-corp', origin, 'style')).toBe(style);
  });

  it('still isolates a redirected worker script (without COEP it would not load)', () => {
    const worker = fetched('', `${origin}/v2/worker.js`, true);
    const out = withIsolation(worker, 'require-corp', origin, 'worker');
    expect(out).not.toBe(worker);
    expect(out.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('passes what cannot be changed: opaque and error responses', () => {
    const opaque = new Response(null);
    Object.defineProperty(opaque, 'type', { value: 'opaque' });
    expect(withIsolation(opaque, 'require-corp', origin, 'image')).toBe(opaque);
    const error = Response.error();
    expect(withIsolation(error, 'require-corp', origin, 'script')).toBe(error);
  });
});
