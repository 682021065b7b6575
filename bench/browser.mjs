// Browser benchmark: launches Debian's Chromium, serves the repository on a free port with the
// isolation headers, runs test/fixtures/bench-browser.ts in the page, prints the ratios.
//   node bench/browser.mjs [--pages N] [--json]
import { benchInChromium, startTestServer } from './in-chromium.mjs';

const args = process.argv.slice(2);
const pagesArg = args.indexOf('--pages');
const pages = pagesArg >= 0 ? Number(args[pagesArg + 1]) : 1024;
const asJson = args.includes('--json');

const { port, server } = await startTestServer();
await benchInChromium(server, async (browser) => {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  // The fixture page need not be served as HTML: any response with the isolation headers gives
  // an isolated origin, and the module is imported from there.
  await page.goto(`http://localhost:${port}/test/fixtures/bench-browser.html`);
  const result = await page.evaluate(
    async (pages) => (await import('/test/fixtures/bench-browser.ts')).runBench({ pages }),
    pages,
  );
  result.browser = `${browser.browserType().name()} ${browser.version()}`;
  delete result.sink;
  if (asJson) console.log(JSON.stringify(result, null, 2));
  else {
    const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
    console.log(`webtmem browser bench — ${result.browser}, ${result.pages} pages of ${result.pageSize} B`);
    for (const [k, v] of Object.entries(result.ns)) console.log(`  ${k.padEnd(22)} ${f(v).padStart(10)} ns/op`);
    for (const [k, v] of Object.entries(result.ratios)) {
      const target = result.targets[k] ? `  target ${result.targets[k]}: ${result.met[k] ? 'met' : 'MISSED'}` : '';
      console.log(`  ${k.padEnd(22)} ${f(v).padStart(10)}×${target}`);
    }
  }
});
