import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectIdOf, parseVary, resourceKey, urlKey } from '../../worker/cleancache/record/cache-key.js';
import { checksumFinish, checksumWords, CHECKSUM_SEED, fnv1a64 } from '../../worker/cleancache/record/hash.js';

describe('fnv1a64', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
  });

  it('agrees with a BigInt reference on any string', () => {
    const reference = (s: string) => {
      let h = 0xcbf29ce484222325n;
      for (const b of new TextEncoder().encode(s)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h;
    };
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => fnv1a64(s) === reference(s)));
  });
});

describe('checksum', () => {
  it('changes when any word or the word count changes', () => {
    const words = Uint32Array.from({ length: 64 }, (_, i) => i * 2654435761);
    const sum = (w: Uint32Array) => checksumFinish(checksumWords(CHECKSUM_SEED, w), w.length);
    const base = sum(words);
    for (let i = 0; i < words.length; i++) {
      const flipped = words.slice();
      flipped[i] ^= 1 << (i % 32);
      expect(sum(flipped)).not.toBe(base);
    }
    expect(sum(words.subarray(0, 63))).not.toBe(base);
  });

  it("is MurmurHash3 x86_32 (published vectors, with the length given in bytes as the reference does)", () => {
    expect(checksumFinish(0, 0)).toBe(0);
    expect(checksumFinish(1, 0)).toBe(0x514e28b7);
    expect(checksumFinish(0xffffffff, 0)).toBe(0x81f16f39);
    expect(checksumFinish(checksumWords(0, new Uint32Array([0])), 4)).toBe(0x2362f9de);
    expect(checksumFinish(checksumWords(CHECKSUM_SEED, new Uint32Array([0x61616161])), 4)).toBe(0x5a97808a);
  });

  it('is the same fed whole or in pieces', () => {
    const words = Uint32Array.from({ length: 100 }, (_, i) => i ^ 0xdeadbeef);
    const whole = checksumFinish(checksumWords(CHECKSUM_SEED, words), 100);
    const pieces = checksumFinish(checksumWords(checksumWords(CHECKSUM_SEED, words, 0, 37), words, 37, 100), 100);
    expect(pieces).toBe(whole);
  });
});

describe('parseVary', () => {
  it('lowercases, trims, sorts and dedupes names', () => {
    expect(parseVary(' Accept-Language , accept,ACCEPT ')).toEqual({ kind: 'names', names: ['accept', 'accept-language'] });
  });

  it('absent or empty → none; * or an invalid name → star', () => {
    expect(parseVary(null)).toEqual({ kind: 'none' });
    expect(parseVary(' , ')).toEqual({ kind: 'none' });
    expect(parseVary('accept, *')).toEqual({ kind: 'star' });
    expect(parseVary('a b')).toEqual({ kind: 'star' });
  });

  it('names a header the service worker cannot see', () => {
    expect(parseVary('Accept, Cookie')).toEqual({ kind: 'unseen', name: 'cookie' });
    expect(parseVary('Sec-CH-UA-Mobile')).toEqual({ kind: 'unseen', name: 'sec-ch-ua-mobile' });
    // Client hints without the Sec- prefix, also added below the fetch layer.
    for (const hint of ['Save-Data', 'Device-Memory', 'DPR', 'Width', 'Viewport-Width', 'Downlink', 'ECT', 'RTT']) {
      expect(parseVary(`Accept, ${hint}`)).toEqual({ kind: 'unseen', name: hint.toLowerCase() });
    }
  });
});

describe('keys', () => {
  it('drops the fragment and normalizes the URL', () => {
    expect(urlKey('HTTPS://App.Example:443/a/../b?q=1#frag')).toBe('https://app.example/b?q=1');
  });

  it('without Vary the key is the URL key', () => {
    expect(resourceKey('https://a.example/x#y', [], new Headers({ 'accept-language': 'fr' }))).toBe('https://a.example/x');
  });

  it('a different Accept-Language gives a different key and object', () => {
    const names = ['accept-language'];
    const fr = resourceKey('https://a.example/x', names, new Headers({ 'accept-language': 'fr' }));
    const en = resourceKey('https://a.example/x', names, new Headers({ 'accept-language': 'en' }));
    expect(fr).toBe('https://a.example/x\naccept-language: fr');
    expect(en).not.toBe(fr);
    expect(objectIdOf(en)).not.toBe(objectIdOf(fr));
    // Headers not named in Vary do not matter.
    const frToo = resourceKey('https://a.example/x', names, new Headers({ 'accept-language': 'fr', accept: '*/*' }));
    expect(frToo).toBe(fr);
  });

  it('an absent header differs from an empty one', () => {
    const absent = resourceKey('https://a.example/x', ['x-flavour'], new Headers());
    const empty = resourceKey('https://a.example/x', ['x-flavour'], new Headers({ 'x-flavour': '' }));
    expect(absent).toBe('https://a.example/x\nx-flavour');
    expect(empty).not.toBe(absent);
  });

  it('object ids are bigints in [0, 2^64)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (key) => {
      const id = objectIdOf(key);
      return typeof id === 'bigint' && id >= 0n && id < 1n << 64n;
    }));
  });
});
