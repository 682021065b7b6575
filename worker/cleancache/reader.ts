// A faster read of whole resources for the hot path (page code's synchronous get, the store
// worker's answers): the same checks as readResource (record/resource-store.ts) (full key, generation,
// checksum, all pages or nothing), with what does not change per URL remembered:
//   - the URL key and its object id (URL parsing and hashing cost more than a page copy),
//   - the record's page count, so page 0 and the rest come in ONE getMany,
//   - what the last full decode proved (generation, header, key bytes, meta), or what this
//     thread's own last put of the URL wrote (wrote()): a hit on the same put (same
//     generation on every page, every page a hit) skips the checksum and the meta parse and
//     only copies the body (rereadPages). Anything else decodes fully.
// A remembered page count that is wrong (the resource changed size) costs one more read.
// Vary records take the general path (readResource), which handles their two steps.
import { decodePages, objectIdOf, peekHeader, readResource, urlKey, type BodyAllocator, type PageIO, type ResourceRecord } from './record/index.js';
import { rereadPages, SCRATCH_KEEP_BYTES, verifiedPut, type VerifiedPut } from './record/resource-pages.js';

/** PageIO whose getMany reports which pages hit (the core's does). */
export interface ReaderIO extends PageIO {
  getMany(poolId: number, object: bigint, index: number, into: Uint8Array, count?: number, hits?: Uint8Array): number;
}

interface Known {
  key: string;
  object: bigint;
  /** Pages of the record last read or written under this URL (1 until known). */
  pages: number;
  /** The put last decoded in full under this URL, if any. */
  verified: VerifiedPut | null;
}

// Bound on remembered URLs; the memo is cleared when full (cheap, and rarely hit).
const MEMO_LIMIT = 4096;

const NO_HEADERS = new Headers();

/** Reads whole resources of one pool, remembering per-URL work. */
export class ResourceReader {
  readonly #io: ReaderIO;
  readonly #poolId: number;
  readonly #memo = new Map<string, Known>();
  readonly #alloc: BodyAllocator | undefined;
  #scratch: Uint8Array;
  #hits = new Uint8Array(4);

  /**
   * @param io the attached store
   * @param poolId the cleancache pool
   * @param alloc where a repeat hit's body goes (default: a buffer of its own, as a reply
   *   that transfers it needs)
   */
  constructor(io: ReaderIO, poolId: number, alloc?: BodyAllocator) {
    this.#io = io;
    this.#poolId = poolId;
    this.#alloc = alloc;
    this.#scratch = new Uint8Array(io.pageSize * 4);
  }

  /** The URL key of `url` (absolute), remembered. */
  keyOf(url: string): string {
    return this.#known(url).key;
  }

  /** Bytes of the buffer kept between reads (see SCRATCH_KEEP_BYTES). */
  get scratchBytes(): number {
    return this.#scratch.length;
  }

  /** Forgets what is remembered of `url` (after a flush). */
  forget(url: string): void {
    this.#memo.delete(url);
  }

  /**
   * Looks a URL up.
   * @param url the request's absolute URL
   * @param headers the request's headers (for Vary)
   * @param alloc where a repeat hit's body goes this time (default: the reader's)
   * @returns the resource, or null on a miss
   */
  read(url: string, headers: Headers = NO_HEADERS, alloc: BodyAllocator | undefined = this.#alloc): ResourceRecord | null {
    const known = this.#known(url);
    const { pageSize } = this.#io;
    for (let attempt = 0; attempt < 2; attempt++) {
      const count = known.pages;
      const need = count * pageSize;
      if (this.#scratch.length < need || (this.#scratch.length > SCRATCH_KEEP_BYTES && this.#scratch.length > need)) {
        this.#scratch = new Uint8Array(need);
        this.#hits = new Uint8Array(count);
      }
      const got = this.#io.getMany(this.#poolId, known.object, 0, this.#scratch, count, this.#hits);
      // A missing page leaves the scratch bytes as they were: never read a page 0 not hit,
      // and never take the fast path unless every page was.
      if (this.#hits[0] !== 1) return null;
      if (got === count && known.verified !== null && known.verified.pageCount === count) {
        const again = rereadPages(this.#scratch, pageSize, known.verified, alloc);
        if (again !== null) return again;
      }
      const pages = this.#scratch.subarray(0, count * pageSize);
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
        known.verified = null;
        this.#io.flushObject(this.#poolId, known.object);
        return null;
      }
      if (record.kind !== 'resource') return null;
      known.verified = verifiedPut(pages, pageSize, record);
      return record;
    }
    return null;
  }

  /**
   * Remembers a put of `url` made through this reader's store by this thread, so the next
   * read takes the fast path (one getMany of the right page count, no checksum): the encoder
   * made true what a first full decode of those pages would prove. A record whose key is not
   * this URL's plain key (a Vary variant) is not remembered.
   * @param url the URL as later reads will name it
   * @param pages the encoded pages exactly as stored
   * @param record the record they encode
   */
  wrote(url: string, pages: Uint8Array, record: ResourceRecord): void {
    const known = this.#known(url);
    if (record.key !== known.key || pages.byteOffset % 4 !== 0) return;
    const put = verifiedPut(pages, this.#io.pageSize, record);
    known.pages = put.pageCount;
    known.verified = put;
  }

  #known(url: string): Known {
    let known = this.#memo.get(url);
    if (known === undefined) {
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      const key = urlKey(url);
      known = { key, object: objectIdOf(key), pages: 1, verified: null };
      this.#memo.set(url, known);
    }
    return known;
  }
}
