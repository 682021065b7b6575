// Plugs the cleancache into a hypervisor: every service-worker port the page hands over
// (client.connectPort) is served with one Cleancache, and the tier's counters join the
// hypervisor's stats snapshots.
import type { CleancacheStats } from '../stats.js';
import type { EventLog } from '../hypervisor/events.js';
import type { ServicePorts } from '../hypervisor/service-ports.js';
import { Cleancache, type CleancacheStore } from './cleancache.js';
import { serveCleancachePort } from './port-service.js';

/** The parts of a Hypervisor the cleancache plugs into. */
export interface CleancacheHost {
  readonly store: CleancacheStore;
  readonly servicePorts: ServicePorts;
  readonly log: EventLog;
  cleancacheStats: (() => CleancacheStats) | null;
}

/**
 * Serves the service worker's cleancache requests on every port of `host`.
 * @param host the store worker's hypervisor
 * @returns the cleancache it serves
 */
export function installCleancache(host: CleancacheHost): Cleancache {
  const cleancache = new Cleancache(host.store);
  let errors = 0;
  host.servicePorts.setHandler((port) => {
    serveCleancachePort(port, cleancache, (e) => {
      // One event per kind of trouble is enough for the panel; a flood would hide the rest.
      if (errors++ < 3) host.log.add('info', `cleancache request failed: ${(e as Error)?.message ?? String(e)}`);
    });
  });
  host.cleancacheStats = () => cleancache.stats();
  return cleancache;
}
