// Filling the tabs' stores (sw/tab-fill.ts): a put already sent to a tab is not sent again,
// and a flush of a URL forgets what was sent of that URL only, so its next fill goes out.
import { describe, expect, it, vi } from 'vitest';
import { TabFill } from '../../sw/tab-fill.js';
import type { StoreLink } from '../../sw/store-link.js';
import { resourceKey, toRecord } from '../../sw/http/index.js';

/** A fill's request as TabFill gives it: made once the tab's port is there. */
type Made = () => { message: { record: { key: string } }; transfer: Transferable[] };

function link() {
  const puts: string[] = [];
  const fake = {
    request: async (_client: string, make: Made) => { puts.push(make().message.record.key); return { webtmem: 'cc-stored', result: 'stored' }; },
    requestAll: async () => 1,
  };
  return { link: fake as unknown as StoreLink, puts };
}

const record = (url: string) => toRecord(resourceKey(url, [], new Headers()), { status: 200, statusText: 'OK', headers: new Headers() }, new Uint8Array([1]), { requestTime: 1, responseTime: 2 }, 0);

describe('TabFill', () => {
  it('sends a put once per tab; a flush of /a lets /a go again, not /ab or /a?x', async () => {
    const { link: l, puts } = link();
    const tabs = new TabFill(l);
    const a = record('https://s.test/a');
    const ab = record('https://s.test/ab');
    const aq = record('https://s.test/a?x=1');
    for (const r of [a, ab, aq]) await tabs.fill('tab', r, []);
    expect(tabs.fill('tab', a, [])).toBeNull(); // sent already
    await tabs.flush(new Request('https://s.test/a', { method: 'POST' }), []);
    await tabs.fill('tab', a, []);
    expect(tabs.fill('tab', ab, [])).toBeNull();
    expect(tabs.fill('tab', aq, [])).toBeNull();
    expect(puts).toEqual(['https://s.test/a', 'https://s.test/ab', 'https://s.test/a?x=1', 'https://s.test/a']);
  });

  it('a fill still waiting for the tab\'s port when its URL is flushed is not sent; one made after the flush is', async () => {
    const sent: string[] = [];
    let portArrives!: () => void;
    const port = new Promise<void>((r) => { portArrives = r; });
    const fake = {
      // As StoreLink.request: waits for the tab's port, then asks `wanted` before it posts.
      request: async (_client: string, make: Made, _t: unknown, _ms: number, wanted: () => boolean) => {
        await port;
        if (!wanted()) return null;
        sent.push(make().message.record.key);
        return { webtmem: 'cc-stored', result: 'stored' };
      },
      requestAll: async () => 0,
    };
    const tabs = new TabFill(fake as unknown as StoreLink);
    const waiting = tabs.fill('tab', record('https://s.test/cart'), [])!;
    const other = tabs.fill('tab', record('https://s.test/other'), [])!;
    await tabs.flush(new Request('https://s.test/cart', { method: 'POST' }), []);
    const after = tabs.fill('tab', { ...record('https://s.test/cart'), responseTime: 3 }, [])!;
    portArrives();
    await Promise.all([waiting, other, after]);
    expect(sent).toEqual(['https://s.test/other', 'https://s.test/cart']);
    expect(tabs.stats.outcomes).toEqual({ outdated: 1, stored: 2 });
  });

  it('replays to a tab whose port arrives late the flushes of the last minute, newest kept', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.UTC(2026, 0, 1));
      const sent: string[] = [];
      const fake = { requestAll: async () => 0, sendNow: async (client: string, m: { url: string }) => { sent.push(`${client} ${m.url}`); return null; } };
      const tabs = new TabFill(fake as unknown as StoreLink);
      await tabs.flush(new Request('https://s.test/old', { method: 'POST' }), []);
      vi.setSystemTime(Date.now() + 30_000);
      await tabs.flush(new Request('https://s.test/cart', { method: 'POST' }), [['accept', '*/*']]);
      await tabs.flush(new Request('https://s.test/old', { method: 'DELETE' }), []); // again: its newest time counts
      vi.setSystemTime(Date.now() + 40_000); // /cart and the second /old are 40 s old
      expect(tabs.replayFlushes('tab')).toBe(2);
      expect(sent).toEqual(['tab https://s.test/cart', 'tab https://s.test/old']);
      vi.setSystemTime(Date.now() + 30_000); // 70 s: too old to matter
      expect(tabs.replayFlushes('tab-2')).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

