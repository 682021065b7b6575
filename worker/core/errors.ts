import type { TmemErrorCode } from './types.js';

/** The one error class of webtmem. A miss is a value (false), never an exception; a
 *  TmemError means the call was refused and changed nothing. */
export class TmemError extends Error {
  override readonly name = 'TmemError' as const;
  readonly code: TmemErrorCode;
  constructor(code: TmemErrorCode, message: string) {
    super(`${message} [${code}]`);
    this.code = code;
  }
}

/** Rebuilds a TmemError from a structured-clone copy ({name, code, message}) that crossed a
 *  thread boundary; any other value is returned as it came. */
export function reviveError(value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { name?: unknown }).name === 'TmemError') {
    const v = value as { code: TmemErrorCode; message: string; stack?: string };
    const e = new TmemError(v.code, '');
    e.message = v.message;
    if (v.stack) e.stack = v.stack;
    return e;
  }
  return value;
}
