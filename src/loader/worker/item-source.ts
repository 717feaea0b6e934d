/**
 * The item-source seam of the batch executor: where a non-image sample's
 * values come from (a tensor's row, a custom module's getItem), and the check
 * that they fit the declared shape and dtype before they are written into the
 * slot. Image datasets do not use it: they go through the PixelReader.
 */
import { SampleLoadError } from '../errors.ts';
import type { JobSample } from '../protocol.ts';
import type { SlotView } from '../ring.ts';
import type { ResolvedSample } from '../sample-shape.ts';

/** One sample's values (row-major, the declared shape) and label. */
export interface Item {
  values: ArrayBufferView;
  label: number;
}

export interface ItemSource {
  /** Sample `sample.index` of epoch `epoch`; may throw (a sample failure). `signal` aborts on cancel or timeout. */
  read(sample: JobSample, epoch: number, signal: AbortSignal): Item | Promise<Item>;
  /**
   * Settles once the source can read (a custom module loaded and its init
   * run); rejects with why it never will, which fails the loader once instead
   * of every sample. Absent: ready at once.
   */
  readonly ready?: Promise<void>;
}

const ARRAY_NAME = (values: unknown): string =>
  ArrayBuffer.isView(values) ? `a ${values.constructor.name} of length ${(values as unknown as ArrayLike<number>).length}` : `${values === null ? 'null' : typeof values}`;

/**
 * Writes `item` at batch position `position` of the slot, or throws a
 * SampleLoadError('dataset') naming the index, what it got and what the
 * dataset declares.
 */
export function writeItem(item: Item, sample: JobSample, position: number, view: SlotView, declared: ResolvedSample): void {
  const elements = declared.shape.reduce((n, d) => n * d, 1);
  const Expected = declared.dtype === 'float32' ? Float32Array : Uint8Array;
  const values = (item as Partial<Item> | null)?.values;
  const wanted = `the dataset declares shape [${declared.shape.join(', ')}] ${declared.dtype} (a ${Expected.name} of length ${elements})`;
  if (!(values instanceof Expected) || values.length !== elements) {
    throw new SampleLoadError('dataset', `getItem(${sample.index}) returned values as ${ARRAY_NAME(values)}; ${wanted}`);
  }
  const label = item.label;
  if (!Number.isInteger(label) || label < -(2 ** 31) || label >= 2 ** 31) {
    throw new SampleLoadError('dataset', `getItem(${sample.index}) returned label ${String(label)}; a label must be an int32 integer`);
  }
  view.pixels.set(values, position * elements);
  view.labels[position] = label;
  view.indices[position] = sample.index;
}
