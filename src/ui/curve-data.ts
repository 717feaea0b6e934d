/**
 * A run's metric series as uPlot data, and as text.
 *
 * uPlot draws aligned data: one x array (here the step) and, per series, one
 * y value per x, null where that series has no point. The series of a run are
 * read at different steps (loss every few steps, the slice's test accuracy
 * every few seconds, the epoch-end accuracy once an epoch), so they are laid
 * on the union of their steps. Accuracies go from 0..1 to percent for the
 * right axis.
 */
import type { AlignedData } from 'uplot';
import type { MetricPoint, RunSeries } from '../app/run-record.ts';

export interface ScaledPoints {
  points: readonly MetricPoint[];
  /** Multiplies each value (100 for a share shown in percent). */
  scale?: number;
}

/** The lists on the union of their steps, ascending; a step read twice in a list keeps its last value. */
export function alignSteps(lists: readonly ScaledPoints[]): AlignedData {
  const steps = new Set<number>();
  const byStep = lists.map(({ points, scale = 1 }) => {
    const map = new Map<number, number>();
    for (const p of points) {
      if (!Number.isFinite(p.step)) continue;
      steps.add(p.step);
      map.set(p.step, Number.isFinite(p.value) ? p.value * scale : NaN);
    }
    return map;
  });
  const xs = [...steps].sort((a, b) => a - b);
  const ys = byStep.map((map) => xs.map((x) => {
    const v = map.get(x);
    return v === undefined || Number.isNaN(v) ? null : v;
  }));
  return [xs, ...ys];
}

/** Curves.svelte's series, in its order: loss, train accuracy %, slice test accuracy %, epoch-end test accuracy %. */
export function curvesData(series: RunSeries): AlignedData {
  return alignSteps([
    { points: series.loss },
    { points: series.trainAccuracy, scale: 100 },
    { points: series.testAccuracy, scale: 100 },
    { points: series.epochAccuracy, scale: 100 },
  ]);
}

/** RunCompare's overlay: run A's and B's slice test accuracy %, then their epoch-end test accuracy %. */
export function compareData(a: RunSeries, b: RunSeries): AlignedData {
  return alignSteps([
    { points: a.testAccuracy, scale: 100 },
    { points: b.testAccuracy, scale: 100 },
    { points: a.epochAccuracy, scale: 100 },
    { points: b.epochAccuracy, scale: 100 },
  ]);
}

/**
 * Changes whenever a point is added to (or the last one replaced in) any
 * list: what a live chart compares to skip a redraw when nothing is new.
 */
export function seriesSignature(...all: RunSeries[]): string {
  return all
    .map((s) => [s.loss, s.trainAccuracy, s.testAccuracy, s.epochAccuracy].map((l) => {
      const last = l[l.length - 1];
      return last ? `${l.length}:${last.step}:${last.value}` : '0';
    }).join(','))
    .join('|');
}

const last = (points: readonly MetricPoint[]) => points[points.length - 1];
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** One sentence with the latest values, for screen readers and the chart's caption. */
export function latestSummary(series: RunSeries): string {
  const loss = last(series.loss);
  const train = last(series.trainAccuracy);
  const test = last(series.testAccuracy);
  const epoch = last(series.epochAccuracy);
  if (!loss && !train && !test && !epoch) return 'No training steps yet.';
  const step = Math.max(...[loss, train, test, epoch].map((p) => p?.step ?? 0));
  const parts = [
    loss && `loss ${loss.value.toPrecision(3)}`,
    train && `train accuracy ${pct(train.value)}`,
    test && `test accuracy ${pct(test.value)} (held-out slice, step ${test.step})`,
    epoch && `epoch-end test accuracy ${pct(epoch.value)} (${series.epochAccuracy.length} epoch${series.epochAccuracy.length === 1 ? '' : 's'})`,
  ].filter(Boolean);
  return `Step ${step}: ${parts.join(', ')}.`;
}
