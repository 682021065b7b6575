// A plain webpack 5 production build: nothing here for webtmem (the store worker is found and
// emitted by webpack from `new Worker(new URL(...), ...)` in webtmem's bundle).
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/main.js',
  output: { path: fileURLToPath(new URL('./public/', import.meta.url)), filename: 'main.js', clean: false },
};
