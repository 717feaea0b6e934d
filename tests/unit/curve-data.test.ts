import { describe, expect, it } from 'vitest';
import { emptySeries, type MetricPoint, type RunSeries } from '../../src/app/run-record.ts';
import { alignSteps, compareData, curvesData, latestSummary, seriesSignature } from '../../src/ui/curve-data.ts';

const pts = (...pairs: Array<[number, number]>): MetricPoint[] => pairs.map(([step, value]) => ({ step, time: step * 10, value }));

function series(): RunSeries {
  return {
    ...emptySeries(),
    loss: pts([1, 2.3], [2, 1.9], [3, 1.5], [4, 1.2]),
    trainAccuracy: pts([1, 0.1], [2, 0.25], [3, 0.4], [4, 0.5]),
    testAccuracy: pts([2, 0.3], [4, 0.5625]),
    epochAccuracy: pts([4, 0.6]),
  };
}

describe('alignSteps', () => {
  it('lays lists read at different steps on the union of their steps, null where a list has no point', () => {
    const data = alignSteps([{ points: pts([1, 5], [3, 7]) }, { points: pts([2, 0.5], [3, 0.25]), scale: 100 }]);
    expect(data).toEqual([
      [1, 2, 3],
      [5, null, 7],
      [null, 50, 25],
    ]);
  });

  it('sorts steps ascending and keeps the last value of a step read twice', () => {
    expect(alignSteps([{ points: pts([5, 1], [2, 2], [5, 3]) }])).toEqual([[2, 5], [2, 3]]);
  });

  it('turns a non-finite value into a gap rather than a point', () => {
    expect(alignSteps([{ points: pts([1, NaN], [2, Infinity], [3, 4]) }])).toEqual([[1, 2, 3], [null, null, 4]]);
  });

  it('gives one empty x array and empty series for empty lists', () => {
    expect(alignSteps([{ points: [] }, { points: [] }])).toEqual([[], [], []]);
  });
});

describe('curvesData and compareData', () => {
  it('orders a run as loss, then train, slice test and epoch-end test accuracy in percent', () => {
    expect(curvesData(series())).toEqual([
      [1, 2, 3, 4],
      [2.3, 1.9, 1.5, 1.2],
      [10, 25, 40, 50],
      [null, 30, null, 56.25],
      [null, null, null, 60],
    ]);
  });

  it('overlays two runs: A and B slice test accuracy, then their epoch-end accuracy', () => {
    const b = { ...emptySeries(), testAccuracy: pts([3, 0.2]), epochAccuracy: pts([6, 0.7]) };
    expect(compareData(series(), b)).toEqual([
      [2, 3, 4, 6],
      [30, null, 56.25, null],
      [null, 20, null, null],
      [null, null, 60, null],
      [null, null, null, 70],
    ]);
  });
});

describe('seriesSignature', () => {
  it('changes when a point is pushed in place and stays put when nothing is new', () => {
    const s = series();
    const before = seriesSignature(s);
    expect(seriesSignature(s)).toBe(before);
    s.loss.push({ step: 5, time: 50, value: 1.1 });
    expect(seriesSignature(s)).not.toBe(before);
  });

  it('changes when the last point is replaced with another value', () => {
    const s = series();
    const before = seriesSignature(s);
    s.testAccuracy[s.testAccuracy.length - 1] = { step: 4, time: 40, value: 0.56 };
    expect(seriesSignature(s)).not.toBe(before);
  });
});

describe('latestSummary', () => {
  it('says the latest step and values in words', () => {
    expect(latestSummary(series())).toBe(
      'Step 4: loss 1.20, train accuracy 50.0%, test accuracy 56.3% (held-out slice, step 4), epoch-end test accuracy 60.0% (1 epoch).',
    );
  });

  it('says there is nothing yet for an empty series', () => {
    expect(latestSummary(emptySeries())).toBe('No training steps yet.');
  });
});
