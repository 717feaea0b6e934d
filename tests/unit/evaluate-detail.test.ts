/**
 * An evaluation's detail in Node, on tfjs's CPU backend: the confusion
 * matrix and the misclassified samples with their pixels, counted exactly on
 * a tiny known set. The model always answers class 0 (zero weights, bias
 * [1, 0, 0]), so every sample whose label is not 0 is wrong, and which ones
 * are is known in advance: labels are i % 3.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/train/index.ts';
import { pixelBytes, sampleRgba } from '../../src/train/misclassified.ts';
import { expectedUint8 } from './support/fake-reader.ts';
import { memDataset } from './support/fake-reader.ts';
import { MODES, openLoader } from './support/loader-harness.ts';

const SHAPE = { width: 4, height: 3 };

/** A model that predicts class 0 for every input of [height, width, channels]. */
function alwaysZero(channels: number): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [SHAPE.height, SHAPE.width, channels] }), tf.layers.dense({ units: 3, kernelInitializer: 'zeros' })],
  });
  const [kernel] = model.layers[1].getWeights();
  model.layers[1].setWeights([kernel, tf.tensor1d([1, 0, 0])]);
  return model;
}

/** Sample i's expected RGBA: the loader's bytes for `channels`, gray expanded, alpha 255 unless it has its own. */
function expectedRgba(i: number, channels: 1 | 3 | 4): number[] {
  const bytes = expectedUint8(i, SHAPE.width, SHAPE.height, channels);
  const out: number[] = [];
  for (let p = 0; p < SHAPE.width * SHAPE.height; p++) {
    const px = Array.from(bytes.subarray(p * channels, (p + 1) * channels));
    out.push(...(channels === 1 ? [px[0], px[0], px[0], 255] : channels === 3 ? [...px, 255] : px));
  }
  return out;
}

describe('evaluation detail', () => {
  it('counts confusion[label][predicted] exactly and lists the first 12 misclassified samples with their pixels', async () => {
    const { loader } = openLoader(MODES[1], memDataset(30, { ...SHAPE, channels: 3 }, 3), { batchSize: 8, image: { ...SHAPE, channels: 3 } });
    const model = alwaysZero(3);
    const trainer = new Trainer({ model, backend: 'cpu' });
    await trainer.evaluate(loader); // builds the uploader: the tensors a trainer keeps
    const before = tf.memory().numTensors;
    const evaluation = await trainer.evaluate(loader, { detail: true });
    expect(tf.memory().numTensors).toBe(before); // the predictions read back are freed
    expect(evaluation.confusion).toEqual([
      [10, 0, 0],
      [10, 0, 0],
      [10, 0, 0],
    ]);
    expect(evaluation.accuracy).toBeCloseTo(10 / 30, 12);
    const wrong = evaluation.misclassified!;
    // Labels 1 and 2 in the loader's (unshuffled) order, across batches of 8: the first 12.
    expect(wrong.map((m) => m.index)).toEqual([1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17]);
    expect(wrong.map((m) => m.label)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(wrong.every((m) => m.predicted === 0 && m.width === 4 && m.height === 3)).toBe(true);
    expect(wrong[0].rgba).toBeInstanceOf(Uint8ClampedArray);
    expect(Array.from(wrong[0].rgba)).toEqual(expectedRgba(1, 3));
    expect(Array.from(wrong[11].rgba)).toEqual(expectedRgba(17, 3));
    trainer.dispose();
    model.dispose();
  });

  it('expands grayscale to RGBA and de-normalizes float32 batches back to the loader bytes', async () => {
    const normalize = { mean: 0.5, std: 0.25 };
    const opened = openLoader(MODES[0], memDataset(6, { ...SHAPE, channels: 1 }, 3), { batchSize: 4, image: { ...SHAPE, channels: 1 }, dtype: 'float32', normalize });
    const model = alwaysZero(1);
    const trainer = new Trainer({ model, backend: 'cpu' });
    const evaluation = await trainer.evaluate(opened.loader, { detail: true });
    expect(evaluation.confusion).toEqual([
      [2, 0, 0],
      [2, 0, 0],
      [2, 0, 0],
    ]);
    expect(evaluation.misclassified!.map((m) => [m.index, m.label])).toEqual([
      [1, 1],
      [2, 2],
      [4, 1],
      [5, 2],
    ]);
    for (const m of evaluation.misclassified!) expect(Array.from(m.rgba)).toEqual(expectedRgba(m.index, 1));
    trainer.dispose();
    model.dispose();
  });

  it('leaves the detail out unless asked: the held-out slices stay as cheap as before', async () => {
    const { loader } = openLoader(MODES[0], memDataset(9, { ...SHAPE, channels: 3 }, 3), { batchSize: 4, image: { ...SHAPE, channels: 3 } });
    const model = alwaysZero(3);
    const trainer = new Trainer({ model, backend: 'cpu' });
    const evaluation = await trainer.evaluate(loader);
    expect(evaluation.misclassified).toBeUndefined();
    expect(evaluation.confusion).toEqual([
      [3, 0, 0],
      [3, 0, 0],
      [3, 0, 0],
    ]);
    trainer.dispose();
    model.dispose();
  });

  it("asks for the detail at each epoch end of fit's validation", async () => {
    const train = openLoader(MODES[0], memDataset(6, { ...SHAPE, channels: 3 }, 3), { batchSize: 3, image: { ...SHAPE, channels: 3 } }).loader;
    const test = openLoader(MODES[0], memDataset(6, { ...SHAPE, channels: 3 }, 3), { batchSize: 3, image: { ...SHAPE, channels: 3 } }).loader;
    const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
    const result = await trainer.fit(train, { epochs: 1, validation: test });
    const validation = result.epochLog[0].validation!;
    const wrong = validation.confusion.flat().reduce((a, b) => a + b, 0) - validation.confusion.reduce((s, row, t) => s + row[t], 0);
    expect(validation.misclassified).toHaveLength(wrong);
    trainer.dispose();
  });

  it('turns one sample of a batch into RGBA bytes, per layout', () => {
    const rgb = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 2 samples of 1x2 RGB
    expect(Array.from(sampleRgba(rgb, [2, 1, 2, 3], 1, pixelBytes(false, null)))).toEqual([7, 8, 9, 255, 10, 11, 12, 255]);
    const gray = new Float32Array([-2, 2]); // 1 sample of 1x2, mean 0.5 std 0.25: 0 and 1 on the 0..1 scale
    expect(Array.from(sampleRgba(gray, [1, 1, 2, 1], 0, pixelBytes(true, { mean: [0.5], std: [0.25] })))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
});
