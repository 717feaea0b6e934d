/**
 * `loaderAsTfDataset` in Chromium: a tfjs model trains with `fitDataset`
 * straight from the loader's ring, over the bundled fixtures (50 images of
 * 12x10 whose pixels follow a formula).
 *
 * On tfjs's CPU backend: it keeps the very TypedArray a tensor was made from
 * (no upload, no copy), so a slot handed back while a tensor still used its
 * bytes would show up as wrong pixels once a worker refilled it; WebGL and
 * WebGPU copy at their first upload and could hide that. It is also
 * deterministic, and fast enough for a small dense model on 12x10 images.
 */
import { expect, test, type Page } from '@playwright/test';
import { FIXTURE, fixtureLabel, fixtureRgb } from '../fixtures/pattern.ts';

async function open(page: Page): Promise<void> {
  await page.goto('/tests/browser/train-harness.html');
  await expect(page).toHaveTitle(/ready/);
  await page.evaluate(() => window.train.train.selectBackend('cpu'));
}

test.afterEach(async ({ page }) => {
  expect(await page.evaluate(() => window.train.problems)).toEqual([]);
});

test('a model trains through fitDataset from the loader: the loss falls, one loader epoch per epoch, every slot and tensor given back', async ({
  page,
}) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const { tf, loader, train } = window.train;
    const baseline = tf.memory().numTensors;
    const dataset = await loader.ImageDataset.fromManifest('/datasets/fixtures/manifest.json', 'train');
    const data = new loader.DataLoader(dataset, { batchSize: 10, shuffle: true, seed: 3, numWorkers: 2 });
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [10, 12, 3] }), tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: 'zeros' })],
    });
    const optimizer = tf.train.adam(0.05);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const atEpochEnd: number[] = [];
    const history = await model.fitDataset(train.loaderAsTfDataset(data, { oneHot: true }), {
      epochs: 6,
      verbose: 0,
      callbacks: { onEpochEnd: () => void atEpochEnd.push(tf.memory().numTensors) },
    });
    const stats = data.stats();
    data.close();
    model.dispose();
    optimizer.dispose(); // a model does not own an optimizer it was given
    return {
      losses: history.history.loss as number[],
      atEpochEnd,
      baseline,
      after: tf.memory().numTensors,
      loaderEpoch: data.epoch,
      epochs: stats.epochs.map((e) => ({ end: e.end, delivered: e.delivered })),
      ring: { slots: stats.ring.slots, free: stats.ring.free },
    };
  });
  // It memorizes 50 samples: the loss falls steadily.
  expect(r.losses).toHaveLength(6);
  expect(r.losses[5]).toBeLessThan(r.losses[0] * 0.7);
  // fitDataset's unused first iterator() started nothing: 6 epochs are loader epochs 0..5, each whole.
  expect(r.loaderEpoch).toBe(6);
  expect(r.epochs).toEqual(Array(6).fill({ end: 'complete', delivered: 50 }));
  expect(r.ring).toEqual({ slots: 4, free: 4 });
  // No tensor left per step (the count is flat from epoch to epoch) nor after the model is gone.
  expect(new Set(r.atEpochEnd).size).toBe(1);
  expect(r.after).toBe(r.baseline);
});

test('one-hot labels and 0..1 pixels of a known batch, still intact after its slot was refilled; float32 and int32 labels too', async ({
  page,
}) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const { tf, loader, train } = window.train;
    const dataset = await loader.ImageDataset.fromManifest('/datasets/fixtures/manifest.json', 'train');
    /** The first element of an epoch, read after the rest of the epoch went through (and refilled its slot). */
    const firstAfterEpoch = async (data: import('../../src/loader/index.ts').DataLoader, options: Parameters<typeof train.loaderAsTfDataset>[1]) => {
      const it = await train.loaderAsTfDataset(data, options).iterator();
      const first = (await it.next()).value as { xs: import('@tensorflow/tfjs').Tensor; ys: import('@tensorflow/tfjs').Tensor };
      let rest = 0;
      for (let next = await it.next(); !next.done; next = await it.next()) {
        tf.dispose(next.value);
        rest++;
      }
      const out = { xs: [...(await first.xs.data())], xsShape: first.xs.shape, ys: [...(await first.ys.data())], ysShape: first.ys.shape };
      out.ys = out.ys.map(Number);
      tf.dispose(first);
      return { ...out, ysDtype: first.ys.dtype, rest, free: data.stats().ring.free, slots: data.slots };
    };
    const bytes = new loader.DataLoader(dataset, { batchSize: 10, numWorkers: 2 });
    const floats = new loader.DataLoader(dataset, { batchSize: 10, numWorkers: 2, dtype: 'float32', normalize: { mean: 0.5, std: 0.25 } });
    const before = tf.memory().numTensors;
    const oneHot = await firstAfterEpoch(bytes, { oneHot: true });
    const indices = await firstAfterEpoch(floats, {});
    const after = tf.memory().numTensors;
    bytes.close();
    floats.close();
    return { oneHot, indices, before, after };
  });
  const first10 = Array.from({ length: 10 }, (_, i) => i);
  const expectedBytes = first10.flatMap((i) => [...fixtureRgb(i)]);
  const maxDiff = (got: number[], want: number[]) => Math.max(...got.map((v, k) => Math.abs(v - want[k])));

  expect(r.oneHot.xsShape).toEqual([10, FIXTURE.height, FIXTURE.width, 3]);
  expect(maxDiff(r.oneHot.xs, expectedBytes.map((v) => v / 255))).toBeLessThan(1e-6);
  expect(r.oneHot.ysShape).toEqual([10, 4]);
  expect(r.oneHot.ysDtype).toBe('float32');
  expect(r.oneHot.ys).toEqual(first10.flatMap((i) => [0, 1, 2, 3].map((c) => (c === fixtureLabel(i) ? 1 : 0))));
  expect(r.oneHot.rest).toBe(4); // 5 batches through 4 slots: the first one's slot was refilled
  expect(r.oneHot.free).toBe(r.oneHot.slots);

  expect(maxDiff(r.indices.xs, expectedBytes.map((v) => (v / 255 - 0.5) / 0.25))).toBeLessThan(1e-5);
  expect(r.indices.ysShape).toEqual([10]);
  expect(r.indices.ysDtype).toBe('int32');
  expect(r.indices.ys).toEqual(first10.map(fixtureLabel));
  expect(r.indices.free).toBe(r.indices.slots);
  expect(r.after).toBe(r.before);
});

test('refuses one-hot labels without a positive class count, saying what it got', async ({ page }) => {
  await open(page);
  await expect(
    page.evaluate(async () => {
      const { loader, train } = window.train;
      const data = new loader.DataLoader(await loader.ImageDataset.fromManifest('/datasets/fixtures/manifest.json'), { batchSize: 10 });
      try {
        train.loaderAsTfDataset(data, { oneHot: true, numClasses: 0 });
      } finally {
        data.close();
      }
    }),
  ).rejects.toThrow(/OptionError: `loaderAsTfDataset` option `numClasses` must be a positive integer for `oneHot`: got 0/);
});
