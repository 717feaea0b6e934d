/**
 * What the playground records of a run: its metric series (drawn live as
 * curves, Curves.svelte) and, once it ends, the record run history keeps in
 * IndexedDB (run-history.ts) for comparing runs side by side.
 *
 * `time` is ms since the run started; `step` counts training steps (or
 * consumed batches in loader-only mode) from the run's start.
 */
import type { PlaygroundValues } from './playground-values.ts';

export interface MetricPoint {
  step: number;
  time: number;
  value: number;
}

export interface RunSeries {
  /** Train loss at the steps that read it back. */
  loss: MetricPoint[];
  /** Running train accuracy (0..1) at the same steps. */
  trainAccuracy: MetricPoint[];
  /** Test accuracy (0..1) on the held-out slice, every few seconds. */
  testAccuracy: MetricPoint[];
  /** Test accuracy (0..1) on the whole test split at each epoch end. */
  epochAccuracy: MetricPoint[];
  /** Samples per second, about once a second. */
  samplesPerSecond: MetricPoint[];
  /** Share (0..1) of step time spent waiting for data, over about the last second. */
  waitShare: MetricPoint[];
}

export function emptySeries(): RunSeries {
  return { loss: [], trainAccuracy: [], testAccuracy: [], epochAccuracy: [], samplesPerSecond: [], waitShare: [] };
}

export interface RunSummary {
  steps: number;
  samples: number;
  /** Whole-run averages. */
  samplesPerSecond: number;
  waitShare: number;
  /** The last epoch-end test accuracy, else the last slice's, else null. */
  testAccuracy: number | null;
  durationMs: number;
}

export interface RunRecord {
  /** Unique per run (e.g. `run-<startedAt>-<random>`). */
  id: string;
  startedAt: number;
  endedAt: number;
  status: 'done' | 'stopped' | 'error';
  values: PlaygroundValues;
  /** The backend that ran ('webgl', ...), null in loader-only mode. */
  backend: string | null;
  series: RunSeries;
  summary: RunSummary;
}

/** A test-split evaluation's detail, for the confusion matrix and the misclassified strip. */
export interface EvalDetail {
  /** confusion[label][predicted] = count. */
  confusion: number[][];
  /** Up to a dozen misclassified test samples, with their pixels as RGBA for a canvas. */
  misclassified: Array<{ index: number; label: number; predicted: number; width: number; height: number; rgba: Uint8ClampedArray }>;
}
