/**
 * What one sample is in the ring, for every kind of dataset: an image
 * dataset's [height, width, channels], or the shape and dtype a tensor or
 * custom dataset declares. The ring's geometry and a Batch's shape come
 * from here.
 */
import { OptionError } from './errors.ts';
import type { DataLoaderOptions, ImageOptions } from './options.ts';
import type { PixelDType } from './ring.ts';

/** What kind of dataset the samples come from; decides each producer's item source. */
export type DatasetKind = 'image' | 'tensor' | 'custom';

/** The shape and dtype of one sample, as a tensor or custom dataset declares them. */
export interface SampleDeclaration {
  /** e.g. [10] for a vector, [28, 28, 1] for an HWC image; every entry a positive integer. */
  shape: readonly number[];
  dtype: PixelDType;
}

export interface ResolvedSample extends SampleDeclaration {
  kind: DatasetKind;
}

/**
 * `image` of a dataset whose samples are not decoded images (tensor,
 * custom): never read, since geometry and batch shape come from `sample`.
 */
export const NO_IMAGE: Readonly<ImageOptions> = Object.freeze({ width: 1, height: 1, channels: 1, fit: 'stretch' });

/** Elements of one sample in the ring: the product of its shape (height * width * channels for an image). */
export function sampleElements(options: { sample: SampleDeclaration }): number {
  return options.sample.shape.reduce((n, d) => n * d, 1);
}

/** A tensor or custom dataset: the options that only mean something for decoded images are refused, by name. */
export function refuseImageOptions(options: DataLoaderOptions, kind: string, dtype: PixelDType): void {
  const why = `applies to image datasets only; a ${kind} dataset's samples are the values it gives`;
  if (options.image !== undefined) fail('image', options.image, `${why} (their shape is the dataset's sample shape)`);
  if (options.augment !== undefined && options.augment.length > 0) fail('augment', options.augment, `${why} (draw from \`context.random\` in getItem instead)`);
  if (options.normalize !== undefined) fail('normalize', options.normalize, why);
  if (options.cache !== undefined && options.cache !== 'none') fail('cache', options.cache, `${why}: only decoded images are cached`);
  if (options.dtype !== undefined && options.dtype !== dtype) fail('dtype', options.dtype, `must be the dataset's own dtype ('${dtype}') or left out`);
}

function fail(option: string, value: unknown, fix: string): never {
  const shown = typeof value === 'number' || value === undefined ? String(value) : (JSON.stringify(value) ?? String(value));
  throw new OptionError(`\`DataLoader\` option \`${option}\` ${fix}; got ${shown}.`);
}

/** Checks a declared sample; `api` names who was given it. */
export function checkSampleDeclaration(sample: unknown, api: string): SampleDeclaration {
  const s = sample as Partial<SampleDeclaration> | null;
  const shape = s?.shape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new OptionError(`\`${api}\`: the sample shape must be a non-empty array of positive integers, e.g. [10]; got ${JSON.stringify(shape)}`);
  }
  if (s!.dtype !== 'uint8' && s!.dtype !== 'float32') {
    throw new OptionError(`\`${api}\`: the sample dtype must be 'uint8' or 'float32'; got ${JSON.stringify(s!.dtype)}`);
  }
  return { shape: [...shape], dtype: s!.dtype };
}
