// WriteBehind over a real DiskLog in Chromium: coherency of buffered and in-flight pages,
// no resurrection, the full-buffer refusal, faults with retry and recovery, bad input.
import { test, expect } from '@playwright/test';
import { openFixture } from './fixtures.js';


test.beforeEach(async ({ page }) => { await openFixture(page, 'disk.html', { ready: 'ready' }); });

test('an enqueued page reads back at once, as a copy, and reaches the disk in batches', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const log = await disk.openDiskLog('wb-basic');
    const wb = new disk.WriteBehind(log, { batchPages: 64, flushDelayMs: 20 });
    const src = new Uint8Array(new SharedArrayBuffer(4096));
    src.set(bytes(4096, 1));
    const accepted = wb.enqueue(7, src);
    src.fill(0); // the caller reuses its buffer at once
    const into = new Uint8Array(4096);
    const immediate = same(wb.read(7, into), bytes(4096, 1)) && same(into, bytes(4096, 1));
    for (let i = 100; i < 300; i++) wb.enqueue(i, bytes(4096, i));
    const unknown = wb.read(5);
    await wb.flush();
    let bad = 0;
    for (let i = 100; i < 300; i++) if (!same(await log.read(i), bytes(4096, i))) bad++;
    return {
      accepted, immediate, unknown, bad, disk7: same(await log.read(7), bytes(4096, 1)),
      after: wb.read(7), s: wb.stats(), ls: log.stats(),
    };
  });
  expect(r.accepted).toBe(true);
  expect(r.immediate).toBe(true);
  expect(r.unknown).toBeUndefined();
  expect(r.bad).toBe(0);
  expect(r.disk7).toBe(true);
  expect(r.after).toBeUndefined(); // committed: the buffer lets go, the disk answers
  expect(r.s.pagesWritten).toBe(201);
  expect(r.s.inFlightPages).toBe(0);
  expect(r.s.bufferedBytes).toBe(0);
  expect(r.s.batches).toBeLessThanOrEqual(5); // 201 pages in batches of up to 64
  expect(r.ls.transactions).toBe(r.s.batches);
});

test('a newer enqueue of a page in flight wins, and is written after the older one', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same, gatedSink, until } = (window as any).t;
    const log = await disk.openDiskLog('wb-newer');
    const sink = gatedSink(log);
    const wb = new disk.WriteBehind(sink, { flushDelayMs: 0 });
    wb.enqueue(1, bytes(4096, 0xa));
    await until(() => sink.waiting() === 1); // A is in flight
    wb.enqueue(1, bytes(4096, 0xb));
    const whileInFlight = same(wb.read(1), bytes(4096, 0xb));
    const writingPages = wb.stats().writingPages;
    const done = wb.flush();
    sink.release();
    await until(() => sink.waiting() === 1); // B's batch, issued only after A committed
    const diskBetween = same(await log.read(1), bytes(4096, 0xa));
    const bufferBetween = same(wb.read(1), bytes(4096, 0xb));
    sink.release();
    await done;
    await log.close();
    const again = await disk.openDiskLog('wb-newer');
    return { whileInFlight, writingPages, diskBetween, bufferBetween, final: same(await again.read(1), bytes(4096, 0xb)), writes: sink.writes };
  });
  expect(r).toEqual({ whileInFlight: true, writingPages: 1, diskBetween: true, bufferBetween: true, final: true, writes: 2 });
});

test('an invalidate during a write wins: a miss now and after reopen, never resurrected', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, gatedSink, until } = (window as any).t;
    const log = await disk.openDiskLog('wb-invalidate');
    await log.writeBatch([{ key: 3, bytes: bytes(4096, 33) }]); // an older committed copy
    const sink = gatedSink(log);
    const wb = new disk.WriteBehind(sink, { flushDelayMs: 0 });
    wb.enqueue(1, bytes(4096, 1));
    wb.enqueue(2, bytes(4096, 2));
    await until(() => sink.waiting() === 1);
    wb.invalidate(1); // in flight
    wb.invalidate(3); // only on disk
    wb.enqueue(4, bytes(4096, 4));
    wb.invalidate(4); // only pending
    const reads = [wb.read(1), wb.read(3), wb.read(4), wb.read(2) instanceof Uint8Array];
    const done = wb.flush();
    for (let i = 0; i < 4; i++) { await until(() => sink.waiting() > 0 || wb.stats().inFlightPages + wb.stats().pendingDeletes === 0); sink.release(); }
    await done;
    const onDisk = [log.has(1), log.has(2), log.has(3), log.has(4)];
    await log.close();
    const again = await disk.openDiskLog('wb-invalidate');
    return { reads, onDisk, reopened: [again.has(1), again.has(2), again.has(3), again.has(4)], s: wb.stats() };
  });
  expect(r.reads).toEqual([null, null, null, true]);
  expect(r.onDisk).toEqual([false, true, false, false]);
  expect(r.reopened).toEqual([false, true, false, false]);
  expect(r.s.pendingDeletes).toBe(0);
});

