/**
 * Evaluation over one epoch of a loader: mean loss, accuracy and the
 * confusion matrix, and with `detail` up to a dozen misclassified samples
 * with their pixels. The sums stay on the GPU until the end, so evaluation
 * reads back once, not once per batch; only the detail's predictions are
 * read per batch, and only until a dozen wrong ones are found.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader } from '../loader/index.ts';
import { crossEntropyPerSample, type OutputKind } from './loss.ts';
import { MisclassifiedCollector, type MisclassifiedSample } from './misclassified.ts';
import type { Uploaded } from './upload.ts';

export interface Evaluation {
  /** Mean cross-entropy over the samples. */
  loss: number;
  /** Correct / samples, 0..1. */
  accuracy: number;
  samples: number;
  /** confusion[label][predicted]: sample counts. */
  confusion: number[][];
  /** With `detail`: up to 12 misclassified samples, in the loader's order, with their pixels as RGBA. */
  misclassified?: MisclassifiedSample[];
}

export interface EvaluateInput {
  /** Read after each batch's prepare(): the first batch may build a preset model. */
  current: () => { model: tf.LayersModel; classes: number; kind: OutputKind };
  /** Builds the input tensors of a batch (and releases its slot). */
  prepare: (batch: Batch) => Uploaded;
  /** Runs `run(start, count)` over slices of a batch of n, letting the page in between (pacer.ts). */
  slices?: (n: number, run: (start: number, count: number) => void) => Promise<void>;
  signal?: AbortSignal;
  /** Stop after the batch that brings the count to at least this many samples (a held-out slice). */
  limit?: number;
  /** Also collect misclassified samples (`Evaluation.misclassified`): the epoch-end evaluation asks, the held-out slices do not. */
  detail?: boolean;
}

/** Running sums on the device: summed loss, confusion counts. */
type Sums = { loss: tf.Scalar; confusion: tf.Tensor2D };

export async function evaluateModel(loader: DataLoader, input: EvaluateInput): Promise<Evaluation> {
  const { prepare, signal } = input;
  const { mean, std } = loader.options;
  const collector = input.detail ? new MisclassifiedCollector(mean && std ? { mean, std } : null) : null;
  // Made at the first batch: a preset model (and so its class count) is built from it.
  let sums = null as Sums | null; // not narrowed to null: the slices assign it in a callback
  let samples = 0;
  try {
    for await (const batch of loader) {
      signal?.throwIfAborted();
      const copy = collector?.wanted ? collector.copy(batch) : null; // before prepare() releases the slot
      const { x, y } = prepare(batch);
      const predictions: tf.Tensor1D[] = []; // per slice, kept for the detail's readback
      try {
        const { model, classes, kind } = input.current();
        const n = x.shape[0];
        await (input.slices ?? ((count, run) => Promise.resolve(run(0, count))))(n, (start, count) => {
          const before: Sums = sums ?? { loss: tf.scalar(0), confusion: tf.zeros([classes, classes]) };
          sums = tf.tidy(() => {
            const xs = count === n ? x : x.slice(start, count);
            const ys = count === n ? y : y.slice(start, count);
            const output = model.apply(xs, { training: false }) as tf.Tensor;
            const predicted = tf.argMax(output, -1) as tf.Tensor1D;
            if (copy) predictions.push(tf.keep(predicted));
            const counts = tf.matMul(tf.oneHot(ys, classes).toFloat(), tf.oneHot(predicted, classes).toFloat(), true, false);
            return { loss: before.loss.add(crossEntropyPerSample(output, ys, classes, kind).sum()), confusion: before.confusion.add(counts) };
          }) as Sums;
          tf.dispose([before.loss, before.confusion]);
        });
        if (copy && collector) {
          // The read owns `all`: disposed once it resolves, so the batch's tensors can go now.
          const all = predictions.length === 1 ? predictions.pop()! : tf.concat(predictions);
          await collector.add(copy, all.data().finally(() => all.dispose()));
        }
      } finally {
        tf.dispose([x, y, ...predictions]);
      }
      samples += batch.size;
      if (input.limit !== undefined && samples >= input.limit) break; // ends the loader's epoch (iterator.return)
    }
    signal?.throwIfAborted();
    if (!sums) return { loss: NaN, accuracy: NaN, samples: 0, confusion: [], ...(collector ? { misclassified: [] } : {}) };
    const classes = sums.confusion.shape[0];
    const [loss, counts, misclassified] = await Promise.all([sums.loss.data(), sums.confusion.data(), collector?.result()]);
    const matrix = Array.from({ length: classes }, (_, t) => Array.from(counts.subarray(t * classes, (t + 1) * classes), Math.round));
    const correct = matrix.reduce((sum, row, t) => sum + row[t], 0);
    return { loss: loss[0] / samples, accuracy: correct / samples, samples, confusion: matrix, ...(misclassified ? { misclassified } : {}) };
  } finally {
    if (sums) tf.dispose([sums.loss, sums.confusion]);
  }
}
