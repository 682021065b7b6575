// A faster read of whole resources for the hot path (page code's synchronous get, the store
// worker's answers): the same checks as sw/http's readResource (full key, generation,
// checksum, all pages or nothing), with what does not change per URL remembered:
//   - the URL key and its object id (URL parsing and hashing cost more than a page copy),
//   - the record's page count, so page 0 and the rest come in ONE getMany.
// A remembered page count that is wrong (the resource changed size) costs one more read.
// Vary records take the general path (readResource), which handles their two steps.
import { decodePages, objectIdOf, peekHeader, readResource, urlKey, type PageIO, type ResourceRecord } from '../../sw/http/index.js';

/** PageIO whose getMany reports which pages hit (the core's does). */
export interface ReaderIO extends PageIO {
  getMany(poolId: number, object: bigint, index: number, into: Uint8Array, count?: number, hits?: Uint8Array): number;
}

interface Known {
  key: string;
  object: bigint;
  /** Pages of the record last read or written under this URL (1 until known). */
  pages: number;
}

// Bound on remembered URLs; the memo is cleared when full (cheap, and rarely hit).
const MEMO_LIMIT = 4096;
const NO_HEADERS = new Headers();

/** Reads whole resources of one pool, remembering per-URL work. */
export class ResourceReader {
  readonly #io: ReaderIO;
  readonly #poolId: number;
  readonly #memo = new Map<string, Known>();
  #scratch: Uint8Array;
  #hits = new Uint8Array(4);

  /**
   * @param io the attached store
   * @param poolId the cleancache pool
   */
  constructor(io: ReaderIO, poolId: number) {
    this.#io = io;
    this.#poolId = poolId;
    this.#scratch = new Uint8Array(io.pageSize * 4);
  }

  /** The URL key of `url` (absolute), remembered. */
  keyOf(url: string): string {
    return this.#known(url).key;
  }

  /** Forgets what is remembered of `url` (after a flush). */
  forget(url: string): void {
    this.#memo.delete(url);
  }

  /**
   * Looks a URL up.
   * @param url the request's absolute URL
   * @param headers the request's headers (for Vary)
   * @returns the resource, or null on a miss
   */
  read(url: string, headers: Headers = NO_HEADERS): ResourceRecord | null {
    const known = this.#known(url);
    const { pageSize } = this.#io;
    for (let attempt = 0; attempt < 2; attempt++) {
      const count = known.pages;
      if (this.#scratch.length < count * pageSize) {
        this.#scratch = new Uint8Array(count * pageSize);
        this.#hits = new Uint8Array(count);
      }
      const pages = this.#scratch.subarray(0, count * pageSize);
      const got = this.#io.getMany(this.#poolId, known.object, 0, pages, count, this.#hits);
      // A missing page leaves the scratch bytes as they were: never read a page 0 not hit.
      if (this.#hits[0] !== 1) return null;
      const peek = peekHeader(pages, pageSize, known.key);
      if (peek === null) return null; // not ours: another key sharing the hash, or damaged
      if (peek.kind === 'vary') return readResource(this.#io, this.#poolId, url, headers);
      if (peek.pageCount !== count) {
        known.pages = peek.pageCount;
        continue; // read again with the right count
      }
      if (got !== count) {
        // Part of the record was evicted: a miss, and its leftovers stop taking frames.
        this.#io.flushObject(this.#poolId, known.object);
        return null;
      }
      const record = decodePages(pages, pageSize, known.key);
      if (record === null) {
        this.#io.flushObject(this.#poolId, known.object);
        return null;
      }
      return record.kind === 'resource' ? record : null;
    }
    return null;
  }

  #known(url: string): Known {
    let known = this.#memo.get(url);
    if (known === undefined) {
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      const key = urlKey(url);
      known = { key, object: objectIdOf(key), pages: 1 };
      this.#memo.set(url, known);
    }
    return known;
  }
}