test('a full buffer refuses at once and keeps what it holds', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same, gatedSink } = (window as any).t;
    const log = await disk.openDiskLog('wb-full');
    const sink = gatedSink(log);
    const wb = new disk.WriteBehind(sink, { maxPages: 8, maxBytes: 8 * 4096, flushDelayMs: 0 });
    const first = Array.from({ length: 8 }, (_, i) => wb.enqueue(i, bytes(4096, i)));
    const t0 = performance.now();
    const ninth = wb.enqueue(8, bytes(4096, 8));
    const ms = performance.now() - t0;
    const replace = wb.enqueue(7, bytes(4096, 77)); // same key, same size: fits
    const bigger = wb.enqueue(6, bytes(5000, 66)); // would exceed maxBytes
    let kept = 0;
    for (let i = 0; i < 8; i++) if (same(wb.read(i), i === 7 ? bytes(4096, 77) : bytes(4096, i))) kept++;
    const s = wb.stats();
    const done = wb.flush();
    while (sink.waiting() === 0) await new Promise((res) => setTimeout(res, 2));
    sink.release();
    await done;
    return { first, ninth, ms, replace, bigger, kept, refused: s.refused, inFlight: s.inFlightPages, afterFlush: wb.enqueue(8, bytes(4096, 8)) };
  });
  expect(r.first).toEqual(Array(8).fill(true));
  expect(r.ninth).toBe(false);
  // enqueue is synchronous, so it cannot wait for the disk; the bound only catches a busy-wait
  // (generous: a loaded 2-core machine can pause a thread for milliseconds).
  expect(r.ms).toBeLessThan(100);
  expect(r.replace).toBe(true);
  expect(r.bigger).toBe(false);
  expect(r.kept).toBe(8);
  expect(r.refused).toBe(2);
  expect(r.inFlight).toBe(8);
  expect(r.afterFlush).toBe(true);
});

for (const fault of ['QuotaExceededError', 'AbortError', 'closed'] as const) {
  test(`disk fault ${fault}: pages kept and readable, flush rejects, retries, recovers`, async ({ page }) => {
    const r = await page.evaluate(async (name) => {
      const { disk, bytes, same, until } = (window as any).t;
      const events: { kind: string; message: string }[] = [];
      const log = await disk.openDiskLog(`wb-fault-${name}`);
      const wb = new disk.WriteBehind(log, { flushDelayMs: 0, retryMinMs: 20, retryMaxMs: 80, onEvent: (e: any) => events.push(e) });
      log.injectFault({ count: 3, name });
      for (let i = 0; i < 100; i++) wb.enqueue(i, bytes(4096, i));
      let rejected = '';
      try { await wb.flush(); } catch (e: any) { rejected = e.name; }
      let readable = 0;
      for (let i = 0; i < 100; i++) if (same(wb.read(i), bytes(4096, i))) readable++;
      const failing = wb.stats();
      await until(() => wb.stats().inFlightPages === 0, 10_000); // backoff retries alone
      await wb.flush();
      await log.close();
      const again = await disk.openDiskLog(`wb-fault-${name}`);
      let onDisk = 0;
      for (let i = 0; i < 100; i++) if (same(await again.read(i), bytes(4096, i))) onDisk++;
      return { rejected, readable, failing, s: wb.stats(), onDisk, kinds: events.map((e) => e.kind), first: events[0]?.message ?? '' };
    }, fault);
    expect(r.rejected).toBe(fault === 'closed' ? 'InvalidStateError' : fault);
    expect(r.readable).toBe(100);
    expect(r.failing.failing).toBe(true);
    expect(r.failing.errors).toBeGreaterThanOrEqual(1);
    expect(r.failing.lastError).toContain(fault === 'closed' ? 'InvalidStateError' : fault);
    expect(r.s.errors).toBe(3);
    expect(r.s.retries).toBeGreaterThanOrEqual(1);
    expect(r.s.failing).toBe(false);
    expect(r.s.pagesWritten).toBe(100);
    expect(r.onDisk).toBe(100);
    expect(r.kinds.filter((k) => k === 'disk-error').length).toBe(3);
    expect(r.kinds[r.kinds.length - 1]).toBe('disk-recovered');
    expect(r.first).toContain('pages kept');
  });
}

