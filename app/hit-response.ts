// The Response that webtmem.fetch() gives for a page-side cleancache hit. Its bytes are
// already in hand, so reading it whole (arrayBuffer, bytes, text, json, blob) resolves from
// them at once; a Response built on the bytes would first copy them into the browser's body
// storage and pipe them back through a stream, which in Chromium cost more than the lookup
// itself (measured in bench/sites.mjs, in-app fetches: 9× → 90× faster than the HTTP cache
// under the same load). It is a real Response for the browser too: its headers (with the Age
// of the hit, RFC 9111 §4) are the Response's own, and its body is a stream that hands over
// the same bytes when pulled, so what reads a Response natively (Cache.put,
// WebAssembly.instantiateStreaming, formData, body) gets the same content; a native read and
// a read here share one body, which can be read once, as any Response's.
import { toResponse, type ResourceRecord } from '../worker/cleancache/record/index.js';
import { servedHeaders } from '../sw/http/age.js';

// Statuses whose responses have no body (the Response constructor refuses one for them).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const used = (): TypeError => new TypeError('Response: body has already been used');

/** What a hit's Response is made of besides its bytes: the stored status, headers and timing. */
type Head = Pick<ResourceRecord, 'status' | 'statusText' | 'headers' | 'requestTime' | 'responseTime'>;

/** What the body stream asks of its Response once pulled (set once the Response exists). */
interface Puller {
  take: () => Uint8Array<ArrayBuffer> | null;
}

/** A Response whose body is the stored bytes, read without a stream unless one is asked for. */
class HitResponse extends Response {
  #bytes: Uint8Array<ArrayBuffer> | null;
  /** True when no one else holds #bytes: a whole read hands them over instead of copying. */
  #owned: boolean;
  // What a clone is made of. Not the record: holding it would hold its body after a read
  // handed the bytes over.
  readonly #head: Head;
  readonly #servedAt: number;

  constructor(head: Head, bytes: Uint8Array<ArrayBuffer>, owned: boolean, servedAt: number) {
    const puller: Puller = { take: () => null };
    // Pulled only when something reads the body natively; a read through the methods below
    // takes the bytes first, and the stream then errors as a used body's does.
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull(controller) {
        const taken = puller.take();
        if (taken === null) controller.error(used());
        else {
          controller.enqueue(taken);
          controller.close();
        }
      },
    }, { highWaterMark: 0 }); // no pull before a read: the default of 1 pulls at once
    super(body, { status: head.status, statusText: head.statusText, headers: servedHeaders(head.headers, head, servedAt) });
    puller.take = () => this.#take();
    const { status, statusText, headers, requestTime, responseTime } = head;
    this.#head = { status, statusText, headers, requestTime, responseTime };
    this.#servedAt = servedAt;
    this.#bytes = bytes;
    this.#owned = owned;
  }

  override get bodyUsed(): boolean {
    return this.#bytes === null || super.bodyUsed;
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: body has already been used');
    // The body stream is not pulled yet (or the bytes would be gone): both share the bytes
    // now, so neither may hand them over.
    this.#owned = false;
    return new HitResponse(this.#head, this.#bytes as Uint8Array<ArrayBuffer>, false, this.#servedAt);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read((b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer));
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#read((b) => b);
  }

  override text(): Promise<string> {
    return this.#read((b) => new TextDecoder().decode(b), false);
  }

  override json(): Promise<unknown> {
    return this.#read((b) => JSON.parse(new TextDecoder().decode(b)) as unknown, false);
  }

  override blob(): Promise<Blob> {
    const type = this.headers.get('content-type') ?? '';
    // A Blob copies what it is made of.
    return this.#read((b) => new Blob([b], { type }), false);
  }

  /** The bytes, now the reader's alone (a copy unless they were owned); null once used. */
  #take(): Uint8Array<ArrayBuffer> | null {
    const bytes = this.#bytes;
    this.#bytes = null;
    return bytes === null || this.#owned ? bytes : bytes.slice();
  }

  /**
   * Reads the body whole.
   * @param convert makes the result of the bytes
   * @param handsOver whether the result holds the bytes themselves (so they must be the
   *   reader's alone), or only reads them
   */
  #read<T>(convert: (bytes: Uint8Array<ArrayBuffer>) => T, handsOver = true): Promise<T> {
    // A body stream someone holds a reader of (body.getReader()) is theirs to read.
    if (this.#bytes === null || super.bodyUsed || this.body?.locked) return Promise.reject(used());
    let bytes: Uint8Array<ArrayBuffer>;
    if (handsOver) bytes = this.#take() as Uint8Array<ArrayBuffer>;
    else {
      bytes = this.#bytes;
      this.#bytes = null;
    }
    try {
      return Promise.resolve(convert(bytes));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
}

/**
 * A new Response serving a stored resource, with Age set to its current age at `now`.
 * @param record the resource
 * @param owned true when no one else holds `record.body` (a read hands it over); false when
 *   the caller keeps it too (a read copies it)
 * @param now when it is served (ms since the epoch)
 */
export function hitResponse(record: ResourceRecord, owned: boolean, now: number = Date.now()): Response {
  if (NULL_BODY_STATUSES.has(record.status)) return toResponse(record, servedHeaders(record.headers, record, now));
  return new HitResponse(record, record.body, owned, now);
}
