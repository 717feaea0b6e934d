import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUES } from '../../src/app/playground-values.ts';
import { changeLabel, LIVE_LOADER_KEYS, pick, positionKey } from '../../src/app/session-keys.ts';
import { RunRecorder } from '../../src/app/run-recorder.ts';

describe('session keys', () => {
  it('labels exactly the loader settings that changed, old value to new, for the timeline tick', () => {
    const before = pick({ ...DEFAULT_VALUES }, LIVE_LOADER_KEYS);
    const after = pick({ ...DEFAULT_VALUES, numWorkers: 4, shuffle: false, learningRate: 0.5 }, LIVE_LOADER_KEYS);
    expect(changeLabel(before, after)).toBe('numWorkers auto→4, shuffle true→false');
    expect(changeLabel(before, before)).toBe('');
  });

  it('keeps a loader-only position across worker changes but not across a batch size change', () => {
    const base = positionKey(DEFAULT_VALUES);
    expect(positionKey({ ...DEFAULT_VALUES, numWorkers: 4 } as typeof DEFAULT_VALUES)).toBe(base);
    expect(positionKey({ ...DEFAULT_VALUES, batchSize: 16 })).not.toBe(base);
  });
});

describe('RunRecorder', () => {
  it('records loss and train accuracy where read back, and sums the wait share over the run', () => {
    const recorder = new RunRecorder({ ...DEFAULT_VALUES });
    recorder.step(32, 10, 40);
    recorder.step(32, 0, 40, 0.5, 0.75);
    expect(recorder.series.loss).toEqual([{ step: 2, time: expect.any(Number), value: 0.5 }]);
    expect(recorder.series.trainAccuracy.map((p) => p.value)).toEqual([0.75]);
    recorder.accuracy('epochAccuracy', 0.9);
    const record = recorder.record('done', 'webgl');
    expect(record.summary).toMatchObject({ steps: 2, samples: 64, waitShare: 10 / 80, testAccuracy: 0.9 });
    expect(record.status).toBe('done');
    expect(record.values.numWorkers).toBe('auto');
    expect(record.id).toMatch(/^run-\d+-[a-z0-9]+$/);
  });
});
