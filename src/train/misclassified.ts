/**
 * The misclassified samples of an evaluation, with their pixels as RGBA for
 * a canvas: the strip the playground shows under the confusion matrix.
 *
 * The pixels are copied from the batch before its slot is released (the slot
 * is refilled by a worker right after); which samples were wrong is known only
 * once the batch's predictions are read back, so the collector keeps the copy
 * of a batch until then. It stops copying once it has its dozen, and keeps at
 * most MAX_PENDING batches waiting for their predictions, so its memory stays
 * bounded whatever the split's size.
 */
import type { Batch } from '../loader/index.ts';

/** One misclassified sample. `index` is its dataset index; `rgba` is width * height * 4 bytes. */
export interface MisclassifiedSample {
  index: number;
  label: number;
  predicted: number;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** An evaluation's detail: what the confusion matrix and the misclassified strip draw. */
export interface EvalDetail {
  /** confusion[label][predicted] = count. */
  confusion: number[][];
  /** Up to MAX_MISCLASSIFIED misclassified samples, in the loader's order. */
  misclassified: MisclassifiedSample[];
}

export const MAX_MISCLASSIFIED = 12;
/** Batches whose pixels wait for their predictions at most: later ones wait for the oldest readback first. */
const MAX_PENDING = 2;

/** The loader's per-channel normalization of float32 batches (its resolved `mean` and `std`). */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/**
 * How a batch's values map back to bytes: uint8 batches are the bytes;
 * float32 batches were scaled to 0..1 and normalized with `stats` in the worker.
 */
export function pixelBytes(float: boolean, stats: ChannelStats | null): (v: number, c: number) => number {
  if (!float) return (v) => v;
  const mean = stats?.mean ?? [];
  const std = stats?.std ?? [];
  return (v, c) => (v * (std[c] ?? 1) + (mean[c] ?? 0)) * 255;
}

/**
 * Sample `i` of a batch's NHWC values as RGBA bytes: gray expanded to r = g =
 * b, alpha 255 unless the batch has its own, float values de-normalized by
 * `toByte` and rounded (Uint8ClampedArray clamps to 0..255).
 */
export function sampleRgba(images: Uint8Array | Float32Array, shape: readonly number[], i: number, toByte: (v: number, c: number) => number): Uint8ClampedArray {
  const [, height, width, channels] = shape;
  const pixels = width * height;
  const base = i * pixels * channels;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const at = base + p * channels;
    if (channels === 1) {
      const v = Math.round(toByte(images[at], 0));
      rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = v;
    } else {
      for (let c = 0; c < 3; c++) rgba[4 * p + c] = Math.round(toByte(images[at + c], c));
    }
    rgba[4 * p + 3] = channels === 4 ? Math.round(toByte(images[at + 3], 3)) : 255;
  }
  return rgba;
}

/** A batch's copy, made before its release: what the collector needs once the predictions come back. */
interface BatchCopy {
  shape: number[];
  images: Uint8Array | Float32Array;
  labels: Int32Array;
  indices: Int32Array;
}

export class MisclassifiedCollector {
  readonly #found: MisclassifiedSample[] = [];
  /** One promise per batch still waiting, each after the one before: samples are taken in the loader's order. */
  #pending: Promise<void>[] = [];
  #last: Promise<void> = Promise.resolve();
  readonly #stats: ChannelStats | null;

  /** `stats`: the loader's normalization, for float32 batches (normalized in the worker). */
  constructor(stats: ChannelStats | null) {
    this.#stats = stats;
  }

  /** Whether the next batch's pixels are worth copying: fewer than a dozen found so far. */
  get wanted(): boolean {
    return this.#found.length < MAX_MISCLASSIFIED;
  }

  /** Copies what the collector needs of `batch`; call before the batch is released. */
  copy(batch: Batch): BatchCopy {
    return { shape: [...batch.shape], images: batch.images.slice(), labels: batch.labels.slice(), indices: batch.indices.slice() };
  }

  /**
   * Adds the batch's wrong samples once `predicted` (its argmax per sample)
   * resolves. Resolves when the batches before it are few enough to go on.
   */
  async add(copy: BatchCopy, predicted: Promise<ArrayLike<number>>): Promise<void> {
    const done = Promise.all([predicted, this.#last]).then(([classes]) => this.#take(copy, classes));
    done.catch(() => {}); // handled by whoever awaits it (add or result); an abandoned evaluation must not report it
    this.#last = done;
    this.#pending.push(done);
    if (this.#pending.length > MAX_PENDING) await this.#pending.shift();
  }

  /** Every sample found, in the loader's order, once every readback is in. */
  async result(): Promise<MisclassifiedSample[]> {
    await this.#last;
    this.#pending = [];
    return this.#found.slice(0, MAX_MISCLASSIFIED);
  }

  #take(copy: BatchCopy, predicted: ArrayLike<number>): void {
    const { shape, images, labels, indices } = copy;
    const toByte = pixelBytes(images instanceof Float32Array, this.#stats);
    for (let i = 0; i < labels.length && this.#found.length < MAX_MISCLASSIFIED; i++) {
      if (predicted[i] === labels[i]) continue;
      const rgba = sampleRgba(images, shape, i, toByte);
      this.#found.push({ index: indices[i], label: labels[i], predicted: predicted[i], width: shape[2], height: shape[1], rgba });
    }
  }
}