test('bad keys, values and options are refused with a code and disturb nothing', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same } = (window as any).t;
    const log = await disk.openDiskLog('wb-input');
    const wb = new disk.WriteBehind(log, { flushDelayMs: 1000 });
    wb.enqueue(1, bytes(4096, 1));
    const before = JSON.stringify(wb.stats());
    const codeOf = (f: () => unknown) => { try { f(); return 'accepted'; } catch (e: any) { return e.code ?? e.name; } };
    const codes = {
      negative: codeOf(() => wb.enqueue(-1, bytes(4096, 1))),
      huge: codeOf(() => wb.enqueue(2 ** 32, bytes(4096, 1))),
      nan: codeOf(() => wb.invalidate(NaN)),
      emptyString: codeOf(() => wb.read('')),
      arrayValue: codeOf(() => wb.enqueue(2, [1, 2, 3])),
      bufferValue: codeOf(() => wb.enqueue(2, new ArrayBuffer(4096))),
      shortInto: codeOf(() => wb.read(1, new Uint8Array(100))),
      options: codeOf(() => new disk.WriteBehind(log, { maxPages: 0 })),
      nanOption: codeOf(() => new disk.WriteBehind(log, { batchPages: NaN })),
    };
    const same1 = same(wb.read(1), bytes(4096, 1));
    const after = JSON.stringify(wb.stats());
    await wb.close();
    return { codes, same1, unchanged: before === after, closed: codeOf(() => wb.enqueue(3, bytes(10, 3))), onDisk: log.has(1) };
  });
  expect(r.codes).toEqual({
    negative: 'bad-offset', huge: 'bad-offset', nan: 'bad-offset', emptyString: 'bad-offset',
    arrayValue: 'bad-page-size', bufferValue: 'bad-page-size', shortInto: 'bad-page-size',
    options: 'bad-options', nanOption: 'bad-options',
  });
  expect(r.same1).toBe(true);
  expect(r.unchanged).toBe(true);
  expect(r.closed).toBe('closed');
  expect(r.onDisk).toBe(true);
});

