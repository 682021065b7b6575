import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, parseCapacity, parseOffline, parseRoutes, parseSize } from '../../sw/http/drop-in-options.js';

describe('parseSize', () => {
  it('KB/MB/GB are decimal, KiB/MiB/GiB binary, any case, a bare number is bytes', () => {
    expect(parseSize('64MB')).toBe(64_000_000);
    expect(parseSize('64MiB')).toBe(64 * 2 ** 20);
    expect(parseSize('512 kib')).toBe(512 * 1024);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('2gb')).toBe(2e9);
    expect(parseSize(' 1048576 ')).toBe(1048576);
    expect(parseSize('100B')).toBe(100);
  });

  it('refuses what is not a size', () => {
    for (const bad of ['', 'MB', '64XB', '-1MB', '1e6', '64 M B', '0x10', '1,5MB']) expect(parseSize(bad)).toBeNull();
  });
});

describe('parseCapacity', () => {
  it('absent → default without error', () => {
    expect(parseCapacity(null)).toEqual({ value: DEFAULT_CAPACITY });
  });

  it('a good size', () => {
    expect(parseCapacity('128MiB')).toEqual({ value: 128 * 2 ** 20 });
  });

  it('malformed or out of range → one clear error and the default', () => {
    const bad = parseCapacity('64 megs');
    expect(bad.value).toBe(DEFAULT_CAPACITY);
    expect(bad.error).toMatch(/data-capacity="64 megs" is not a size.*64 MiB/);
    const small = parseCapacity('10KB');
    expect(small.value).toBe(DEFAULT_CAPACITY);
    expect(small.error).toMatch(/outside 1 MiB .. 4 GiB/);
    expect(parseCapacity('64GB').error).toMatch(/outside/);
  });
});

describe('parseOffline', () => {
  it('reads a comma-separated pattern list', () => {
    expect(parseOffline('/, /app.css ,/img/*,,https://cdn.example/*')).toEqual({
      value: ['/', '/app.css', '/img/*', 'https://cdn.example/*'],
    });
    expect(parseOffline(null)).toEqual({ value: [] });
    expect(parseOffline('')).toEqual({ value: [] });
  });

  it('keeps the good patterns and names the bad ones in one error', () => {
    const parsed = parseOffline('/,app.css,ftp://x/,/img/*');
    expect(parsed.value).toEqual(['/', '/img/*']);
    expect(parsed.error).toMatch(/"app.css", "ftp:\/\/x\/"/);
  });
});

describe('parseRoutes', () => {
  it('reads pattern=strategy entries', () => {
    expect(parseRoutes('/img/*=cache-first; /api/*=network-first ;/q?a=b=Network-Only')).toEqual({
      value: [
        { match: '/img/*', strategy: 'cache-first' },
        { match: '/api/*', strategy: 'network-first' },
        { match: '/q?a=b', strategy: 'network-only' },
      ],
    });
    expect(parseRoutes(null)).toEqual({ value: [] });
  });

  it('drops malformed entries with one error naming them and the strategies', () => {
    const parsed = parseRoutes('/img/*=cache-frist;/a=network-first;nonsense;=cache-first');
    expect(parsed.value).toEqual([{ match: '/a', strategy: 'network-first' }]);
    expect(parsed.error).toMatch(/"\/img\/\*=cache-frist", "nonsense", "=cache-first"/);
    expect(parsed.error).toMatch(/cache-first, stale-while-revalidate, network-first, network-only/);
  });
});
