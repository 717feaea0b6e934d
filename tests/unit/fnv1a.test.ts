/**
 * The library's FNV-1a (src/loader/fnv1a.ts), which the tests also use to
 * compare pixels, checked against the published FNV-1a 32-bit test vectors,
 * so a broken hash cannot make those comparisons pass vacuously.
 */
import { describe, expect, it } from 'vitest';
import { FNV_OFFSET, fnv1a } from '../../src/loader/fnv1a.ts';

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('fnv1a', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to the published FNV-1a 32-bit value, as a string and as bytes', (text, want) => {
    expect(fnv1a(text)).toBe(want);
    expect(fnv1a(bytes(text))).toBe(want);
  });

  it('chains: hashing a, then b from that hash, is hashing a + b', () => {
    expect(fnv1a('bar', fnv1a('foo'))).toBe(fnv1a('foobar'));
    expect(fnv1a(bytes('bar'), fnv1a(bytes('foo')))).toBe(0xbf9cf968);
    expect(fnv1a([], FNV_OFFSET)).toBe(FNV_OFFSET);
  });

  it('takes UTF-16 code units of a string, so characters past one byte still count', () => {
    expect(fnv1a('\u0101')).not.toBe(fnv1a('\u0001'));
  });
});
