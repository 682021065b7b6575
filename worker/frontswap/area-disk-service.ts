// One frontswap area's disk, on the hypervisor's thread: a DiskLog named "frontswap:<area>",
// fed by the area's write-behind batches. The service only moves bytes and keeps no location
// map of its own: the area on the calling thread owns where each offset lives, and the log's
// own map says where its committed pages sit in the records.
import { transfer } from 'comlink';
import { TmemError } from '../core/errors.js';
import { openDiskLog, type CompactionReport, type DiskFaultName, type DiskLog } from '../disk/index.js';
import type { FrontswapStats, TmemEvent } from '../stats.js';
import type { AreaDiskApi, AreaDiskInfo, AreaOpenReply, AreaOpenRequest, AreaReadReply } from './protocol.js';

/** The disk log name of an area; the prefix keeps areas apart from the service worker's logs. */
export const areaLogName = (name: string): string => `frontswap:${name}`;

export class AreaDiskService implements AreaDiskApi {
  #log: DiskLog | null = null;
  #pageSize = 0;
  #name = '';
  #durable = false;
  #stats: FrontswapStats | null = null;
  readonly #onEvent: (event: TmemEvent) => void;
  readonly #onClose: () => void;

  /**
   * @param onEvent told of the log's disk errors, recoveries and compactions.
   * @param onClose called once when the area closes its service.
   */
  constructor(onEvent: (event: TmemEvent) => void, onClose: () => void) {
    this.#onEvent = onEvent;
    this.#onClose = onClose;
  }

  async open(request: AreaOpenRequest): Promise<AreaOpenReply> {
    if (this.#log) throw new TmemError('bad-options', 'open: this area port is already open');
    const log = await openDiskLog(areaLogName(request.name), {
      ...(request.recordBytes === undefined ? {} : { recordBytes: request.recordBytes }),
      onEvent: (e) => this.#onEvent({ ...e, message: `frontswap "${request.name}": ${e.message}` }),
    });
    try {
      if (!request.durable) await log.clear();
      const offsets = log.keys().filter((k): k is number => typeof k === 'number');
      if (offsets.length !== log.keys().length) {
        throw new TmemError('bad-database', `${log.dbName}: holds string keys, so it is not a frontswap area`);
      }
      // A durable area reopened with another page size would misread every page: check one.
      if (offsets.length > 0) {
        const sample = await log.read(offsets[0]);
        if (!sample || sample.byteLength !== request.pageSize) {
          throw new TmemError('bad-database', `${log.dbName}: holds pages of ${sample?.byteLength ?? '?'} bytes, the store's are ${request.pageSize}`);
        }
      }
      this.#log = log;
      this.#pageSize = request.pageSize;
      this.#name = request.name;
      this.#durable = request.durable;
      return { offsets, disk: this.#info() };
    } catch (e) {
      await log.close();
      throw e;
    }
  }

  writeBatch(offsets: number[], data: ArrayBuffer): Promise<void> {
    const log = this.#open();
    const ps = this.#pageSize;
    if (data.byteLength !== offsets.length * ps) {
      throw new TmemError('bad-page-size', `writeBatch: ${data.byteLength} bytes for ${offsets.length} pages of ${ps}`);
    }
    // Views into the one transferred buffer: the log packs (copies) them before it returns.
    return log.writeBatch(offsets.map((key, i) => ({ key, bytes: new Uint8Array(data, i * ps, ps) })));
  }

  deleteBatch(offsets: number[]): Promise<void> {
    return this.#open().deleteBatch(offsets);
  }

  async read(offsets: number[]): Promise<AreaReadReply> {
    const values = await this.#open().readMany(offsets);
    const ps = this.#pageSize;
    const hits = new Uint8Array(offsets.length);
    const data = new ArrayBuffer(offsets.length * ps);
    values.forEach((v, i) => {
      if (!v) return;
      if (v.byteLength !== ps) throw new TmemError('bad-database', `${this.#name}: offset ${offsets[i]} holds ${v.byteLength} bytes, not a page of ${ps}`);
      new Uint8Array(data, i * ps, ps).set(v);
      hits[i] = 1;
    });
    return transfer({ hits, data }, [data]);
  }

  clear(): Promise<void> {
    return this.#open().clear();
  }

  report(stats: FrontswapStats): AreaDiskInfo {
    this.#stats = stats;
    return this.#info();
  }

  compact(threshold?: number): Promise<CompactionReport> {
    return this.#open().compact(threshold === undefined ? {} : { threshold });
  }

  injectFault(fault: { count: number; name: DiskFaultName }): void {
    this.#open().injectFault(fault);
  }

  async close(): Promise<void> {
    const log = this.#log;
    this.#log = null;
    this.#stats = null;
    this.#onClose();
    await log?.close();
  }

  /** The area's last reported counters with the disk's current ones, or null before the
   *  first report (or after close). */
  snapshot(): FrontswapStats | null {
    if (!this.#stats || !this.#log) return null;
    const d = this.#info();
    return {
      ...this.#stats, name: this.#name, durable: this.#durable, diskPages: d.diskPages, diskBytes: d.diskBytes,
      diskRecordBytes: d.diskRecordBytes, compactions: d.compactions,
    };
  }

  #info(): AreaDiskInfo {
    const s = this.#log!.stats();
    return {
      diskPages: s.liveValues, diskBytes: s.liveBytes, diskRecordBytes: s.recordBytes,
      compactions: s.compactions, errors: s.errors, lastError: s.lastError,
    };
  }

  #open(): DiskLog {
    if (!this.#log) throw new TmemError('area-closed', 'the frontswap area is not open on this port');
    return this.#log;
  }
}
