/**
 * Packing a sample for the cache (src/loader/cache/sample-pack.ts): whatever the
 * RGBA, unpacking and converting again gives the loader exactly the bytes the
 * original RGBA gives, for every channel count.
 */
import { describe, expect, it } from 'vitest';
import { packSample, unpackSample } from '../../src/loader/cache/sample-pack.ts';
import { rgbaToUint8 } from '../../src/loader/worker/transforms.ts';
import { prng } from './support/random.ts';

function randomRgba(pixels: number, seed: number): Uint8ClampedArray {
  const random = prng(seed);
  return Uint8ClampedArray.from({ length: pixels * 4 }, () => Math.floor(random() * 256));
}

const convert = (rgba: Uint8ClampedArray, channels: 1 | 3 | 4) => {
  const out = new Uint8Array((rgba.length / 4) * channels);
  rgbaToUint8(rgba, channels, out, 0);
  return [...out];
};

describe('packSample / unpackSample', () => {
  it.each([1, 3, 4] as const)('round-trips %i channel(s) to the same converted bytes, over random pixels', (channels) => {
    for (let seed = 1; seed <= 20; seed++) {
      const rgba = randomRgba(97, seed);
      const packed = packSample(rgba, channels);
      expect(packed.length).toBe(97 * channels);
      expect(convert(unpackSample(packed, channels), channels)).toEqual(convert(rgba, channels));
    }
  });

  it('keeps every byte for 4 channels, alpha included', () => {
    const rgba = randomRgba(10, 3);
    expect([...unpackSample(packSample(rgba, 4), 4)]).toEqual([...rgba]);
  });

  it('copies: packing leaves no view of the reader buffer behind', () => {
    const rgba = randomRgba(5, 9);
    const packed = packSample(rgba, 3);
    const before = [...packed];
    rgba.fill(0);
    expect([...packed]).toEqual(before);
  });
});
