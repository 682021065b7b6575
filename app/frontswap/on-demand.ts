// Opening a frontswap area with the tier's page code loaded on first use. The drop-in's build
// splits a dynamic import into a chunk of its own, so its runtime chunk (the store client) does
// not carry frontswap to pages that never open an area; the npm bundles inline it, so the
// package entry stays one file. client.frontswap() already answered with a promise, so the
// load adds no change to its contract: every refusal is still a rejection.
import type { ConnectAreaPort } from './open.js';
import type { Frontswap } from './frontswap.js';
import type { FrontswapClient, FrontswapOptions } from './types.js';

/**
 * Loads the frontswap code (once; the browser keeps the module) and opens the area.
 * @see openFrontswap (./open.ts) for the arguments and the errors
 */
export function openFrontswapOnDemand(client: FrontswapClient, connectPort: ConnectAreaPort, name: string, options?: FrontswapOptions): Promise<Frontswap> {
  return import('./open.js').then(({ openFrontswap }) => openFrontswap(client, connectPort, name, options));
}