test('page slots are never reused while a batch holding them is written', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same, gatedSink, until } = (window as any).t;
    const log = await disk.openDiskLog('wb-slots');
    const sink = gatedSink(log);
    // 16 slots: the churn below hands each free one out many times over.
    const wb = new disk.WriteBehind(sink, { maxPages: 16, batchPages: 4, flushDelayMs: 0 });
    wb.enqueue(1, bytes(4096, 0xa));
    await until(() => sink.waiting() === 1); // A in flight: the gated sink holds its slot's view
    wb.enqueue(1, bytes(4096, 0xb)); // superseded in flight: A's slot stays busy
    for (let round = 0; round < 50; round++) {
      for (let k = 2; k < 16; k++) wb.enqueue(k, bytes(4096, round * 100 + k));
      if (round % 7 === 3) for (let k = 2; k < 16; k += 3) wb.invalidate(k); // gives slots back
    }
    let inFlightBad = same(wb.read(1), bytes(4096, 0xb)) ? 0 : 1;
    for (let k = 2; k < 16; k++) if (!same(wb.read(k), bytes(4096, 4900 + k))) inFlightBad++;
    const full = wb.enqueue(99, bytes(4096, 99)); // 16 pages held: A, B and 14 others
    const done = wb.flush();
    sink.release(); // only now does the log pack A, from its slot
    await until(() => sink.waiting() === 1);
    const diskA = same(await log.read(1), bytes(4096, 0xa));
    sink.release();
    await done;
    // Every slot is free again: reuse them all for other keys, then check what committed.
    for (let k = 100; k < 116; k++) wb.enqueue(k, bytes(4096, k));
    let diskBad = same(await log.read(1), bytes(4096, 0xb)) ? 0 : 1;
    for (let k = 2; k < 16; k++) if (!same(await log.read(k), bytes(4096, 4900 + k))) diskBad++;
    let bufferBad = 0;
    for (let k = 100; k < 116; k++) if (!same(wb.read(k), bytes(4096, k))) bufferBad++;
    const flushed = wb.flush();
    while (wb.stats().inFlightPages > 0) { sink.release(); await new Promise((res) => setTimeout(res, 2)); }
    await flushed;
    for (let k = 100; k < 116; k++) if (!same(await log.read(k), bytes(4096, k))) diskBad++;
    return { inFlightBad, full, diskA, diskBad, bufferBad, s: wb.stats() };
  });
  expect(r.inFlightBad).toBe(0);
  expect(r.full).toBe(false);
  expect(r.diskA).toBe(true);
  expect(r.diskBad).toBe(0);
  expect(r.bufferBad).toBe(0);
  expect(r.s.inFlightPages).toBe(0);
  expect(r.s.slabBytes).toBe(16 * 4096); // one chunk, never more than the limit
});

test('slots: a failed batch superseded meanwhile, odd sizes; the slab is kept while busy, shrinks when idle', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { disk, bytes, same, gatedSink, until } = (window as any).t;
    const log = await disk.openDiskLog('wb-slots-fail');
    const sink = gatedSink(log);
    const wb = new disk.WriteBehind(sink, { maxPages: 400, batchPages: 1000, flushDelayMs: 0, retryMinMs: 10, slabIdleMs: 300 });
    for (let k = 0; k < 200; k++) wb.enqueue(k, bytes(4096, k));
    wb.enqueue(500, bytes(100, 5)); // not page-sized: sliced, not slotted
    wb.enqueue(501, bytes(5000, 6));
    const grown = wb.stats().slabBytes;
    const done = wb.flush().catch((e: Error) => e.name);
    await until(() => sink.waiting() === 1);
    for (let k = 0; k < 200; k += 2) wb.enqueue(k, bytes(4096, 1000 + k)); // newer, while in flight
    log.injectFault({ count: 1, name: 'AbortError' });
    sink.release(); // fails: the older copies of the even keys are dropped, their slots given back
    const rejected = await done;
    let readBad = 0;
    for (let k = 0; k < 200; k++) if (!same(wb.read(k), bytes(4096, k % 2 ? k : 1000 + k))) readBad++;
    const flushed = wb.flush();
    while (wb.stats().inFlightPages > 0) { sink.release(); await new Promise((res) => setTimeout(res, 2)); }
    await flushed;
    const kept = wb.stats().slabBytes; // mapped memory is kept for the next burst...
    await until(() => wb.stats().slabBytes < kept); // ...until it has been idle for slabIdleMs
    let diskBad = 0;
    for (let k = 0; k < 200; k++) if (!same(await log.read(k), bytes(4096, k % 2 ? k : 1000 + k))) diskBad++;
    const odd = [same(await log.read(500), bytes(100, 5)), same(await log.read(501), bytes(5000, 6))];
    return { grown, kept, rejected, readBad, diskBad, odd, s: wb.stats() };
  });
  expect(r.grown).toBe(4 * 64 * 4096); // grown as needed, a chunk of 64 slots at a time
  expect(r.kept).toBeGreaterThanOrEqual(5 * 64 * 4096); // 300 pages at the peak
  expect(r.kept).toBeLessThanOrEqual(400 * 4096);
  expect(r.rejected).toBe('AbortError');
  expect(r.readBad).toBe(0);
  expect(r.diskBad).toBe(0);
  expect(r.odd).toEqual([true, true]);
  expect(r.s.inFlightPages).toBe(0);
  expect(r.s.bufferedBytes).toBe(0);
  expect(r.s.slabBytes).toBe(64 * 4096); // idle: the first chunk only
});
