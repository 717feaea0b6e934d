/**
 * Step timing on tfjs's CPU backend in Node: wait + upload + compute + sync
 * partition the wall-clock time between step boundaries, so over N steps they
 * add up to the measured time, whatever the loop spends it on (a slow
 * loader, a slow onStep listener, a checkpoint-free readback every step).
 */
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/train/index.ts';
import { memDataset } from './support/fake-reader.ts';
import { MODES, openLoader } from './support/loader-harness.ts';

const SHAPE = { width: 8, height: 6, channels: 3 as const };

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('step timing', () => {
  for (const mode of MODES) {
    it(`wait + upload + compute + sync add up to the wall-clock time of the steps (2%) ${mode.name}`, async () => {
      // Samples take up to 6 ms to read: some steps wait for data.
      const { loader } = openLoader(mode, memDataset(48, SHAPE, 3), { batchSize: 4, image: SHAPE }, { maxDelayMs: 6, seed: 3 });
      const trainer = new Trainer({ model: 'mlp', backend: 'cpu', lossEvery: 3 });
      const at: number[] = [];
      const parts: number[] = [];
      const syncs: number[] = [];
      await trainer.fit(loader, {
        epochs: 1,
        onStep: ({ timing }) => {
          at.push(performance.now());
          parts.push(timing.waitMs + timing.uploadMs + timing.computeMs + timing.syncMs);
          syncs.push(timing.syncMs);
          busy(4); // a listener that takes time: it is part of the next step's interval
        },
      });
      expect(at).toHaveLength(12);
      // Steps 2..12 span from step 1's boundary to step 12's.
      const wall = at[11] - at[0];
      const summed = parts.slice(1).reduce((a, b) => a + b, 0);
      console.log(`step timing ${mode.name}: wall ${wall.toFixed(1)} ms, parts ${summed.toFixed(1)} ms over 11 steps`);
      expect(wall).toBeGreaterThan(11 * 4);
      expect(Math.abs(summed - wall) / wall).toBeLessThan(0.02);
      // The listener's 4 ms lands in the next step's sync, never in its data stall.
      expect(Math.min(...syncs.slice(1))).toBeGreaterThanOrEqual(4);
      trainer.dispose();
    });
  }
});
