/**
 * Accuracy during training, on tfjs's CPU backend in Node: the running train
 * accuracy read back with the loss, and a test accuracy on a held-out slice
 * between steps (onEval), with the phase a page shows ('evaluating').
 */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/loader/index.ts';
import { Trainer } from '../../src/train/index.ts';
import { nextEvalGap } from '../../src/train/fit-loop.ts';
import { memDataset } from './support/fake-reader.ts';
import { MODES, openLoader } from './support/loader-harness.ts';

const SHAPE = { width: 4, height: 3, channels: 3 as const };

describe('accuracy during training', () => {
  it("reads the train accuracy of the batches since the last readback with the loss: over an epoch it is the model's accuracy on that epoch", async () => {
    const { loader } = openLoader(MODES[0], memDataset(24, SHAPE, 3), { batchSize: 4, image: SHAPE });
    // A learning rate too small to change a prediction: the model is the same at every step.
    const trainer = new Trainer({ model: 'linear', backend: 'cpu', optimizer: 'sgd', learningRate: 1e-12, lossEvery: 100 });
    const reads: Array<{ step: number; accuracy?: number }> = [];
    const result = await trainer.fit(loader, { epochs: 2, onStep: (e) => e.loss !== undefined && reads.push({ step: e.step, accuracy: e.accuracy }) });
    // Read only at each epoch's last batch: each accuracy covers that epoch's 24 samples.
    expect(reads.map((r) => r.step)).toEqual([6, 12]);
    const evaluation = await trainer.evaluate(loader);
    expect(evaluation.samples).toBe(24);
    expect(reads[0].accuracy).toBeCloseTo(evaluation.accuracy, 12);
    expect(reads[1].accuracy).toBeCloseTo(evaluation.accuracy, 12);
    expect(Number.isInteger(reads[0].accuracy! * 24)).toBe(true);
    expect(result.losses.map((l) => l.accuracy)).toEqual(reads.map((r) => r.accuracy));
    trainer.dispose();
  });

  it('learns: the running train accuracy at the end is above the first', async () => {
    const { loader } = openLoader(MODES[0], memDataset(24, SHAPE, 3), { batchSize: 4, image: SHAPE });
    const trainer = new Trainer({ model: 'linear', backend: 'cpu', lossEvery: 6, learningRate: 0.05 });
    const result = await trainer.fit(loader, { epochs: 12 });
    const accuracies = result.losses.map((l) => l.accuracy);
    expect(accuracies).toHaveLength(12);
    expect(accuracies[11]).toBeGreaterThan(accuracies[0]);
    trainer.dispose();
  });

  it('evaluates the first evalSamples of the validation loader between steps, says it is evaluating, and the slice is the same samples each time', async () => {
    const train = openLoader(MODES[0], memDataset(24, SHAPE, 3), { batchSize: 4, image: SHAPE }).loader;
    const test = openLoader(MODES[0], memDataset(20, SHAPE, 3), { batchSize: 4, image: SHAPE }).loader;
    const trainer = new Trainer({ model: 'linear', backend: 'cpu', learningRate: 0.01 });
    const log: string[] = [];
    const evals: Array<{ step: number; samples: number; accuracy: number; confusion: number[][] }> = [];
    const result = await trainer.fit(train, {
      epochs: 1,
      validation: test,
      evalEveryMs: 0, // after every step
      evalSamples: 6, // whole batches of 4: the first 8 samples
      onStep: (e) => log.push(`step ${e.step}`),
      onPhase: (phase) => log.push(phase),
      onEval: (e) => evals.push({ step: e.step, samples: e.samples, accuracy: e.accuracy, confusion: e.confusion }),
    });
    expect(evals.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(evals.every((e) => e.samples === 8)).toBe(true);
    // Labels are i % 3: the first 8 samples hold 3, 3 and 2 of the classes, every time.
    expect(evals.map((e) => e.confusion.map((row) => row.reduce((a, b) => a + b, 0)))).toEqual(Array(6).fill([3, 3, 2]));
    expect(log.slice(0, 4)).toEqual(['step 1', 'evaluating', 'training', 'step 2']);
    expect(log.slice(-3)).toEqual(['evaluating', 'training', 'evaluating']); // the last slice, then the epoch end's evaluation
    expect(result.epochLog[0].validation!.samples).toBe(20); // the epoch end evaluates the whole split
    // The last slice saw the final model: the same as evaluating those 8 samples now.
    const slice = openLoader(MODES[0], memDataset(8, SHAPE, 3), { batchSize: 4, image: SHAPE }).loader;
    expect(evals[5].accuracy).toBeCloseTo((await trainer.evaluate(slice)).accuracy, 12);
    trainer.dispose();
  });

  it('spaces the slices by evalEveryMs, or by 4 times the last slice\'s time when that is longer; 0 means every step', () => {
    expect(nextEvalGap(3000, 200)).toBe(3000);
    expect(nextEvalGap(3000, 1500)).toBe(6000); // a slow device: evaluating stays under a fifth of the run
    expect(nextEvalGap(0, 1500)).toBe(0);
  });

  it('refuses evalEveryMs without a validation loader to take the slice from', async () => {
    const { loader } = openLoader(MODES[0], memDataset(8, SHAPE, 3), { batchSize: 4, image: SHAPE });
    const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
    await expect(trainer.fit(loader, { evalEveryMs: 1000 })).rejects.toThrow(OptionError);
    await expect(trainer.fit(loader, { evalEveryMs: 1000 })).rejects.toThrow(/`evalEveryMs` evaluates the `validation` loader: pass one/);
    trainer.dispose();
  });
});
