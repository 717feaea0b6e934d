/**
 * Augmentations declared as data: plain objects named and parameterized as
 * torchvision's transforms, so a list crosses to the workers (structured
 * clone) and into a URL (JSON) unchanged. The output size is the loader's
 * `image` size, so no transform repeats torchvision's `size` argument.
 *
 * Geometric transforms act on where the image is drawn and come first;
 * ColorJitter acts on the drawn pixels, before channels, dtype and
 * normalize. resolveAugment refuses another order rather than reorder.
 */
import { OptionError } from '../errors.ts';

/** torchvision.transforms.RandomResizedCrop: a random area and aspect of the source, resized to the output size. It replaces `image.fit`. */
export interface RandomResizedCrop {
  type: 'RandomResizedCrop';
  /** Fraction of the source area, default [0.08, 1]. */
  scale?: [number, number];
  /** Aspect ratio (width / height) range, default [3/4, 4/3]; sampled log-uniformly. */
  ratio?: [number, number];
}

/** torchvision.transforms.RandomCrop(size, padding): pad with zeros, then crop the output size at a random place. */
export interface RandomCrop {
  type: 'RandomCrop';
  /** One value for every side, [left/right, top/bottom], or [left, top, right, bottom]; default 0. */
  padding?: number | [number, number] | [number, number, number, number];
}

/** torchvision.transforms.RandomHorizontalFlip(p). */
export interface RandomHorizontalFlip {
  type: 'RandomHorizontalFlip';
  /** Probability of the mirror, default 0.5. */
  p?: number;
}

/** torchvision.transforms.RandomVerticalFlip(p). */
export interface RandomVerticalFlip {
  type: 'RandomVerticalFlip';
  p?: number;
}

/** Interpolation of the rotating transforms: torchvision's default is nearest. */
export type Interpolation = 'nearest' | 'bilinear';

/** torchvision.transforms.RandomRotation(degrees): counter-clockwise about the center, zeros outside. */
export interface RandomRotation {
  type: 'RandomRotation';
  /** d for [-d, d], or [min, max]. */
  degrees: number | [number, number];
  interpolation?: Interpolation;
}

/** torchvision.transforms.RandomAffine(degrees, translate, scale), without shear. */
export interface RandomAffine {
  type: 'RandomAffine';
  degrees: number | [number, number];
  /** Largest shift as fractions of width and height. */
  translate?: [number, number];
  /** Scale range. */
  scale?: [number, number];
  interpolation?: Interpolation;
}

/** torchvision.transforms.ColorJitter(brightness, contrast, saturation), without hue; in a random order per sample, as torchvision. */
export interface ColorJitter {
  type: 'ColorJitter';
  /** f for [max(0, 1 - f), 1 + f], or [min, max]. */
  brightness?: number | [number, number];
  contrast?: number | [number, number];
  saturation?: number | [number, number];
}

export type Augmentation =
  | RandomResizedCrop
  | RandomCrop
  | RandomHorizontalFlip
  | RandomVerticalFlip
  | RandomRotation
  | RandomAffine
  | ColorJitter;

/** What the workers run on: every range explicit, every default filled in. */
export type ResolvedAugmentation =
  | { type: 'RandomResizedCrop'; scale: [number, number]; ratio: [number, number] }
  | { type: 'RandomCrop'; padding: [number, number, number, number] }
  | { type: 'RandomHorizontalFlip'; p: number }
  | { type: 'RandomVerticalFlip'; p: number }
  | { type: 'RandomAffine'; degrees: [number, number]; translate: [number, number] | null; scale: [number, number] | null; interpolation: Interpolation }
  | { type: 'ColorJitter'; brightness: [number, number] | null; contrast: [number, number] | null; saturation: [number, number] | null };

function fail(where: string, value: unknown, fix: string): never {
  throw new OptionError(`\`DataLoader\` option \`augment${where}\` ${fix}; got ${JSON.stringify(value) ?? String(value)}.`);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function range(where: string, value: unknown, fallback: [number, number] | null, min = -Infinity): [number, number] | null {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length !== 2 || !value.every(finite) || value[0] > value[1] || value[0] < min) {
    fail(where, value, `must be [min, max] with min <= max${min > -Infinity ? ` and min >= ${min}` : ''}`);
  }
  return [value[0], value[1]];
}

/** torchvision's `_check_input` for ColorJitter: f gives [max(0, 1 - f), 1 + f]; 0 (or [1, 1]) means off. */
function jitter(where: string, value: unknown): [number, number] | null {
  if (value === undefined) return null;
  const r = finite(value) ? (value < 0 ? fail(where, value, 'must be non-negative') : [Math.max(0, 1 - value), 1 + value]) : range(where, value, null, 0);
  return r && r[0] === 1 && r[1] === 1 ? null : (r as [number, number]);
}

