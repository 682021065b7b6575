// Cross-origin isolation by the service worker (opt-in, the drop-in's data-isolate): it serves
// responses with COOP/COEP (+ CORP on same-origin ones), so a site that cannot set headers
// still gets crossOriginIsolated pages and the shared store. The page side (app/isolation.ts)
// reloads once when first controlled.
//
// Trade-offs, also in the README: COEP applies to everything the page embeds. Under
// 'require-corp' a cross-origin image, script or iframe loads only if its server sends CORP
// (or CORS); 'credentialless' (Chromium, Firefox) loads no-cors resources without cookies
// instead, which breaks embeds that need the user's cookies. COOP 'same-origin' severs the
// link to cross-origin popups (window.opener is null both ways): OAuth or payment popups that
// post back to their opener stop working. Opaque responses cannot be changed, so a
// cross-origin resource needs its own CORP header under require-corp.
import type { IsolationMode } from './config.js';

// Statuses whose responses must have a null body.
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

// Requests whose responses need COOP/COEP themselves: documents and workers.
const ISOLATED_DESTINATIONS = new Set(['document', 'iframe', 'frame', 'worker', 'sharedworker']);

/**
 * The response with isolation headers added, or the response itself when it cannot or need
 * not be changed (opaque responses, errors, a subresource's redirected response).
 * @param response the response about to be served
 * @param mode the COEP value
 * @param origin the service worker's origin, to tell same-origin responses
 * @param destination the request's destination
 */
export function withIsolation(response: Response, mode: Exclude<IsolationMode, null>, origin: string, destination = ''): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.type === 'error' || response.status === 0) {
    return response;
  }
  // A constructed Response has no URL, and the page would take the request's for it: a
  // redirected module script would then resolve its imports, a style sheet its url()s,
  // against the URL before the redirect. A subresource needs none of these headers (a
  // same-origin one loads under COEP, a cross-origin one came through CORS), so it is
  // served as it came. Documents and workers do need them; navigations are fetched with
  // redirect: 'manual' (an opaqueredirect, above), so what still loses its URL here is a
  // redirected worker script, and a redirected static import of a module worker (fetched
  // with the worker's destination, so not told apart from its script).
  if (response.redirected && !ISOLATED_DESTINATIONS.has(destination)) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', mode);
  // A constructed response has an empty url; it comes from this origin then.
  const sameOrigin = response.url === '' || new URL(response.url).origin === origin;
  if (sameOrigin && !headers.has('Cross-Origin-Resource-Policy')) headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(NULL_BODY.has(response.status) ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
