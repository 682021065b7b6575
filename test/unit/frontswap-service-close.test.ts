// An area's disk service closed while its log is still opening (a non-durable area clears its
// log at open): the service keeps the area's disk lock until that log is closed, so the next
// service of the area cannot commit pages that the old clear would then wipe.
import { describe, expect, it, vi } from 'vitest';
import { AreaDiskService, areaDiskLockName } from '../../worker/frontswap/area-disk-service.js';
import { AREA_HOLDER_LOCK_PREFIX } from '../../worker/wire/frontswap.js';
import { FakeLocks } from './frontswap-fakes.js';
import { clears, logs } from './frontswap-fake-log.js';

vi.mock('../../worker/disk/index.js', async (importOriginal) => {
  const { openFakeLog } = await import('./frontswap-fake-log.js');
  return { ...(await importOriginal<object>()), openDiskLog: openFakeLog };
});

describe('a disk service closed while its log opens', () => {
  it('holds the area\'s disk lock until the opening log is closed', async () => {
    const locks = new FakeLocks();
    vi.stubGlobal('navigator', { locks });
    try {
      const name = 'clearing';
      // The area's thread holds its holder lock (never released here: close() is called).
      const holder = `${AREA_HOLDER_LOCK_PREFIX}${name}:1`;
      void locks.request(holder, () => new Promise(() => {}));
      let closedCalls = 0;
      const service = new AreaDiskService(() => {}, () => { closedCalls++; });
      clears.hold();
      const opening = service.open({ name, durable: false, pageSize: 4096, holderLock: holder });
      await vi.waitFor(() => expect(clears.waiting).toBe(1)); // the log is clearing
      const log = logs.at(-1)!;
      let closeDone = false;
      const closing = service.close().then(() => { closeDone = true; });
      // The next service of the area asks for the disk lock: it must wait for the clear.
      let nextGranted = false;
      void locks.request(areaDiskLockName(name), () => { nextGranted = true; });
      await Promise.resolve();
      for (let i = 0; i < 20; i++) await Promise.resolve(); // let any early release through
      expect(nextGranted).toBe(false);
      expect(closeDone).toBe(false);
      expect(log.closed).toBe(false);
      clears.release();
      await closing;
      await expect(opening).rejects.toMatchObject({ code: 'area-closed' });
      expect(log.closed).toBe(true);
      await vi.waitFor(() => expect(nextGranted).toBe(true));
      expect(closedCalls).toBe(1);
    } finally {
      clears.release();
      vi.unstubAllGlobals();
    }
  });
});
