// The same-origin resources a document has finished loading. When a page links its store, it
// lists them to the service worker, which keeps those it left to the browser while the page
// loaded (sw/deferred-keep.ts). Resource timing has them: an entry appears once its response
// is complete, so the HTTP cache holds what the page got. The browser's buffer keeps 250
// entries unless the page raises the limit; an observer started early sees every entry.

/** The same-origin entries in the browser's resource timing buffer (at most its size). */
export function bufferedResources(): string[] {
  return sameOrigin(performance.getEntriesByType('resource'));
}

/** A watch over the document's completed resource loads. */
export interface ResourceWatch {
  /** The same-origin resources completed so far (all of them, past the buffer's size too). */
  list(): string[];
  /** Stops watching; list() keeps what was seen. */
  stop(): void;
}

/**
 * Watches the document's resource loads from now on, the buffered ones included, so a page
 * with more resources than the buffer holds still lists them all. Where PerformanceObserver
 * cannot watch resources, list() reads the buffer.
 */
export function watchResources(): ResourceWatch {
  const seen = new Set<string>();
  let observer: PerformanceObserver | null = null;
  try {
    observer = new PerformanceObserver((entries) => {
      for (const name of sameOrigin(entries.getEntries())) seen.add(name);
    });
    observer.observe({ type: 'resource', buffered: true });
  } catch {
    observer = null;
  }
  return {
    list: () => {
      if (observer === null) return bufferedResources();
      // Entries queued for the observer but not yet called back with.
      for (const name of sameOrigin(observer.takeRecords())) seen.add(name);
      return [...seen];
    },
    stop: () => {
      observer?.disconnect();
    },
  };
}

function sameOrigin(entries: readonly PerformanceEntry[]): string[] {
  const prefix = `${location.origin}/`;
  return entries.map((e) => e.name).filter((name) => name.startsWith(prefix));
}
