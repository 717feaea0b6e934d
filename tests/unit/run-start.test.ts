/**
 * Where a resumed run's data starts and what the page says about it, and
 * which evaluations carry a confusion matrix for the page to draw.
 */
import { describe, expect, it } from 'vitest';
import { evalDetailOf, startingPoint } from '../../src/app/run-start.ts';
import type { LoaderState } from '../../src/loader/index.ts';

const at = (epoch: number, consumed: number) => ({ epoch, consumed }) as LoaderState;

describe('startingPoint', () => {
  it('a fresh run keeps its epochs and says nothing', () => {
    expect(startingPoint(null, 3, true)).toEqual({ epochs: 3, note: null });
  });

  it('a resumed position or checkpoint continues at the batch after the last one consumed', () => {
    expect(startingPoint(at(1, 2), 3, true)).toEqual({ epochs: 3, note: 'continued at epoch 2, batch 3' });
    expect(startingPoint(at(0, 40), 3, false)).toEqual({ epochs: 3, note: 'continued at epoch 1, batch 41' });
  });

  it('a checkpoint that had finished its epochs trains that many more', () => {
    expect(startingPoint(at(3, 0), 3, true)).toEqual({ epochs: 6, note: 'the checkpoint had finished its epochs: training on to epoch 6' });
  });
});

describe('evalDetailOf', () => {
  it('keeps an epoch end\'s confusion matrix and misclassified samples; a slice without them gives null', () => {
    const confusion = [
      [3, 1],
      [0, 4],
    ];
    expect(evalDetailOf({ accuracy: 0.875, confusion })).toEqual({ confusion, misclassified: [] });
    const misclassified = [{ index: 5, label: 0, predicted: 1, width: 1, height: 1, rgba: new Uint8ClampedArray(4) }];
    expect(evalDetailOf({ accuracy: 0.875, confusion, misclassified })).toEqual({ confusion, misclassified });
    expect(evalDetailOf({ accuracy: 0.5 })).toBeNull();
  });
});
