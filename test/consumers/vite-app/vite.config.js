// Nothing here for webtmem: only the headers that make the page crossOriginIsolated (shared
// mode), for the dev server and `vite preview`.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default { server: { headers }, preview: { headers } };
