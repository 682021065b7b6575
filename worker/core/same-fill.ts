// Same-filled pages (rule 13, zswap's same_filled_pages): a page whose bytes are all equal is
// stored as that byte in its index entry, with no frame.

/** The byte every byte of the page equals, or -1 (zswap's same_filled_pages). */
export function sameFill(p: Uint8Array, off: number, len: number): number {
  const b = p[off];
  // Cheap rejects first: most real pages differ at their ends or middle.
  if (p[off + len - 1] !== b || p[off + (len >> 1)] !== b || p[off + 1] !== b) return -1;
  for (let i = off + 2, end = off + len; i < end; i++) if (p[i] !== b) return -1;
  return b;
}
