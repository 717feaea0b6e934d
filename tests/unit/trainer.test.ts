/**
 * The training loop in Node, on tfjs's CPU backend, over loaders fed by the
 * fake reader (no browser): what fit reports, how it stops, and that it
 * keeps no tensors. The GPU paths are tested in the browser (train.spec.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/loader/index.ts';
import { Trainer, parsePreference, selectBackend } from '../../src/train/index.ts';
import { affineFor } from '../../src/train/upload.ts';
import { memDataset } from './support/fake-reader.ts';
import { MODES, openLoader } from './support/loader-harness.ts';

const SHAPE = { width: 4, height: 3, channels: 3 as const };

describe('backend choice', () => {
  it('falls back to the CPU in Node and says why WebGPU and WebGL were passed over', async () => {
    const choice = await selectBackend('auto');
    expect(choice.name).toBe('cpu');
    expect(choice.forced).toBe(false);
    expect(choice.fallbacks.map((f) => f.backend)).toEqual(['webgpu', 'webgl']);
    expect(choice.fallbacks[0].reason).toMatch(/navigator\.gpu is missing/);
    expect(choice.fallbacks[1].reason).toMatch(/not registered/);
    expect(choice.reason).toMatch(/^fell back: webgpu: navigator\.gpu is missing.*; webgl: not registered/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('refuses a forced backend that cannot run, naming who forced it', async () => {
    await expect(selectBackend('webgpu', '?backend=webgpu')).rejects.toThrow(
      /the webgpu backend, forced by \?backend=webgpu, cannot run here \(webgpu: navigator\.gpu is missing/,
    );
  });

  it('rejects unknown backend names, naming who asked', () => {
    expect(parsePreference('webgl')).toBe('webgl');
    expect(() => parsePreference('metal', '`?backend=`')).toThrow(/`\?backend=` must be 'auto', 'webgpu', 'webgl', 'cpu'; got "metal"/);
    expect(() => parsePreference(3)).toThrow(OptionError);
  });
});

describe('Trainer options', () => {
  it('turns mean and std into the per-channel scale and offset of ToTensor + Normalize', () => {
    const { scale, offset } = affineFor({ mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }, 3);
    expect(scale).toEqual([1 / 127.5, 1 / 63.75, 1 / 510]);
    expect(offset).toEqual([-1, -1, -0]);
    // byte 255 with mean 0.5, std 0.5 is (1 - 0.5) / 0.5 = 1
    expect(255 * scale[0] + offset[0]).toBeCloseTo(1, 12);
    // The loader's check (normalizeChannels), naming the Trainer's option.
    expect(() => affineFor({ mean: [0.1, 0.2], std: 1 }, 3)).toThrow(
      '`Trainer` option `normalize.mean` must have one value or 3 (one per channel); got [0.1,0.2].',
    );
    expect(() => affineFor({ mean: 0, std: 0 }, 1)).toThrow('`Trainer` option `normalize.std` must be finite and non-zero; got 0.');
  });

  it('refuses a checkpointEvery that is not a step count, or that has no checkpoint name to save under', async () => {
    const { loader } = openLoader(MODES[0], memDataset(8, SHAPE, 3), { batchSize: 4, image: SHAPE });
    const unnamed = new Trainer({ model: 'linear', backend: 'cpu' });
    await expect(unnamed.fit(loader, { checkpointEvery: 5 })).rejects.toThrow(
      /`Trainer.fit` option `checkpointEvery` needs a checkpoint name to save under: create the Trainer with `checkpoint: name`/,
    );
    const named = new Trainer({ model: 'linear', backend: 'cpu', checkpoint: 'run' });
    await expect(named.fit(loader, { checkpointEvery: 0 })).rejects.toThrow(/option `checkpointEvery` must be an integer of at least 1 \(steps\); got 0/);
    await expect(named.fit(loader, { checkpointEvery: 2.5 })).rejects.toThrow(/got 2.5/);
    expect(named.loaderState).toBeNull();
    unnamed.dispose();
    named.dispose();
  });

  it('refuses to save before a batch has built the preset', async () => {
    const trainer = new Trainer({ model: 'mlp', backend: 'cpu' });
    await expect(trainer.save('early')).rejects.toThrow(/`Trainer.save`: there is no model yet: fit or evaluate once/);
    trainer.dispose();
  });

  it('validates its options in the constructor with what to do', () => {
    expect(() => new Trainer({ model: 'resnet' })).toThrow(/option `model` must be a LayersModel or one of 'linear', 'mlp', 'cnn', 'cnn-tiny'; got "resnet"/);
    expect(() => new Trainer({ model: 'mlp', learningRate: -1 })).toThrow(/`learningRate` must be a positive number; got -1/);
    expect(() => new Trainer({ model: 'mlp', lossEvery: 0 })).toThrow(/`lossEvery` must be an integer of at least 1; got 0/);
    expect(() => new Trainer({ model: 'mlp', optimizer: 'rmsprop' as never })).toThrow(/`optimizer` must be 'adam' or 'sgd'/);
    expect(() => new Trainer({ model: 'mlp', upload: 'pinned' as never })).toThrow(/`upload` must be 'auto', 'default' or 'direct'/);
    expect(() => new Trainer({ model: 'mlp', checkpoint: 'my run/1' })).toThrow(/checkpoint name must be 1 to 100 letters, digits, '_', '.' or '-'; got "my run\/1"/);
    expect(() => new Trainer({ model: {} as never })).toThrow(/option `model` must be a preset name or a tfjs LayersModel/);
  });
});

for (const mode of MODES) {
  describe(`Trainer.fit ${mode.name}`, () => {
    it('reads the loss back every lossEvery steps and at each epoch end, and the loss falls', async () => {
      const { loader } = openLoader(mode, memDataset(24, SHAPE, 3), { batchSize: 4, image: SHAPE });
      const trainer = new Trainer({ model: 'linear', backend: 'cpu', lossEvery: 4, learningRate: 0.05 });
      const steps: Array<{ step: number; epoch: number; batch: number; loss?: number; waitMs: number }> = [];
      const result = await trainer.fit(loader, {
        epochs: 8,
        onStep: (e) => steps.push({ step: e.step, epoch: e.epoch, batch: e.batch, loss: e.loss, waitMs: e.timing.waitMs }),
      });
      expect(result.status).toBe('completed');
      expect(result.epochs).toBe(8);
      expect(result.steps).toBe(48); // 6 batches x 8 epochs
      expect(result.samples).toBe(24 * 8);
      expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
      // Read at steps 4, 8, ... and at every batch 5 (the epoch's last).
      const read = steps.filter((s) => s.loss !== undefined).map((s) => s.step);
      expect(read).toEqual(steps.filter((s) => s.step % 4 === 0 || s.batch === 5).map((s) => s.step));
      expect(result.losses.map((l) => l.step)).toEqual(read);
      expect(result.epochLog.map((e) => e.steps)).toEqual(Array(8).fill(6));
      // It memorizes 24 samples: the last epoch's loss is well below the first's.
      expect(result.epochLog[7].loss).toBeLessThan(result.epochLog[0].loss * 0.8);
      expect(steps.every((s) => s.waitMs >= 0)).toBe(true);
      expect(trainer.history).toEqual({ epochs: 8, steps: 48 });
      trainer.dispose();
    });

    it('keeps the same number of tensors from step 10 to step 200', async () => {
      const { loader } = openLoader(mode, memDataset(16, SHAPE, 3), { batchSize: 4, image: SHAPE });
      const trainer = new Trainer({ model: 'mlp', backend: 'cpu', lossEvery: 7 });
      const counts = new Map<number, number>();
      const stop = new AbortController();
      const result = await trainer.fit(loader, {
        epochs: 60,
        signal: stop.signal,
        onStep: ({ step }) => {
          if (step === 10 || step === 200) counts.set(step, tf.memory().numTensors);
          if (step === 200) stop.abort();
        },
      });
      expect(result.steps).toBe(200);
      expect(counts.get(200)).toBe(counts.get(10));
      trainer.dispose();
    });

    it('stops mid-epoch on abort, releases its slot, keeps no tensors, and the loader runs the next epoch whole', async () => {
      const dataset = memDataset(40, SHAPE, 3);
      const { loader } = openLoader(mode, dataset, { batchSize: 4, image: SHAPE });
      const before = tf.memory().numTensors;
      const trainer = new Trainer({ model: 'mlp', backend: 'cpu' });
      const stop = new AbortController();
      let steady = -1;
      const result = await trainer.fit(loader, {
        epochs: 3,
        signal: stop.signal,
        onStep: ({ step }) => {
          steady = tf.memory().numTensors;
          if (step === 4) stop.abort();
        },
      });
      expect(result.status).toBe('aborted');
      expect(result.steps).toBe(4);
      expect(result.epochs).toBe(0);
      expect(tf.memory().numTensors).toBe(steady);
      expect(loader.stats().ring.held).toBe(0);
      let samples = 0;
      for await (const batch of loader) samples += batch.size;
      expect(samples).toBe(40);
      // A fit after the abort runs its epoch to the end.
      const again = await trainer.fit(loader, { epochs: 1 });
      expect(again).toMatchObject({ status: 'completed', steps: 10, epochs: 1 });
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('Trainer.fit stopping on errors', () => {
  for (const mode of MODES) {
    it(`rejects with the loader's SampleError mid-epoch and keeps no slot or tensor ${mode.name}`, async () => {
      // Batch 2 of 4-sample batches holds sample 9, which always fails.
      const { loader } = openLoader(mode, memDataset(24, SHAPE, 3), { batchSize: 4, image: SHAPE }, { fail: { 'mem://9': 'decode' } });
      const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
      let steady = -1;
      const steps: number[] = [];
      const fit = trainer.fit(loader, {
        epochs: 2,
        onStep: ({ step }) => {
          steps.push(step);
          steady = tf.memory().numTensors;
        },
      });
      await expect(fit).rejects.toThrow(/could not load sample 9 \(mem:\/\/9\) of batch 2, epoch 0: decode/);
      expect(steps).toEqual([1, 2]);
      expect(tf.memory().numTensors).toBe(steady);
      expect(loader.stats().ring.held).toBe(0);
      trainer.dispose();
    });
  }

  it('rejects with what onStep threw, after disposing the step', async () => {
    const { loader } = openLoader(MODES[0], memDataset(24, SHAPE, 3), { batchSize: 4, image: SHAPE });
    const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
    let steady = -1;
    const fit = trainer.fit(loader, {
      onStep: ({ step }) => {
        steady = tf.memory().numTensors;
        if (step === 3) throw new Error('listener broke');
      },
    });
    await expect(fit).rejects.toThrow('listener broke');
    expect(tf.memory().numTensors).toBe(steady);
    expect(loader.stats().ring.held).toBe(0);
    // The trainer is free again, and the loader runs whole epochs.
    await expect(trainer.fit(loader)).resolves.toMatchObject({ status: 'completed', steps: 6 });
    trainer.dispose();
  });

  it('refuses a second fit while one runs', async () => {
    const { loader } = openLoader(MODES[0], memDataset(8, SHAPE, 3), { batchSize: 4, image: SHAPE });
    const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
    const first = trainer.fit(loader);
    await expect(trainer.fit(loader)).rejects.toThrow(/`Trainer.fit`: the trainer is busy with another fit, evaluate or save; await it first/);
    await expect(first).resolves.toMatchObject({ status: 'completed', steps: 2 });
    trainer.dispose();
  });
});

describe('Trainer.evaluate', () => {
  it('runs after each epoch on the validation loader', async () => {
    const train = openLoader(MODES[0], memDataset(12, SHAPE, 3), { batchSize: 4, image: SHAPE }).loader;
    const test = openLoader(MODES[0], memDataset(9, SHAPE, 3), { batchSize: 4, image: SHAPE }).loader;
    const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
    const result = await trainer.fit(train, { epochs: 2, validation: test });
    expect(result.epochLog.map((e) => e.validation?.samples)).toEqual([9, 9]);
    expect(result.epochLog.every((e) => e.checkpoint === undefined)).toBe(true);
    trainer.dispose();
  });

  it('counts every sample once in the confusion matrix and scores accuracy from it', async () => {
    const { loader } = openLoader(MODES[0], memDataset(30, SHAPE, 3), { batchSize: 8, image: SHAPE });
    const trainer = new Trainer({ model: 'linear', backend: 'cpu' });
    const evaluation = await trainer.evaluate(loader);
    expect(evaluation.samples).toBe(30);
    expect(evaluation.confusion).toHaveLength(3);
    // Labels are i % 3: 10 samples of each class, whatever the predictions.
    expect(evaluation.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10]);
    const correct = evaluation.confusion.reduce((sum, row, t) => sum + row[t], 0);
    expect(evaluation.accuracy).toBeCloseTo(correct / 30, 12);
    expect(evaluation.loss).toBeGreaterThan(0);
    trainer.dispose();
  });
});
