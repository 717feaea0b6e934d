/**
 * The classification loss: cross-entropy of the model's output against class
 * indices. Presets end in logits; a model whose last layer applies a softmax
 * gives probabilities, and is scored on those instead.
 */
import * as tf from '@tensorflow/tfjs';

export type OutputKind = 'logits' | 'probabilities';

/** 'probabilities' when the model's last layer has a softmax activation. */
export function outputKind(model: tf.LayersModel): OutputKind {
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown }).activation;
  return activation === 'softmax' ? 'probabilities' : 'logits';
}

/**
 * Cross-entropy per sample, shape [n]. Call inside a `tf.tidy`.
 * `labels`: int32 class indices, shape [n].
 */
export function crossEntropyPerSample(output: tf.Tensor, labels: tf.Tensor1D, classes: number, kind: OutputKind): tf.Tensor1D {
  const oneHot = tf.oneHot(labels, classes);
  if (kind === 'logits') {
    return tf.losses.softmaxCrossEntropy(oneHot, output as tf.Tensor2D, undefined, undefined, tf.Reduction.NONE) as tf.Tensor1D;
  }
  const p = tf.clipByValue(output, 1e-7, 1);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1)) as tf.Tensor1D;
}

/** The mean loss of a batch: the scalar the optimizer minimizes. */
export function meanLoss(output: tf.Tensor, labels: tf.Tensor1D, classes: number, kind: OutputKind): tf.Scalar {
  return tf.mean(crossEntropyPerSample(output, labels, classes, kind)) as tf.Scalar;
}
