// Static routing (Chromium 123+: `InstallEvent.addRoutes`): requests the service worker would
// only pass to the network are sent there by the browser itself, without starting the
// service worker or dispatching a fetch event to it. Which requests qualify follows from the
// configuration:
//   - cross-origin requests, unless a configured route names another origin (cross-origin
//     requests are network-only by default, spec: sw/http/routes.ts);
//   - same-origin URLs of configured network-only routes that no earlier route of another
//     strategy could claim (first match wins), unless isolation is on (documents and workers
//     then need the service worker's headers).
// Anything the browser does not support is left to the fetch handler, which declines the
// same requests (no respondWith): static routing only spares the dispatch.
import type { SwConfig } from './config.js';

/** One router rule, as `addRoutes` takes it. */
export interface RouterRule {
  condition: Record<string, unknown>;
  source: 'network';
}

// URLPattern syntax characters that our patterns use literally (our only wildcard is '*').
const SPECIAL = /[\\:(){}+?]/g;

/**
 * The rules for a configuration (empty when none qualifies).
 * @param config the service worker's configuration
 * @param origin the service worker's origin
 */
export function staticRoutes(config: Pick<SwConfig, 'routes' | 'isolate'>, origin: string): RouterRule[] {
  const rules: RouterRule[] = [];
  const strings = config.routes.map((r) => (typeof r.match === 'string' ? r.match : null));
  const namesOtherOrigin = strings.some((m) => m === null || !m.startsWith('/'));
  const self = originPattern(origin);
  if (!namesOtherOrigin) rules.push({ condition: { not: { urlPattern: self } }, source: 'network' });
  if (config.isolate !== null) return rules;
  // Only the leading run of network-only routes: a later one may lose its URLs to an earlier
  // route of another strategy.
  for (const route of config.routes) {
    const m = route.match;
    if (route.strategy !== 'network-only') break;
    if (typeof m !== 'string' || !m.startsWith('/') || m.includes('?')) continue;
    rules.push({ condition: { urlPattern: { ...self, pathname: escape(m) } }, source: 'network' });
  }
  return rules;
}

/** The URLPattern components (URLPatternInit has no `origin`) of one origin. */
function originPattern(origin: string): Record<string, string> {
  const u = new URL(origin);
  return { protocol: u.protocol.slice(0, -1), hostname: escape(u.hostname), port: u.port };
}

function escape(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/**
 * Adds the rules in an install event, where the browser supports it. Static routing refuses
 * a condition it does not know (older versions lack `not`): each rule is added alone, so one
 * refused rule does not cost the others.
 * @returns how many rules the browser took
 */
export async function addStaticRoutes(event: object, rules: readonly RouterRule[]): Promise<number> {
  // InstallEvent.addRoutes is not in TypeScript's WebWorker library yet.
  const add = (event as { addRoutes?: (rules: RouterRule | RouterRule[]) => Promise<void> }).addRoutes;
  if (typeof add !== 'function') return 0;
  let taken = 0;
  for (const rule of rules) {
    try {
      await add.call(event, rule);
      taken++;
    } catch {
      // Not supported here: the fetch handler declines the same requests.
    }
  }
  return taken;
}
