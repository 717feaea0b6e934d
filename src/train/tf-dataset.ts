/**
 * A DataLoader as a `tf.data.Dataset`, for TensorFlow.js code that trains
 * with `model.fitDataset`:
 *
 *   await model.fitDataset(loaderAsTfDataset(loader, { oneHot: true }), { epochs: 3 });
 *
 * Each element is `{ xs, ys }` for one batch: xs float32 NHWC, ys the labels
 * (one-hot float32, or int32 class indices). Each `iterator()` call runs the
 * loader's next epoch.
 *
 * NOTE: when a slot may be released
 *
 *   tf.tensor(view) ──> makeTensor: toTypedArray(view, dtype)
 *     Uint8Array as 'float32'    -> new Float32Array(view)   a copy
 *     Float32Array as 'float32'  -> the view itself          no copy
 *   backend.write(values) keeps `values`: the CPU backend for the tensor's
 *   life, WebGL and WebGPU until the first op uploads it.
 *
 * - uint8 batches (the default): tfjs copies the bytes into a new
 *   Float32Array while it makes the tensor, so no tensor aliases the slot
 *   once `tf.tensor4d` returns. The batch is released right there, before
 *   the step: a worker refills the slot while the model trains.
 * - float32 batches: tfjs would keep the view itself, and a worker refilling
 *   the slot would change a live tensor under the model. The element is built
 *   from a copy (`images.slice()`), as the Trainer's default upload path does,
 *   and the batch released at once.
 * - labels are copied (a few bytes) before they become ys.
 *
 * Why not hold the slot until the step is done: fitDataset
 * (tfjs-layers training_dataset.js) pulls `next()` only after
 * `trainFunction(ins)` and `dispose(ins)`, so it would be safe with fitDataset,
 * but a pipeline that pulls ahead (`.prefetch()`, `.batch()`, `.shuffle()`)
 * would still hold an element when the slot was handed back; and a slot held
 * through every step is a slot the workers cannot fill.
 *
 * NOTE: epochs and fitDataset
 *
 * - fitDataset calls `dataset.iterator()` once before its first epoch and
 *   again at the start of every epoch, dropping the first one unused. An
 *   iterator therefore starts nothing: the loader's epoch begins at its first
 *   `next()` (an async generator runs no code until then).
 * - An iterator that fitDataset leaves unfinished (`batchesPerEpoch`, or
 *   `model.stopTraining = true`) keeps its loader epoch open; the next
 *   iteration of the loader stops it (its slots come back), and so does
 *   `loader.close()`.
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError, type Batch, type DataLoader } from '../loader/index.ts';

export interface TfDatasetOptions {
  /**
   * true: ys is one-hot, float32 [size, numClasses] (for
   * `categoricalCrossentropy`). false (default): ys is the class index, int32
   * [size] (for `sparseCategoricalCrossentropy`).
   */
  oneHot?: boolean;
  /** Columns of the one-hot ys; default: the dataset's number of classes. */
  numClasses?: number;
}

export interface TfDatasetElement extends tf.TensorContainerObject {
  /**
   * float32 NHWC. From a uint8 loader: the bytes scaled to 0..1 (v / 255);
   * from a float32 loader: its values as delivered (scaled, and normalized
   * with the loader's `normalize`).
   */
  xs: tf.Tensor4D;
  /** One-hot float32 [size, numClasses], or int32 class indices [size]. */
  ys: tf.Tensor2D | tf.Tensor1D;
}

/**
 * The loader as a `tf.data.Dataset` of one element per batch. Its `size` is
 * `loader.length`. The loader stays yours: close it when training is done.
 */
export function loaderAsTfDataset(loader: DataLoader, options: TfDatasetOptions = {}): tf.data.Dataset<TfDatasetElement> {
  const numClasses = options.oneHot ? resolveClasses(loader, options.numClasses) : null;
  const toElement = (batch: Batch) => element(batch, numClasses);
  async function* epoch(): AsyncGenerator<TfDatasetElement, void, undefined> {
    // Runs at the iterator's first next(), never at iterator(): see NOTE: epochs and fitDataset.
    for await (const batch of loader) yield toElement(batch);
  }
  const dataset = tf.data.generator(epoch);
  // tf.data.generator cannot know the length; fitDataset uses it for its steps per epoch.
  (dataset as { size: number }).size = loader.length;
  return dataset;
}

function resolveClasses(loader: DataLoader, numClasses: number | undefined): number {
  const n = numClasses ?? loader.dataset.classes.length;
  if (!Number.isInteger(n) || n < 1) {
    const why = numClasses === undefined ? `the dataset declares ${n} classes` : `got ${JSON.stringify(numClasses)}`;
    throw new OptionError(`\`loaderAsTfDataset\` option \`numClasses\` must be a positive integer for \`oneHot\`: ${why}.`);
  }
  return n;
}

/** One batch as tensors; releases the batch (see NOTE: when a slot may be released). */
function element(batch: Batch, numClasses: number | null): TfDatasetElement {
  const { images, shape } = batch;
  const float = images instanceof Float32Array;
  return tf.tidy(() => {
    const raw = tf.tensor4d(float ? images.slice() : images, shape, 'float32');
    const indices = tf.tensor1d(batch.labels.slice(), 'int32');
    batch.release(); // raw and indices own copies of the bytes now
    const xs = float ? raw : tf.div<tf.Tensor4D>(raw, 255);
    const ys = numClasses === null ? indices : (tf.oneHot(indices, numClasses, 1, 0, 'float32') as tf.Tensor2D);
    return { xs, ys };
  });
}
