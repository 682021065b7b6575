// The cleancache record: how a fetched resource is keyed (URL and the headers it Varies on),
// laid out over store pages (generation-stamped, checksummed, whole or nothing), written,
// read and flushed. Pure logic over Fetch standard types, shared by the service worker, the
// store worker and the page; it knows no HTTP caching rule (those are in sw/http).
export { parseVary, urlKey, resourceKey, keyUrl, objectIdOf, type VaryDecision } from './cache-key.js';
export {
  encodePages, decodePages, peekHeader, pagesFor, rereadPages, verifiedPut, FORMAT_VERSION, FIXED_HEADER_BYTES, MIN_PAGE_SIZE,
  type PageRecord, type ResourceRecord, type VaryRecord, type HeaderPeek, type BodyAllocator, type VerifiedPut,
} from './resource-pages.js';
export { headersToStore, toRecord, toResponse } from './stored-response.js';
export {
  readResource, writeResource, flushResource, newGeneration, variantPredates, varyRecordFor, variantUrl, type PageIO, type WriteResult,
} from './resource-store.js';
export { fnv1a64, CHECKSUM_SEED, checksumFinish, checksumWords } from './hash.js';
