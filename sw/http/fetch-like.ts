// The parts of Request and Response the HTTP rules read. A real Request or Response fits these
// shapes; tests also build ones a Node Request cannot be (a navigation, an opaque response).

/** What the HTTP rules read of a request. `Request` satisfies it. */
export interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly mode: RequestMode;
  readonly credentials: RequestCredentials;
  readonly destination: RequestDestination;
  readonly cache: RequestCache;
}

/** What the HTTP rules read of a response. `Response` satisfies it. */
export interface ResponseLike {
  readonly type: ResponseType;
  readonly status: number;
  readonly headers: Headers;
}
