// The Response that webtmem.fetch() gives for a page-side cleancache hit. Its bytes are
// already in hand, so reading it whole (arrayBuffer, bytes, text, json) resolves from them at
// once; a Response built on the bytes would first copy them into the browser's body storage
// and pipe them back through a stream, which in Chromium cost more than the lookup itself
// (measured in bench/sites.mjs, in-app fetches: 9× → 90× faster than the HTTP cache under the
// same load). Its headers are built on first use too: the Response constructor parses and
// checks every stored header, about as costly as the rest of a hit, and most code reads only
// the body. It is a real Response (headers, status, clone(), a body stream on demand), and its
// body can be read once, as any Response's. Its Age is the copy's current age when the hit was
// served (RFC 9111 §4), worked out with the headers, on first use.
import { toResponse, type ResourceRecord } from '../worker/cleancache/record/index.js';
import { servedHeaders } from '../sw/http/age.js';
import type { HeaderPairs } from '../sw/http/header-pairs.js';

// Statuses whose responses have no body (the Response constructor refuses one for them).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const used = (): TypeError => new TypeError('Response: body has already been used');

/** What a hit's Response is made of besides its bytes: the stored status, headers and timing. */
interface Head extends Pick<ResourceRecord, 'status' | 'statusText' | 'requestTime' | 'responseTime'> {
  headers: HeaderPairs;
}

/** A Response whose body is the stored bytes, read without a stream unless one is asked for. */
class HitResponse extends Response {
  #bytes: Uint8Array<ArrayBuffer> | null;
  /** True when no one else holds #bytes: a whole read hands them over instead of copying. */
  #owned: boolean;
  #headerList: HeaderPairs;
  // The stored timing and when the hit was served, which give its Age. Numbers, not the
  // record: holding the record would hold its body after a read handed the bytes over.
  readonly #requestTime: number;
  readonly #responseTime: number;
  readonly #servedAt: number;
  #headers: Headers | null = null;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;

  constructor(head: Head, bytes: Uint8Array<ArrayBuffer>, owned: boolean, servedAt: number) {
    super(null, { status: head.status, statusText: head.statusText });
    this.#headerList = head.headers;
    this.#requestTime = head.requestTime;
    this.#responseTime = head.responseTime;
    this.#servedAt = servedAt;
    this.#bytes = bytes;
    this.#owned = owned;
  }

  /** The stored headers with the Age of the hit, under the guard a Response's own headers have. */
  override get headers(): Headers {
    this.#headers ??= new Response(null, { headers: servedHeaders(this.#headerList, this.#head(), this.#servedAt) }).headers;
    return this.#headers;
  }

  #head(): Head {
    return { status: this.status, statusText: this.statusText, headers: this.#headerList, requestTime: this.#requestTime, responseTime: this.#responseTime };
  }

  override get bodyUsed(): boolean {
    return this.#stream ? this.#stream.locked : this.#bytes === null;
  }

  /** A stream of the bytes, made on first use; from then on every read goes through it. */
  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    if (this.#stream === null) {
      const bytes = this.#take();
      this.#stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          if (bytes === null) controller.error(used());
          else {
            controller.enqueue(bytes);
            controller.close();
          }
        },
      });
    }
    return this.#stream;
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: body has already been used');
    if (this.#stream) {
      const [mine, theirs] = this.#stream.tee();
      this.#stream = mine;
      return new Response(theirs, { status: this.status, statusText: this.statusText, headers: this.headers });
    }
    // Both now share the bytes, so neither may hand them over.
    this.#owned = false;
    return new HitResponse(this.#head(), this.#bytes as Uint8Array<ArrayBuffer>, false, this.#servedAt);
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

  override formData(): Promise<FormData> {
    return this.#viaStream().formData();
  }

  #viaStream(): Response {
    return new Response(this.body, { status: this.status, statusText: this.statusText, headers: this.headers });
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
    if (this.#stream) {
      if (this.#stream.locked) return Promise.reject(used());
      return this.#viaStream().bytes().then(convert);
    }
    if (this.#bytes === null) return Promise.reject(used());
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
