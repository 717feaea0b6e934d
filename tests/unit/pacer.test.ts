/**
 * The CPU backend computes on the main thread: a long step runs in slices
 * that let the page in between, with the same update as one whole step.
 */
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/train/index.ts';
import { Pacer } from '../../src/train/pacer.ts';
import { memDataset } from './support/fake-reader.ts';
import { MODES, openLoader } from './support/loader-harness.ts';

const SHAPE = { width: 6, height: 5, channels: 3 as const };

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('Pacer', () => {
  it('slices a slow batch so each slice takes about maxBlockMs, and a timer runs between slices', async () => {
    const pacer = new Pacer(true, 10);
    const counts: number[] = [];
    let timerRanAfterSlice = -1;
    setTimeout(() => (timerRanAfterSlice = counts.length), 0);
    await pacer.slices(20, (start, count) => {
      expect(start).toBe(counts.reduce((a, b) => a + b, 0));
      counts.push(count);
      busy(2 * count); // 2 ms a sample
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(counts[0]).toBe(1); // unmeasured: one sample first
    // About 10 ms / 2 ms = 5 samples a slice once measured (a slow machine measures more, so fewer).
    expect(Math.max(...counts.slice(1))).toBeLessThanOrEqual(5);
    expect(counts.length).toBeGreaterThanOrEqual(5);
    expect(timerRanAfterSlice).toBe(1); // the page's timer ran right after the first slice, not at the end
  });

  it('grows a slice to at most twice the largest one that kept within maxBlockMs, whatever one sample measured', async () => {
    const pacer = new Pacer(true, 40);
    const counts: number[] = [];
    // A fixed 4 ms a slice and 0.1 ms a sample: one sample measures 4.1 ms,
    // which alone would size the next slice at 9 samples, then 90 once 9 cost 4.9 ms.
    await pacer.slices(64, (_, count) => {
      counts.push(count);
      busy(4 + 0.1 * count);
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(64);
    expect(counts.slice(0, 4)).toEqual([1, 2, 4, 8]);
    counts.slice(1).forEach((count, i) => expect(count).toBeLessThanOrEqual(2 * Math.max(...counts.slice(0, i + 1))));
  });

  it('keeps one sample a slice while one sample takes longer than maxBlockMs (a cold start)', async () => {
    const pacer = new Pacer(true, 5);
    const counts: number[] = [];
    await pacer.slices(4, (_, count) => {
      counts.push(count);
      busy(counts.length === 1 ? 20 : 1 * count);
    });
    // 20 ms for the first sample: not safe, so the next slice is one sample again (1 ms), then two.
    expect(counts).toEqual([1, 1, 2]);
  });

  it('runs the batch whole, without yielding, when inactive (GPU backends)', async () => {
    const pacer = new Pacer(false, 10);
    const counts: number[] = [];
    await pacer.slices(20, (_, count) => void counts.push(count));
    expect(counts).toEqual([20]);
  });
});

describe('Trainer on the CPU backend', () => {
  it('gives the same losses and weights with steps sliced per sample as with whole steps', async () => {
    const run = async (maxBlockMs: number) => {
      const { loader } = openLoader(MODES[0], memDataset(24, SHAPE, 3), { batchSize: 6, image: SHAPE });
      const trainer = new Trainer({ model: 'mlp', backend: 'cpu', optimizer: 'sgd', learningRate: 0.05, lossEvery: 1, maxBlockMs });
      const result = await trainer.fit(loader, { epochs: 2 });
      const weights = trainer.model!.getWeights().map((w) => Array.from(w.dataSync()));
      trainer.dispose();
      return { losses: result.losses.map((l) => l.loss), weights };
    };
    const whole = await run(Infinity);
    const sliced = await run(1e-9); // every slice is one sample: 6 slices a step
    expect(sliced.losses).toHaveLength(8);
    sliced.losses.forEach((loss, i) => expect(loss).toBeCloseTo(whole.losses[i], 5));
    sliced.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(whole.weights[i][j], 5)));
  });

  it('refuses a maxBlockMs that is not a positive number', () => {
    expect(() => new Trainer({ model: 'mlp', maxBlockMs: 0 })).toThrow(/`maxBlockMs` must be a positive number of milliseconds/);
  });
});
