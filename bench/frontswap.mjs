// Frontswap benchmark: launches Debian's Chromium with a disk-backed profile in a temp dir
// (IndexedDB timings mean nothing in memory), serves the repository on a free port with the
// isolation headers, runs test/fixtures/bench-frontswap.ts in the page, prints the figures.
//   node bench/frontswap.mjs [--pages N] [--naive N] [--rounds N] [--batch N] [--record BYTES] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startServer } from '../test/server/serve.mjs';
import { chromiumArgs, chromiumPath, freePort } from '../test/chromium.mjs';



const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const options = {
  pages: arg('--pages', 4096), naivePages: arg('--naive', 256), rounds: arg('--rounds', 3),
  batchPages: arg('--batch', undefined), recordBytes: arg('--record', undefined),
};
const asJson = args.includes('--json');

const port = await freePort();
const server = await startServer({ port, isolated: true });
const profile = mkdtempSync(join(tmpdir(), 'webtmem-bench-fs-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, headless: true });
let exitCode = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://localhost:${port}/test/fixtures/bench-frontswap.html?driven`);
  const result = await page.evaluate(
    async (options) => (await import('/test/fixtures/bench-frontswap.ts')).runFrontswapBench(options),
    options,
  );
  result.browser = `chromium ${context.browser()?.version() ?? ''}`.trim();
  if (asJson) console.log(JSON.stringify(result, null, 2));
  else {
    const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
    const r = result;
    console.log(`webtmem frontswap bench — ${r.browser}, disk-backed profile, ${r.pages} pages of ${r.pageSize} B, ${r.rounds} interleaved rounds (medians)`);
    console.log(`  store (sync, ns)       memory ${f(r.storeNs.memory)} (fresh frames ${f(r.storeNs.memoryFresh)})   spill ${f(r.storeNs.spill)} (fresh buffer ${f(r.storeNs.spillFresh)})`);
    console.log(`  one tx per page        ${f(r.naivePagesPerSec)} pages/s (${r.naivePages} pages)`);
    for (const [name, c] of Object.entries(r.content)) {
      const t = c.throughput;
      const l = c.loadUs;
      console.log(`  ${name} pages:`);
      console.log(`    spill throughput     ${f(t.spillPagesPerSec)} pages/s (public API, budget 0, stores + flush)`);
      console.log(`    raw IDB, ${r.recordPages}-page     ${f(t.rawPagesPerSec)} pages/s (${r.rawRecordsPerTx} records per tx, prebuilt, same page, awaited in turn)`);
      console.log(`    raw IDB, ${r.recordPages}-page     ${f(t.rawLargePagesPerSec)} pages/s (${r.rawLargeRecordsPerTx} records per tx: the spill's largest transaction)`);
      console.log(`    raw IDB, 64 KiB      ${f(t.raw64kPagesPerSec)} pages/s awaited in turn, ${f(t.raw64kPipelinedPagesPerSec)} with ${r.rawInFlight} tx in flight`);
      console.log(`    raw ceiling          ${f(t.ceilingPagesPerSec)} pages/s (the fastest shape, per round)`);
      console.log(`    load latency (µs)    spilled page p50 ${f(l.diskP50)} p95 ${f(l.diskP95)}   raw record get ${f(l.rawRecordGet)} (${r.recordPages} pages) ${f(l.raw64kRecordGet)} (64 KiB)`);
      for (const [k, v] of Object.entries(c.ratios)) {
        const target = r.targets[k] ? `  target ${r.targets[k]}: ${c.met[k] ? 'met' : 'MISSED'}` : '';
        console.log(`    ${k.padEnd(26)} ${f(v).padStart(8)}×${target}`);
      }
    }
    console.log(`  memory load (µs)       p50 ${f(r.memoryLoadUs.p50)} p95 ${f(r.memoryLoadUs.p95)}`);
    const c = r.compaction;
    console.log(`  compaction             ${f(c.ms)} ms: ${c.records} records, ${c.movedBytes} B moved, ${c.reclaimedBytes} B reclaimed (records ${c.recordBytesBefore} → ${c.recordBytesAfter} B)`);
    console.log(`  ${'spillVsMemoryStoreCost'.padEnd(28)} ${f(r.storeCost.spillVsMemoryStoreCost).padStart(8)}×  target ${r.targets.spillVsMemoryStoreCost}: ${r.storeCostMet ? 'met' : 'MISSED'} (warm, median of ${r.storeNs.perRound.memory.length} interleaved rounds)`);
    console.log(`  ${'spillVsMemoryStoreCostFresh'.padEnd(28)} ${f(r.storeCost.spillVsMemoryStoreCostFresh).padStart(8)}×`);
  }
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
// Vite's middleware keeps handles open; the run is over.
process.exit(exitCode);
