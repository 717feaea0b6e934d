/**
 * One sample's augmentation, drawn from its SampleRandom: the source
 * rectangle (RandomResizedCrop), one affine matrix for every other geometric
 * transform, and the ColorJitter steps in their order. Pure, so Node tests
 * check each parameter against torchvision's definition.
 *
 * Coordinates are the canvas's: x right, y down, pixel (i, j) covering
 * [i, i+1) x [j, j+1), so the image center is (width / 2, height / 2), as in
 * torchvision's tensor transforms. A positive angle turns the image
 * counter-clockwise on screen, as torchvision's.
 */
import type { SampleRandom } from '../sample-random.ts';
import type { Interpolation, ResolvedAugmentation } from './spec.ts';

/** A 2D affine map as canvas setTransform(a, b, c, d, e, f): x' = a x + c y + e, y' = b x + d y + f. */
export type Matrix = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `outer` after `inner`: maps a point through inner, then outer. */
export function compose(outer: Matrix, inner: Matrix): Matrix {
  const [a, b, c, d, e, f] = outer;
  const [A, B, C, D, E, F] = inner;
  return [a * A + c * B, b * A + d * B, a * C + c * D, b * C + d * D, a * E + c * F + e, b * E + d * F + f];
}

export function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A rectangle of the source, in its pixels: torchvision's (i, j, h, w) as (top, left, height, width). */
export interface SourceRect {
  top: number;
  left: number;
  height: number;
  width: number;
}

export type JitterStep = { op: 'brightness' | 'contrast' | 'saturation'; factor: number };

export interface AugmentPlan {
  /** Draw this rectangle of the source stretched over the output, instead of `image.fit`; null: fit as usual. */
  crop: SourceRect | null;
  /** Then redraw the output through this map, zeros outside; null: nothing to redraw. */
  matrix: Matrix | null;
  /** Resampling of that redraw: 'nearest' unless a rotating transform asked for bilinear. */
  interpolation: Interpolation;
  /** Then these, in order, on the drawn RGB values. */
  jitter: JitterStep[];
}

/**
 * torchvision RandomResizedCrop.get_params: ten tries at a random area and
 * log-uniform aspect ratio that fits, then the central crop clamped to the
 * ratio range.
 */
export function resizedCropRect(random: SampleRandom, width: number, height: number, scale: [number, number], ratio: [number, number]): SourceRect {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * random.uniform(scale[0], scale[1]);
    const aspect = Math.exp(random.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: random.int(0, height - h + 1), left: random.int(0, width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * torchvision RandomAffine as a forward map about the center:
 * out = center + translate + scale * R(angle) * (in - center), with R turning
 * counter-clockwise on screen (y down).
 */
export function affineMatrix(width: number, height: number, angle: number, translate: [number, number], scale: number): Matrix {
  const rad = (angle * Math.PI) / 180;
  const cos = scale * Math.cos(rad);
  const sin = scale * Math.sin(rad);
  const cx = width / 2;
  const cy = height / 2;
  // [x'] = [ cos  sin] [x - cx] + [cx + tx]
  // [y']   [-sin  cos] [y - cy]   [cy + ty]
  return [cos, -sin, sin, cos, cx + translate[0] - cos * cx - sin * cy, cy + translate[1] + sin * cx - cos * cy];
}

/** Draws every parameter of one sample. `source*` is the decoded image's size, `width` x `height` the output's. */
export function planAugment(
  list: readonly ResolvedAugmentation[],
  random: SampleRandom,
  sourceWidth: number,
  sourceHeight: number,
  width: number,
  height: number,
): AugmentPlan {
  const plan: AugmentPlan = { crop: null, matrix: null, interpolation: 'nearest', jitter: [] };
  const then = (m: Matrix) => (plan.matrix = compose(m, plan.matrix ?? IDENTITY));
  for (const a of list) {
    switch (a.type) {
      case 'RandomResizedCrop':
        plan.crop = resizedCropRect(random, sourceWidth, sourceHeight, a.scale, a.ratio);
        break;
      case 'RandomCrop': {
        // Pad to (w + l + r) x (h + t + b), then crop w x h at (top i, left j): out(x, y) = in(x + j - l, y + i - t).
        const [l, t, r, b] = a.padding;
        const i = random.int(0, t + b + 1);
        const j = random.int(0, l + r + 1);
        if (l - j !== 0 || t - i !== 0) then([1, 0, 0, 1, l - j, t - i]);
        break;
      }
      case 'RandomHorizontalFlip':
        if (random.random() < a.p) then([-1, 0, 0, 1, width, 0]);
        break;
      case 'RandomVerticalFlip':
        if (random.random() < a.p) then([1, 0, 0, -1, 0, height]);
        break;
      case 'RandomAffine': {
        const angle = random.uniform(a.degrees[0], a.degrees[1]);
        let translate: [number, number] = [0, 0];
        if (a.translate) {
          const dx = a.translate[0] * width;
          const dy = a.translate[1] * height;
          translate = [Math.round(random.uniform(-dx, dx)), Math.round(random.uniform(-dy, dy))];
        }
        const scale = a.scale ? random.uniform(a.scale[0], a.scale[1]) : 1;
        then(affineMatrix(width, height, angle, translate, scale));
        if (a.interpolation === 'bilinear') plan.interpolation = 'bilinear';
        break;
      }
      case 'ColorJitter': {
        // torchvision draws a random order of its four adjustments (hue included) and a factor for each that is on.
        const factors = { brightness: a.brightness, contrast: a.contrast, saturation: a.saturation };
        const ops = ['brightness', 'contrast', 'saturation'] as const;
        const drawn = ops.map((op) => (factors[op] ? random.uniform(factors[op][0], factors[op][1]) : null));
        for (const k of random.permutation(3)) {
          if (drawn[k] !== null) plan.jitter.push({ op: ops[k], factor: drawn[k] });
        }
        break;
      }
    }
  }
  return plan;
}
