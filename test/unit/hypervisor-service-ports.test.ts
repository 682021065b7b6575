// Service-worker ports handed to the hypervisor before the cleancache service attaches are
// kept unstarted: a request sent early waits in the port's queue and is answered once the
// handler is set; after close() a port is refused.
import { describe, expect, it } from 'vitest';
import { ServicePorts } from '../../worker/hypervisor/service-ports.js';

describe('ServicePorts', () => {
  it('keeps early ports and their queued messages for the handler', async () => {
    const ports = new ServicePorts();
    const { port1, port2 } = new MessageChannel();
    port1.postMessage({ ask: 1 });
    ports.add(port2);
    expect(ports).toMatchObject({ size: 1, served: false });
    const answer = new Promise((r) => { port1.onmessage = (e) => r(e.data); });
    ports.setHandler((port) => { port.onmessage = (e) => port.postMessage({ answered: e.data.ask }); });
    expect(ports.served).toBe(true);
    expect(await answer).toEqual({ answered: 1 });
    ports.close();
    port1.close();
  });

  it('forgets a port once its other end is closed (the service worker replaced it, or stopped)', async () => {
    const ports = new ServicePorts();
    ports.setHandler((port) => port.start());
    const channels = Array.from({ length: 3 }, () => new MessageChannel());
    for (const { port2 } of channels) ports.add(port2);
    expect(ports.size).toBe(3);
    const gone = new Promise((r) => channels[0].port2.addEventListener('close', r));
    channels[0].port1.close();
    await gone;
    expect(ports.size).toBe(2);
    ports.close();
    for (const { port1 } of channels) port1.close();
  });

  it('after close, a new port is closed at once', async () => {
    const ports = new ServicePorts();
    let handed = 0;
    ports.setHandler(() => { handed++; });
    ports.close();
    const { port1, port2 } = new MessageChannel();
    ports.add(port2);
    expect(ports.size).toBe(0);
    expect(handed).toBe(0);
    port1.close();
  });
});
