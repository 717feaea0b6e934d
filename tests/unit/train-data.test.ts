/**
 * The training panel's rules: which of the page's datasets it trains on,
 * epochs validated, and checkpoint names and labels.
 */
import { describe, expect, it } from 'vitest';
import { checkpointLabel, datasetOfCheckpoint, epochsProblem, nextRunName, trainFamily, untrainable } from '../../src/app/train-data.ts';

describe('training data', () => {
  it("trains on the page's dataset by family, shards and per-file sets alike, and says why a folder cannot", () => {
    expect(trainFamily('mnist')?.normalize).toEqual({ mean: 0.1307, std: 0.3081 });
    expect(trainFamily('mnist-files')?.id).toBe('mnist');
    expect(trainFamily('shapes-files')?.image).toEqual({ width: 32, height: 32 });
    expect(trainFamily('folder')).toBeNull();
    expect(untrainable('mnist')).toBeNull();
    expect(untrainable('broken')).toBe('the dataset "broken" has no test split to train against: pick mnist, shapes, fixtures in the loader controls');
  });

  it('accepts whole epochs from 1, and says what is wrong otherwise', () => {
    expect(epochsProblem(1)).toBeNull();
    expect(epochsProblem(10)).toBeNull();
    expect(epochsProblem(0)).toBe('epochs must be a whole number of at least 1; got 0');
    expect(epochsProblem(1.5)).toBe('epochs must be a whole number of at least 1; got 1.5');
    expect(epochsProblem(null)).toBe('epochs must be a whole number of at least 1; got null');
  });
});

describe('checkpoint names and labels', () => {
  it('names each new run after the last run of its dataset and model, never over an earlier one', () => {
    expect(nextRunName('mnist', 'mlp', [])).toBe('mnist-mlp-1');
    expect(nextRunName('mnist', 'mlp', ['mnist-mlp-1', 'mnist-mlp-3', 'mnist-cnn-7', 'mnist-files-mlp-9'])).toBe('mnist-mlp-4');
    expect(nextRunName('mnist-files', 'mlp', ['mnist-files-mlp-9', 'mnist-mlp-2'])).toBe('mnist-files-mlp-10');
    expect(nextRunName('fixtures', 'linear', ['fixtures-linear'])).toBe('fixtures-linear-1'); // an older unnumbered name
  });

  it('finds the dataset of a checkpoint by the longest id its name starts with', () => {
    const ids = ['fixtures', 'mnist', 'mnist-files', 'shapes'];
    expect(datasetOfCheckpoint('mnist-files-mlp-2', ids)).toBe('mnist-files');
    expect(datasetOfCheckpoint('mnist-mlp-2', ids)).toBe('mnist');
    expect(datasetOfCheckpoint('mine', ids)).toBeNull();
  });

  it('labels a mid-epoch save with its epoch and step, and an epoch-end save with the epoch done', () => {
    const base = { backend: 'webgl', weightBytes: 407_080 };
    const mid = { ...base, epochs: 0, steps: 40, loaderState: { epoch: 0, consumed: 40 } as never };
    expect(checkpointLabel(mid)).toBe('epoch 1, step 40 (40 batches in) · webgl · 398 KB');
    const resumedMid = { ...base, epochs: 1, steps: 270, loaderState: { epoch: 1, consumed: 20 } as never };
    expect(checkpointLabel(resumedMid)).toBe('epoch 2, step 270 (20 batches in) · webgl · 398 KB');
    const end = { ...base, epochs: 1, steps: 250, loaderState: { epoch: 1, consumed: 0 } as never };
    expect(checkpointLabel(end)).toBe('after epoch 1, step 250 · webgl · 398 KB');
    expect(checkpointLabel({ ...base, epochs: 0, steps: 0 })).toBe('step 0 · webgl · 398 KB');
  });
});
