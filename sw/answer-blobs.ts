// Large bodies of the memory tier held a second time as Blobs, to answer fetches with.
//
// A Response over a stream (served-response.ts) reaches the page as the service worker's
// thread writes the stream's chunks into the response's data pipe; a large body then arrives
// long after its first byte. Measured in Chromium 156 on the 263 KB script of the bundle site
// fixture (localhost, repeat views, resource timing responseEnd − responseStart, medians of
// 15): 25 ms over a stream, 3.9 ms over a Blob made when the body was kept, 1.0 ms from Cache
// Storage (whose answers are blobs too). Bodies of 3–16 KB showed no clear difference, and a
// Blob holds its bytes again (in the browser's blob storage), so only large bodies get one.
// A Blob made per response would not help: making it copies the body before the first byte.
//
// The Blobs' bytes count against the tier's budget (memory-tier.ts lowers its store's budget by
// them) and take at most a quarter of it; the least recently used goes first. A Blob is only
// ever used for a record the tier has just looked up, with the same key, generation and
// length: the generation tells two puts of one key apart, so an answer is always the bytes
// the lookup found.
import type { AnswerBlobStats } from '../worker/stats.js';
import type { ResourceRecord } from './http/index.js';

/** Bodies from this size are kept as Blobs too. */
export const MIN_BLOB_BYTES = 64 * 1024;

interface Entry {
  generation: number;
  blob: Blob;
}

/** Blobs of large bodies, least recently used first, within a byte budget. */
export class AnswerBlobs {
  readonly #budget: number;
  // Map order is recency order: an entry used is moved to the end.
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #served = 0;

  /** @param budgetBytes the most bytes the Blobs may hold (0: none are kept) */
  constructor(budgetBytes: number) {
    this.#budget = Math.max(0, Math.floor(budgetBytes));
  }

  /** Bytes the Blobs hold now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Keeps a Blob of a record's body, as stored (with the generation the store gave it);
   * a body under MIN_BLOB_BYTES or over the budget is not kept.
   * @returns whether the bytes held changed
   */
  keep(record: ResourceRecord): boolean {
    const size = record.body.length;
    const had = this.#bytes;
    this.#drop(record.key);
    if (size < MIN_BLOB_BYTES || size > this.#budget) return had !== this.#bytes;
    while (this.#bytes + size > this.#budget) this.#drop(this.#entries.keys().next().value as string);
    this.#entries.set(record.key, { generation: record.generation, blob: new Blob([record.body]) });
    this.#bytes += size;
    return true;
  }

  /**
   * The Blob of a record just looked up, or null (none kept, or one of another put).
   * @param record a record as the tier's lookup returned it
   */
  take(record: ResourceRecord): Blob | null {
    const entry = this.#entries.get(record.key);
    if (!entry) return null;
    if (entry.generation !== record.generation || entry.blob.size !== record.body.length) {
      this.#drop(record.key);
      return null;
    }
    this.#entries.delete(record.key);
    this.#entries.set(record.key, entry);
    this.#served++;
    return entry.blob;
  }

  /**
   * Drops the Blobs of a URL (every variant: a key starts with its URL and a newline).
   * @returns whether the bytes held changed
   */
  forgetUrl(url: string): boolean {
    const had = this.#bytes;
    for (const key of [...this.#entries.keys()]) {
      if (key === url || key.startsWith(`${url}\n`)) this.#drop(key);
    }
    return had !== this.#bytes;
  }

  stats(): AnswerBlobStats {
    return { entries: this.#entries.size, bytes: this.#bytes, budgetBytes: this.#budget, served: this.#served };
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.blob.size;
  }
}
