/**
 * A delivered batch: views straight into its ring slot, no copy.
 */
import type { SampleFailure } from './errors.ts';
import type { SlotView } from './ring.ts';

/** An image batch's shape: [size, height, width, channels] (NHWC). */
export type ImageBatchShape = [number, number, number, number];

/** A batch of any dataset: its shape is [size, ...the sample shape]. */
export type AnyBatch = Batch<number[]>;

export interface BatchInit<Shape extends number[] = number[]> {
  epoch: number;
  index: number;
  shape: Shape;
  images: Uint8Array | Float32Array;
  labels: Int32Array;
  indices: Int32Array;
  skipped: SampleFailure[];
  /** Who loaded it: worker id, -1 for the main thread, null if unknown yet. */
  worker: number | null;
  onRelease: () => void;
}

/**
 * `Shape` is ImageBatchShape for an image dataset (what DataLoader<ImageDataset>
 * yields), number[] for a tensor or custom dataset.
 */
export class Batch<Shape extends number[] = ImageBatchShape> {
  /** The epoch this batch belongs to (0-based). */
  readonly epoch: number;
  /** Its number in the epoch, in sampler order (0-based). */
  readonly index: number;
  /** Samples in the batch: batchSize, or fewer for the last batch or after skips. */
  readonly size: number;
  /**
   * [size, ...sample shape]: for an image dataset [size, height, width,
   * channels] (NHWC); for a tensor or custom dataset [size, ...its declared shape].
   */
  readonly shape: Shape;
  /**
   * The pixels, NHWC, uint8 (0..255) or float32 (normalized). Like `labels`
   * and `indices` this is a view of the ring slot, not a copy: it stays valid
   * until `release()` is called or the iterator moves to the next batch,
   * whichever comes first. Copy what you need to keep (`images.slice()`).
   */
  readonly images: Uint8Array | Float32Array;
  /** `images` under the name that reads right for a tensor or custom dataset: the same view. */
  get values(): Uint8Array | Float32Array {
    return this.images;
  }
  /** Class index of each sample. */
  readonly labels: Int32Array;
  /** Dataset index of each sample. */
  readonly indices: Int32Array;
  /** Samples of this batch dropped under onError 'skip'. */
  readonly skipped: readonly SampleFailure[];
  /** The worker that loaded it (-1: the main thread); null if not known yet. */
  readonly worker: number | null;
  #onRelease: (() => void) | null;

  constructor(init: BatchInit<Shape>) {
    this.epoch = init.epoch;
    this.index = init.index;
    this.shape = init.shape;
    this.size = init.shape[0];
    this.images = init.images;
    this.labels = init.labels;
    this.indices = init.indices;
    this.skipped = init.skipped;
    this.worker = init.worker;
    this.#onRelease = init.onRelease;
  }

  get released(): boolean {
    return this.#onRelease === null;
  }

  /**
   * Hands the slot back to the ring so a worker can refill it. Call it as
   * soon as the bytes are consumed (e.g. uploaded to the GPU). Idempotent;
   * the iterator calls it for you when it moves on.
   */
  release(): void {
    const onRelease = this.#onRelease;
    this.#onRelease = null;
    onRelease?.();
  }
}

/**
 * The Batch over the first `count` samples of a READY slot: views, no copy
 * (the slot is packed, so the samples are contiguous from the start).
 */
export function slotBatch(
  view: SlotView,
  count: number,
  sampleShape: readonly number[],
  init: Omit<BatchInit, 'shape' | 'images' | 'labels' | 'indices'>,
): Batch<number[]> {
  const elements = sampleShape.reduce((n, d) => n * d, 1);
  return new Batch<number[]>({
    ...init,
    shape: [count, ...sampleShape],
    images: view.pixels.subarray(0, count * elements),
    labels: view.labels.subarray(0, count),
    indices: view.indices.subarray(0, count),
  });
}
