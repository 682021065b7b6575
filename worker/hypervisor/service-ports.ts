// How the service worker reaches this tab's store: a service worker cannot receive a
// SharedArrayBuffer, so the page makes a MessageChannel, hands one end to the service worker
// and the other to the store worker with client.connectPort(port). The cleancache service
// (worker/cleancache/install.ts) is not part of the hypervisor: it attaches its handler with
// setHandler() once the store exists, and ports that arrive before that are kept unstarted, so
// messages the service worker sends early wait in their queues instead of being lost or
// answered falsely.

/** Called once for each port, old and new, when a handler is attached. */
export type ServicePortHandler = (port: MessagePort) => void;

/** Ports handed over by the page for the service worker, and the handler that serves them. */
export class ServicePorts {
  readonly #ports = new Set<MessagePort>();
  #handler: ServicePortHandler | null = null;
  #closed = false;

  /** Ports held now. */
  get size(): number {
    return this.#ports.size;
  }

  /** Whether a handler serves the ports. */
  get served(): boolean {
    return this.#handler !== null;
  }

  /** Keeps a port; gives it to the handler at once if one is attached. */
  add(port: MessagePort): void {
    if (this.#closed) {
      port.close();
      return;
    }
    this.#ports.add(port);
    // The service worker closes a port it replaced, and a stopped service worker's ports go
    // with it: Chromium 122+ fires 'close' here then. Without this, each restart of the
    // service worker (an idle one stops after about 30 s) would leave a dead port held for
    // the tab's life.
    port.addEventListener('close', () => this.delete(port));
    this.#handler?.(port);
  }

  /** Forgets a port whose other end is gone (closed, or its service worker stopped). */
  delete(port: MessagePort): void {
    if (this.#ports.delete(port)) port.close();
  }

  /**
   * Attaches the handler (the cleancache lookup service) and hands it every port kept so far.
   * @param handler starts the port and answers its messages.
   */
  setHandler(handler: ServicePortHandler): void {
    this.#handler = handler;
    for (const port of this.#ports) handler(port);
  }

  /** Closes every port (the store is closing). */
  close(): void {
    this.#closed = true;
    for (const port of this.#ports) port.close();
    this.#ports.clear();
  }
}
