/**
 * How the sample cache stores a sample: only the channels the loader keeps,
 * not the reader's RGBA. RGB drops alpha (a quarter of the bytes), gray keeps
 * one byte per pixel (three quarters less). Unpacking gives RGBA that the
 * executor turns into exactly the same channels as the original:
 * - 3 channels: alpha never reaches the batch, so any alpha will do (255);
 * - 1 channel: luma of (v, v, v) is v exactly (see LUMA_* in transforms.ts),
 *   so the stored luma comes back unchanged.
 * The pixel fingerprint holds the channel count, so an entry is only ever
 * unpacked for the channels it was packed for.
 */
import { rgbaToUint8 } from '../worker/transforms.ts';

/** The sample's `channels` bytes per pixel, from the reader's RGBA; a new array. */
export function packSample(rgba: Uint8ClampedArray, channels: 1 | 3 | 4): Uint8Array {
  const out = new Uint8Array((rgba.length >> 2) * channels);
  rgbaToUint8(rgba, channels, out, 0);
  return out;
}

/** RGBA that converts back to `packed` (see above); a new array. */
export function unpackSample(packed: Uint8Array, channels: 1 | 3 | 4): Uint8ClampedArray {
  if (channels === 4) return new Uint8ClampedArray(packed.buffer, packed.byteOffset, packed.length);
  const pixels = packed.length / channels;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 4) {
    const r = packed[i];
    rgba[o] = r;
    rgba[o + 1] = channels === 3 ? packed[i + 1] : r;
    rgba[o + 2] = channels === 3 ? packed[i + 2] : r;
    rgba[o + 3] = 255;
  }
  return rgba;
}
