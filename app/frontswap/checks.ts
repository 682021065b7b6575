// Argument checks of the frontswap tier: each throws a TmemError with a code before anything is
// touched, so a refused call leaves every tier as it was.
import { TmemError } from '../../worker/core/errors.js';

/** Longest area name. The disk log's database is "webtmem-log:frontswap:" + name. */
export const MAX_AREA_NAME = 128;
/** Offsets are u32, as swap offsets within one swap type are. */
export const MAX_OFFSET = 0xffffffff;

/** Throws 'bad-name' unless `name` is a string of 1..MAX_AREA_NAME characters.
 * @param name the area name */
export function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_AREA_NAME) {
    const shown = typeof name === 'string' ? `a string of ${name.length} characters` : typeof name;
    throw new TmemError('bad-name', `frontswap: an area name must be a string of 1..${MAX_AREA_NAME} characters, got ${shown}`);
  }
}

/** Throws 'bad-offset' unless `offset` is an integer in [0, 2^32).
 * @param offset the page's offset in the area
 * @param what the caller, for the message */
export function checkOffset(offset: unknown, what: string): asserts offset is number {
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw new TmemError('bad-offset', `${what}: an offset must be an integer in [0, 2^32), got ${String(offset)}`);
  }
}

/** Throws 'bad-page-size' unless `page` is a Uint8Array of exactly `pageSize` bytes.
 * @param page the caller's page or destination
 * @param pageSize the store's page size
 * @param what the caller, for the message */
export function checkPage(page: unknown, pageSize: number, what: string): asserts page is Uint8Array {
  if (!(page instanceof Uint8Array) || page.byteLength !== pageSize) {
    const shown = page instanceof Uint8Array ? `${page.byteLength} bytes` : page === null ? 'null' : typeof page;
    throw new TmemError('bad-page-size', `${what}: a page must be a Uint8Array of exactly ${pageSize} bytes, got ${shown}`);
  }
}
