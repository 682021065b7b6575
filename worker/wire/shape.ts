// What every reader of the wire checks a received value with. Messages arrive as `unknown`
// (structured clones from another thread, or from an app's own code posting on the same
// port), so each channel's reader looks at the value's fields one by one and only then calls it
// a message: the receivers narrow by the `webtmem` kind and never cast message data.

/** A received object, its fields not checked yet. */
export type Fields = Readonly<Record<string, unknown>>;

/** A check of one kind's fields (the kind itself is already known to match). */
export type FieldCheck = (m: Fields) => boolean;

/** Whether `data` is a non-null object (an array is refused too: no message is one). */
export function isFields(data: unknown): data is Fields {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

/**
 * The reader of one channel's union: a value is one of its messages when its `webtmem` is one
 * of the union's kinds and that kind's fields check out. The table is typed by the union, so a
 * kind added to the union without a check does not compile.
 * @param checks the field check of every kind of the union
 */
export function unionReader<U extends { webtmem: string }>(
  checks: { readonly [K in U['webtmem']]: FieldCheck },
): (data: unknown) => data is U {
  const table: Readonly<Record<string, FieldCheck>> = checks;
  return (data: unknown): data is U => {
    if (!isFields(data) || typeof data.webtmem !== 'string' || !Object.hasOwn(table, data.webtmem)) return false;
    return table[data.webtmem](data);
  };
}

/** A message id: a non-negative safe integer. */
export const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export const isString = (v: unknown): v is string => typeof v === 'string';

export const isNumber = (v: unknown): v is number => typeof v === 'number';

export const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Headers as name/value pairs ([string, string][]). */
export const isStringPairs = (v: unknown): v is [string, string][] =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && isString(p[0]) && isString(p[1]));

/** Whether `fields` are all numbers in `m`. */
export const numbersIn = (m: Fields, fields: readonly string[]): boolean => fields.every((f) => isNumber(m[f]));

// SharedArrayBuffer is undefined on a page that is not crossOriginIsolated, and MessagePort in
// some test runtimes: `instanceof` on an undefined name would throw.
export const isSharedBuffer = (v: unknown): v is SharedArrayBuffer => typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer;

export const isPort = (v: unknown): v is MessagePort => typeof MessagePort !== 'undefined' && v instanceof MessagePort;