function degrees(where: string, value: unknown): [number, number] {
  if (finite(value)) return value < 0 ? fail(where, value, 'must be non-negative when one number') : [-value, value];
  return range(where, value, null) ?? fail(where, value, 'is required: a number d for [-d, d], or [min, max]');
}

/** RandomAffine's translate: [largest x shift, largest y shift], as fractions of width and height. */
function fractions(where: string, value: unknown): [number, number] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => finite(v) && v >= 0 && v <= 1)) {
    fail(where, value, 'must be [fraction of width, fraction of height], each from 0 to 1');
  }
  return [value[0], value[1]];
}

function probability(where: string, value: unknown): number {
  if (value === undefined) return 0.5;
  if (!finite(value) || value < 0 || value > 1) fail(where, value, 'must be a probability from 0 to 1');
  return value;
}

function interpolation(where: string, value: unknown): Interpolation {
  if (value === undefined) return 'nearest';
  if (value !== 'nearest' && value !== 'bilinear') fail(where, value, "must be 'nearest' or 'bilinear'");
  return value;
}

function padding(where: string, value: unknown): [number, number, number, number] {
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 4096;
  if (value === undefined) return [0, 0, 0, 0];
  if (ok(value)) return [value as number, value as number, value as number, value as number];
  if (Array.isArray(value) && value.every(ok)) {
    if (value.length === 2) return [value[0], value[1], value[0], value[1]];
    if (value.length === 4) return [value[0], value[1], value[2], value[3]];
  }
  return fail(where, value, 'must be an integer, [left/right, top/bottom] or [left, top, right, bottom], each 0 to 4096');
}

function resolveOne(a: Augmentation, i: number): ResolvedAugmentation {
  const at = (key: string) => `[${i}].${key}`;
  switch (a?.type) {
    case 'RandomResizedCrop': {
      const scale = range(at('scale'), a.scale, [0.08, 1], 0)!;
      if (scale[1] > 1 || scale[1] === 0) fail(at('scale'), a.scale, 'must lie in (0, 1]');
      const ratio = range(at('ratio'), a.ratio, [3 / 4, 4 / 3], 0)!;
      if (ratio[0] === 0) fail(at('ratio'), a.ratio, 'must be positive');
      return { type: a.type, scale, ratio };
    }
    case 'RandomCrop':
      return { type: a.type, padding: padding(at('padding'), a.padding) };
    case 'RandomHorizontalFlip':
    case 'RandomVerticalFlip':
      return { type: a.type, p: probability(at('p'), a.p) };
    case 'RandomRotation':
      return { type: 'RandomAffine', degrees: degrees(at('degrees'), a.degrees), translate: null, scale: null, interpolation: interpolation(at('interpolation'), a.interpolation) };
    case 'RandomAffine': {
      const translate = fractions(at('translate'), a.translate);
      const scale = range(at('scale'), a.scale, null, 0);
      if (scale && scale[0] === 0) fail(at('scale'), a.scale, 'must be positive');
      return { type: a.type, degrees: degrees(at('degrees'), a.degrees), translate, scale, interpolation: interpolation(at('interpolation'), a.interpolation) };
    }
    case 'ColorJitter':
      return {
        type: a.type,
        brightness: jitter(at('brightness'), a.brightness),
        contrast: jitter(at('contrast'), a.contrast),
        saturation: jitter(at('saturation'), a.saturation),
      };
    default:
      return fail(
        `[${i}]`,
        a,
        "must be one of RandomResizedCrop, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, RandomRotation, RandomAffine, ColorJitter (as { type: '...', ...params })",
      );
  }
}

/** Validates a list and fills in defaults; RandomRotation becomes the RandomAffine it is. */
export function resolveAugment(list: unknown): ResolvedAugmentation[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail('', list, 'must be a list of transforms');
  const resolved = list.map((a, i) => resolveOne(a as Augmentation, i));
  resolved.forEach((a, i) => {
    if (a.type === 'RandomResizedCrop' && i > 0) fail(`[${i}]`, list[i], 'must come first: it crops the decoded source, before any other transform');
    if (a.type !== 'ColorJitter' && resolved.slice(0, i).some((b) => b.type === 'ColorJitter')) {
      fail(`[${i}]`, list[i], 'must come before ColorJitter: geometric transforms draw the image, ColorJitter changes the drawn pixels');
    }
  });
  return resolved;
}
