/**
 * loaderAsTfDataset in Node, on tfjs's CPU backend (which keeps the very
 * array a tensor was made from), with and without worker threads: epochs
 * start at the first pull, and every element holds its own batch's values
 * after the ring moved on. Training through fitDataset is in the browser
 * (tests/browser/tf-dataset.spec.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loaderAsTfDataset, selectBackend } from '../../src/train/index.ts';
import { expectedUint8, labelOf, memDataset } from './support/fake-reader.ts';
import { MODES, openLoader, range } from './support/loader-harness.ts';

const SHAPE = { width: 4, height: 3, channels: 3 as const };

await selectBackend('cpu');

for (const mode of MODES) {
  describe(`loaderAsTfDataset ${mode.name}`, () => {
    it('runs one loader epoch per iterator, started by its first next(), not by iterator()', async () => {
      const { loader } = openLoader(mode, memDataset(8, SHAPE), { batchSize: 4, image: SHAPE });
      const dataset = loaderAsTfDataset(loader);
      expect(dataset.size).toBe(2);
      await dataset.iterator(); // fitDataset makes one of these and drops it
      const first = await dataset.iterator();
      expect(loader.epoch).toBe(0);
      const element = await first.next();
      expect(loader.epoch).toBe(1);
      tf.dispose(element.value);
      const counts: number[] = [];
      await dataset.forEachAsync((e) => {
        counts.push(e.xs.shape[0]);
        tf.dispose(e);
      });
      expect(loader.epoch).toBe(2); // the first epoch left open was stopped by the next one
      expect(counts).toEqual([4, 4]);
      expect(loader.stats().epochs.map((e) => e.end)).toEqual(['break', 'complete']);
      expect(loader.stats().ring.free).toBe(loader.slots);
    });

    it("gives every batch's own pixels (0..1) and one-hot labels, intact after the ring refilled their slots", async () => {
      const before = tf.memory().numTensors;
      const { loader } = openLoader(mode, memDataset(20, SHAPE), { batchSize: 2, image: SHAPE });
      const it = await loaderAsTfDataset(loader, { oneHot: true }).iterator();
      const kept: Array<{ xs: tf.Tensor; ys: tf.Tensor }> = [];
      for (let next = await it.next(); !next.done; next = await it.next()) kept.push(next.value);
      expect(kept).toHaveLength(10); // 10 batches through at most 4 slots
      for (const [k, element] of kept.entries()) {
        const indices = [2 * k, 2 * k + 1];
        const pixels = indices.flatMap((i) => [...expectedUint8(i, SHAPE.width, SHAPE.height, 3)].map((v) => Math.fround(v / 255)));
        expect([...element.xs.dataSync()]).toEqual(pixels);
        expect(element.xs.shape).toEqual([2, SHAPE.height, SHAPE.width, 3]);
        expect(element.ys.arraySync()).toEqual(indices.map((i) => range(3).map((c) => (c === labelOf(i) ? 1 : 0))));
      }
      tf.dispose(kept);
      expect(tf.memory().numTensors).toBe(before);
      expect(loader.stats().ring.free).toBe(loader.slots);
    });
  });
}
