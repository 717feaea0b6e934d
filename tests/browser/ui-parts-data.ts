/**
 * Known data for the ui-parts page: a run's series with round values, run
 * records that differ in a few settings, and an evaluation's detail with a
 * known confusion matrix and misclassified samples drawn as plain patterns.
 */
import { DEFAULT_VALUES } from '../../src/app/playground-values.ts';
import type { EvalDetail, MetricPoint, RunRecord, RunSeries } from '../../src/app/run-record.ts';

const at = (step: number, value: number): MetricPoint => ({ step, time: step * 50, value });

/** 40 steps: loss from 2.3 down, train accuracy up to 0.8, slice test accuracy every 8 steps, two epoch ends. */
export function demoSeries(steps = 40): RunSeries {
  const range = Array.from({ length: steps }, (_, i) => i + 1);
  return {
    loss: range.map((s) => at(s, 0.3 + 2 * Math.exp(-s / 10))),
    trainAccuracy: range.map((s) => at(s, 0.8 * (1 - Math.exp(-s / 8)))),
    testAccuracy: range.filter((s) => s % 8 === 0).map((s) => at(s, 0.75 * (1 - Math.exp(-s / 10)))),
    epochAccuracy: [at(20, 0.625), at(40, 0.75)],
    samplesPerSecond: range.map((s) => at(s, 1200)),
    waitShare: range.map((s) => at(s, 0.05)),
  };
}

/** Run `n` (0, 1, ...): started an hour apart, more workers and a slower accuracy curve each. */
export function demoRecord(n: number): RunRecord {
  const startedAt = Date.UTC(2026, 11, 1, 9 + n, 0, 0);
  const series = demoSeries(40);
  series.testAccuracy = series.testAccuracy.map((p) => ({ ...p, value: p.value * (1 - 0.2 * n) }));
  series.epochAccuracy = series.epochAccuracy.map((p) => ({ ...p, value: p.value * (1 - 0.2 * n) }));
  return {
    id: `run-${startedAt}-demo${n}`,
    startedAt,
    endedAt: startedAt + 65_000,
    status: n % 2 ? 'stopped' : 'done',
    values: { ...DEFAULT_VALUES, dataset: n % 2 ? 'shapes' : 'mnist', numWorkers: 1 + n, prefetchFactor: 2 },
    backend: 'webgl',
    series,
    summary: {
      steps: 40,
      samples: 1280,
      samplesPerSecond: 1000 + 500 * n,
      waitShare: 0.25 - 0.1 * n,
      testAccuracy: series.epochAccuracy[1].value,
      durationMs: 65_000,
    },
  };
}

export const DEMO_CLASSES = ['circle', 'square', 'triangle'] as const;

/** A square of `size` px: a class's colour on a white ground, the shape as its pattern. */
function pattern(label: number, size = 12): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(size * size * 4);
  const colors = [[213, 94, 0], [0, 114, 178], [0, 158, 115]];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = label === 0 ? (x - 5.5) ** 2 + (y - 5.5) ** 2 < 20 : label === 1 ? x > 2 && x < 9 && y > 2 && y < 9 : y > 2 && Math.abs(x - 5.5) < (y - 2) / 1.6;
      const [r, g, b] = inside ? colors[label] : [255, 255, 255];
      rgba.set([r, g, b, 255], (y * size + x) * 4);
    }
  }
  return rgba;
}

export function demoDetail(): EvalDetail {
  return {
    confusion: [
      [5, 1, 0],
      [0, 4, 2],
      [1, 0, 6],
    ],
    misclassified: [
      { index: 3, label: 0, predicted: 1, width: 12, height: 12, rgba: pattern(0) },
      { index: 8, label: 1, predicted: 2, width: 12, height: 12, rgba: pattern(1) },
      { index: 11, label: 1, predicted: 2, width: 12, height: 12, rgba: pattern(1) },
      { index: 17, label: 2, predicted: 0, width: 12, height: 12, rgba: pattern(2) },
    ],
  };
}
