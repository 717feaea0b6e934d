/**
 * One optimizer step of the Trainer, and the train accuracy counted with it.
 *
 * - The correct predictions are summed on the device from the forward pass
 *   the step computes anyway, and read back with the loss as one tensor
 *   [loss, correct]: the running train accuracy costs no extra readback.
 * - On the CPU backend a long step runs in slices of the batch (pacer.ts)
 *   whose gradients, each weighted by its share of the batch, sum to the
 *   whole batch's gradient: the same update, with the page answering in
 *   between.
 */
import * as tf from '@tensorflow/tfjs';
import { meanLoss, type OutputKind } from './loss.ts';
import type { Pacer } from './pacer.ts';
import type { Uploaded } from './upload.ts';

export interface StepModel {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  classes: number;
  kind: OutputKind;
  pacer: Pacer;
}

type Part = { value: tf.Scalar; grads: tf.NamedTensorMap };
type LossOf = (xs: tf.Tensor, ys: tf.Tensor1D, weight: number) => tf.Scalar;

export class StepRunner {
  /** Correct train predictions since the last loss readback, on the device. */
  #correct: tf.Scalar | null = null;

  /** Forgets the count (a new fit; dispose). */
  dropCorrect(): void {
    this.#correct?.dispose();
    this.#correct = null;
  }

  /** One step; with `readLoss`, [the batch's loss, correct predictions since the last read]; else null. */
  async step(m: StepModel, { x, y }: Uploaded, readLoss: boolean): Promise<tf.Tensor1D | null> {
    const vars = m.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const counted: tf.Scalar[] = [];
    const lossOf: LossOf = (xs, ys, weight) => {
      const output = m.model.apply(xs, { training: true }) as tf.Tensor;
      // Kept out of the gradient's tidy; not on the loss's path, so not differentiated.
      counted.push(tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), ys), 'float32')) as tf.Scalar));
      const loss = meanLoss(output, ys, m.classes, m.kind);
      return weight === 1 ? loss : (tf.mul(loss, weight) as tf.Scalar);
    };
    let cost: tf.Scalar | null = null;
    try {
      cost = m.pacer.active ? await sliced(m, x, y, vars, lossOf) : tf.tidy(() => m.optimizer.minimize(() => lossOf(x, y, 1), true, vars)!);
      const before = this.#correct;
      this.#correct = tf.tidy(() => counted.reduce<tf.Scalar>((sum, c) => tf.add(sum, c), before ?? tf.scalar(0)));
      before?.dispose();
      if (!readLoss) return null;
      const read = tf.stack([cost, this.#correct]) as tf.Tensor1D;
      this.#correct.dispose();
      this.#correct = tf.scalar(0); // not null: a fit holds the same number of tensors after every step
      return read;
    } finally {
      tf.dispose([...counted, ...(cost ? [cost] : [])]);
    }
  }
}

/** A step as slices of the batch; returns the batch's mean loss. */
async function sliced(m: StepModel, x: tf.Tensor4D, y: tf.Tensor1D, vars: tf.Variable[], lossOf: LossOf): Promise<tf.Scalar> {
  const n = x.shape[0];
  let sum = null as Part | null; // not narrowed to null: the slices assign it in a callback
  try {
    await m.pacer.slices(n, (start, count) => {
      const part = tf.tidy(() => {
        const xs = count === n ? x : x.slice(start, count);
        const ys = count === n ? y : y.slice(start, count);
        return m.optimizer.computeGradients(() => lossOf(xs, ys, count / n), vars);
      });
      const before = sum;
      if (!before) {
        sum = part;
        return;
      }
      sum = tf.tidy(() => ({
        value: tf.add(before.value, part.value) as tf.Scalar,
        grads: Object.fromEntries(Object.entries(before.grads).map(([name, g]) => [name, tf.add(g, part.grads[name])])),
      }));
      tf.dispose([before.value, part.value, ...Object.values(before.grads), ...Object.values(part.grads)]);
    });
    const done = sum!;
    sum = null;
    m.optimizer.applyGradients(done.grads);
    tf.dispose(Object.values(done.grads));
    return done.value;
  } finally {
    if (sum) tf.dispose([sum.value, ...Object.values(sum.grads)]);
  }
}
