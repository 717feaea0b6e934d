/**
 * ColorJitter's adjustments on RGBA bytes in place, as torchvision's tensor
 * functions define them for uint8 images: each is a blend
 * clamp(f * img + (1 - f) * other, 0, 255) truncated to an integer, where
 * other is black (brightness), the mean of the image's grayscale (contrast),
 * or each pixel's own grayscale (saturation). Grayscale is
 * trunc(0.2989 r + 0.587 g + 0.114 b), as torchvision's rgb_to_grayscale.
 * Alpha is left as it is.
 */
import type { JitterStep } from './plan.ts';

const gray = (rgba: Uint8ClampedArray | Uint8Array, i: number): number =>
  Math.trunc(0.2989 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]);

/** clamp then truncate; Uint8ClampedArray would round instead. */
const blend = (f: number, v: number, other: number): number => {
  const x = f * v + (1 - f) * other;
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.trunc(x);
};

export function jitterPixels(rgba: Uint8ClampedArray | Uint8Array, steps: readonly JitterStep[]): void {
  for (const { op, factor } of steps) {
    if (op === 'brightness') {
      for (let i = 0; i < rgba.length; i += 4) {
        rgba[i] = blend(factor, rgba[i], 0);
        rgba[i + 1] = blend(factor, rgba[i + 1], 0);
        rgba[i + 2] = blend(factor, rgba[i + 2], 0);
      }
    } else if (op === 'contrast') {
      let sum = 0;
      for (let i = 0; i < rgba.length; i += 4) sum += gray(rgba, i);
      const mean = sum / (rgba.length / 4);
      for (let i = 0; i < rgba.length; i += 4) {
        rgba[i] = blend(factor, rgba[i], mean);
        rgba[i + 1] = blend(factor, rgba[i + 1], mean);
        rgba[i + 2] = blend(factor, rgba[i + 2], mean);
      }
    } else {
      for (let i = 0; i < rgba.length; i += 4) {
        const g = gray(rgba, i);
        rgba[i] = blend(factor, rgba[i], g);
        rgba[i + 1] = blend(factor, rgba[i + 1], g);
        rgba[i + 2] = blend(factor, rgba[i + 2], g);
      }
    }
  }
}
