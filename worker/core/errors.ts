// The one error class of webtmem and its table of codes. Every message starts with the code's
// summary from the table; a call site adds what was refused and why. The longer help for
// developers sits behind process.env.NODE_ENV, which the build defines as 'production', so a
// production bundle drops it.
import type { TmemErrorCode } from './types.js';

// The core type-checks with the ES library only; bundlers (and Vite in development) replace
// this expression, and Node has it.
declare const process: { env: { NODE_ENV?: string } };

/** What each code means, in a few words (shipped in every build). */
export const ERROR_SUMMARIES: Readonly<Record<TmemErrorCode, string>> = {
  'bad-options': 'bad options',
  'bad-buffer': 'not a webtmem store buffer',
  'bad-flags': 'bad pool flags',
  'bad-page-size': 'bad page size',
  'bad-handle': 'bad object id or page index',
  'bad-pool': 'no such pool',
  'too-many-pools': 'too many pools',
  'store-busy': 'the store is busy',
  'not-supported': 'not supported here',
  'worker-failed': 'the store worker failed to start',
  'worker-gone': 'the store worker is gone',
  closed: 'the store is closed',
  'area-locked': 'the frontswap area is held elsewhere',
  'bad-offset': 'bad frontswap offset',
  'bad-name': 'bad frontswap area name',
  'area-closed': 'the frontswap area is closed',
  'disk-error': 'disk error',
  'bad-database': 'bad frontswap database',
};

/** Longer help for developers; null in production bundles (the build folds the condition and
 *  drops the text). */
const DETAILS: Readonly<Partial<Record<TmemErrorCode, string>>> | null =
  process.env.NODE_ENV !== 'production'
    ? {
        'bad-options':
          'An option or argument is missing, of the wrong type or out of range; the call changed nothing. See the README for the accepted ranges.',
        'bad-buffer': 'attach() takes the buffer createStore() returned (or one shared from it), unmodified.',
        'bad-page-size': 'Pages are exactly pageSize bytes (a Uint8Array); the page size itself is a power of two from 512 to 65536.',
        'bad-handle': 'Object ids are integers or bigints in 0..2^64-1; page indexes are integers in 0..2^32-1.',
        'bad-pool': 'The pool id was never returned by newPool() on this store, or the pool was destroyed.',
        'store-busy': 'A thread died while holding the store lock; the store cannot be used safely any more.',
        'not-supported':
          "Sharing the store needs a crossOriginIsolated page (Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp or credentialless); elsewhere connect() runs in 'local' mode.",
        'worker-failed':
          'The store worker script did not load or did not answer in time: check workerUrl, that the server sends it as JavaScript, and the console of the worker.',
        'worker-gone':
          'The store worker stopped (terminated, crashed or closed). The memory keeps working: put and get still work on every thread, but control calls cannot be answered. connect() again for a new store.',
        closed: 'close() was called on this store (or detach() on this thread); connect() again for a new store.',
        'area-locked': 'Another tab or thread holds this frontswap area (a Web Lock); close it there, or open with wait: true.',
        'disk-error': 'IndexedDB refused a read or write (quota, private mode or a closed database).',
      }
    : null;

/** The one error class of webtmem. A miss is a value (false), never an exception; a
 *  TmemError means the call was refused and changed nothing. Read `code`, never the message. */
export class TmemError extends Error {
  override readonly name = 'TmemError' as const;
  readonly code: TmemErrorCode;

  /**
   * @param code the kebab-case code (one of {@link ERROR_SUMMARIES}).
   * @param context what was refused and why (e.g. "setBudget: bytes must be >= 0, got -1").
   */
  constructor(code: TmemErrorCode, context?: string) {
    super(errorMessage(code, context));
    this.code = code;
  }
}

/** The message a TmemError of `code` carries: the table's summary, the context, the code, and
 *  (outside production) the longer help. */
export function errorMessage(code: TmemErrorCode, context?: string): string {
  const summary = ERROR_SUMMARIES[code] ?? 'error';
  const head = context ? `${summary}: ${context} [${code}]` : `${summary} [${code}]`;
  const detail = DETAILS?.[code];
  return detail ? `${head}\n${detail}` : head;
}

/** Rebuilds a TmemError from a structured-clone copy ({name, code, message}) that crossed a
 *  thread boundary, keeping its message; any other value is returned as it came. */
export function reviveError(value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { name?: unknown }).name === 'TmemError') {
    const v = value as { code: TmemErrorCode; message: string; stack?: string };
    const e = new TmemError(v.code);
    e.message = v.message;
    if (v.stack) e.stack = v.stack;
    return e;
  }
  return value;
}
