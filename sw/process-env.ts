// workbox-core guards its dev-only logging with `process.env.NODE_ENV`, which bundlers are
// expected to replace. scripts/build.mjs does not define it for this bundle, and a service
// worker has no `process`, so the first workbox-core module would throw a ReferenceError.
// Imported first by sw/index.ts, this gives those checks the production answer (and touches
// nothing when a host service worker already defines `process`).
const scope = globalThis as { process?: { env?: Record<string, string | undefined> } };
scope.process ??= { env: {} };
scope.process.env ??= {};
scope.process.env.NODE_ENV ??= 'production';

export {};
