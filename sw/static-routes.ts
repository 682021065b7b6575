// Static routing (Chromium 123+: `InstallEvent.addRoutes`): requests the service worker would
// only pass to the network are sent there by the browser itself, without starting the
// service worker or dispatching a fetch event to it. Which requests qualify follows from the
// configuration:
//   - cross-origin requests, unless a configured route names another origin (cross-origin
//     requests are network-only by default, spec: sw/http/routes.ts);
//   - same-origin URLs of configured network-only routes that no earlier route of another
//     strategy could claim (first match wins), unless isolation is on (documents and workers
//     then need the service worker's headers);
//   - navigations that no offline pattern and no configured route of another strategy could
//     claim, unless isolation is on. A navigation the handler would only decline still costs
//     its dispatch to the service worker (measured on the multi-file site fixture: about a
//     sixth of a repeat view's load time with navigation preload answering it);
//   - GET requests made while the service worker is not running, except those an offline
//     pattern covers, unless isolation is on. A stopped service worker's memory tier is empty
//     (it lives in the worker's globals), so it could only pass them on: waiting for it to
//     start would add its start-up to a return visit's every request. Unsafe methods still
//     wake it, since they invalidate the tabs' copies of their URL.
// Anything the browser does not support is left to the fetch handler, which declines the
// same requests (no respondWith): static routing only spares the dispatch.
import type { SwConfig } from './config.js';

/** One router rule, as `addRoutes` takes it. */
export interface RouterRule {
  condition: Record<string, unknown>;
  source: 'network' | 'fetch-event';
}

/** Rules the browser must take all or none of (each group is one `addRoutes` call). */
export type RouterRuleGroup = readonly RouterRule[];

// URLPattern syntax characters that our patterns use literally (our only wildcard is '*').
const SPECIAL = /[\\:(){}+?]/g;

/**
 * The rules for a configuration (empty when none qualifies).
 * @param config the service worker's configuration
 * @param origin the service worker's origin
 */
export function staticRoutes(config: Pick<SwConfig, 'routes' | 'isolate' | 'offline'>, origin: string): RouterRuleGroup[] {
  const rules: RouterRuleGroup[] = [];
  const strings = config.routes.map((r) => (typeof r.match === 'string' ? r.match : null));
  const namesOtherOrigin = strings.some((m) => m === null || !m.startsWith('/'));
  const self = originPattern(origin);
  if (!namesOtherOrigin) rules.push([{ condition: { not: { urlPattern: self } }, source: 'network' }]);
  if (config.isolate !== null) return rules;
  const navigations = navigationRules(config, self);
  if (navigations) rules.push(navigations);
  const stopped = whileStoppedRules(config, self);
  if (stopped) rules.push(stopped);
  // Only the leading run of network-only routes: a later one may lose its URLs to an earlier
  // route of another strategy.
  for (const route of config.routes) {
    const m = route.match;
    if (route.strategy !== 'network-only') break;
    if (typeof m !== 'string' || !m.startsWith('/') || m.includes('?')) continue;
    rules.push([{ condition: { urlPattern: { ...self, pathname: escape(m) } }, source: 'network' }]);
  }
  return rules;
}

/**
 * Navigations to the network, except those an offline pattern or a configured route of
 * another strategy may claim: those go to the fetch handler first (first match wins). One
 * group, so a browser that refuses one of its rules takes none: the last rule alone would
 * send claimed navigations past the handler. Null when a claiming pattern cannot be written
 * as a URLPattern (a RegExp, a function, another origin, a query).
 */
function navigationRules(config: Pick<SwConfig, 'routes' | 'offline'>, self: Record<string, string>): RouterRuleGroup | null {
  const claiming = [...config.offline, ...config.routes.filter((r) => r.strategy !== 'network-only').map((r) => r.match)];
  return handlerFirst(claiming, { requestMode: 'navigate' }, { requestMode: 'navigate' }, self);
}

/**
 * GET requests to the network while the service worker is not running, except those an
 * offline pattern covers (the disk tier answers them): one group, for the same reason as
 * navigationRules. Null when an offline pattern cannot be written as a URLPattern.
 */
function whileStoppedRules(config: Pick<SwConfig, 'offline'>, self: Record<string, string>): RouterRuleGroup | null {
  const stopped = { runningStatus: 'not-running' };
  return handlerFirst(config.offline, stopped, { ...stopped, requestMethod: 'GET' }, self);
}

/**
 * One group: requests matching `when` and one of `claiming` go to the fetch handler, the rest
 * matching `rest` to the network (first match wins). Null when a claiming pattern is not a
 * same-origin path without a query (a RegExp, a function, another origin).
 */
function handlerFirst(
  claiming: readonly unknown[], when: Record<string, string>, rest: Record<string, string>, self: Record<string, string>,
): RouterRuleGroup | null {
  const group: RouterRule[] = [];
  for (const m of claiming) {
    if (typeof m !== 'string' || !m.startsWith('/') || m.includes('?')) return null;
    group.push({ condition: { ...when, urlPattern: { ...self, pathname: escape(m) } }, source: 'fetch-event' });
  }
  group.push({ condition: rest, source: 'network' });
  return group;
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
 * a condition or source it does not know (older versions lack `not`): each group is added
 * alone, so one refused group does not cost the others.
 * @returns how many rules the browser took
 */
export async function addStaticRoutes(event: object, groups: readonly RouterRuleGroup[]): Promise<number> {
  // InstallEvent.addRoutes is not in TypeScript's WebWorker library yet.
  const add = (event as { addRoutes?: (rules: RouterRule[]) => Promise<void> }).addRoutes;
  if (typeof add !== 'function') return 0;
  let taken = 0;
  for (const group of groups) {
    try {
      await add.call(event, [...group]);
      taken += group.length;
    } catch {
      // Not supported here: the fetch handler declines the same requests.
    }
  }
  return taken;
}
