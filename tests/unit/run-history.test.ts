import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUES } from '../../src/app/playground-values.ts';
import { RUN_HISTORY_CAP, RunHistoryError, listRunRecords, newestFirst, overCap, saveRunRecord } from '../../src/app/run-history.ts';
import { differingSettings, formatDuration, formatShare } from '../../src/ui/run-format.ts';

const rec = (id: string, startedAt: number) => ({ id, startedAt });

describe('run history order and cap', () => {
  it('lists newest first, ties by id', () => {
    expect(newestFirst([rec('a', 10), rec('c', 30), rec('b', 20), rec('d', 30)]).map((r) => r.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('keeps 50 runs: past the cap, the oldest go', () => {
    expect(RUN_HISTORY_CAP).toBe(50);
    const records = Array.from({ length: 53 }, (_, i) => rec(`run-${i}`, 1000 + i)).reverse();
    expect(overCap(records).sort()).toEqual(['run-0', 'run-1', 'run-2']);
    expect(overCap(records.slice(0, 50))).toEqual([]);
  });

  it('drops the oldest by start time, not by insertion order', () => {
    const records = [rec('late', 300), rec('early', 100), rec('middle', 200)];
    expect(overCap(records, 2)).toEqual(['early']);
  });
});

describe('run history without IndexedDB', () => {
  it('rejects with a RunHistoryError saying it is unavailable, for the UI to show', async () => {
    expect(typeof indexedDB).toBe('undefined'); // Node has none
    const error = await listRunRecords().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunHistoryError);
    expect(error).toMatchObject({ reason: 'unavailable', operation: 'open', name: 'RunHistoryError' });
    expect((error as Error).message).toBe(
      'Run history is unavailable: this browser gives the page no IndexedDB (private mode or blocked storage) (Error: indexedDB is not defined)',
    );
    await expect(saveRunRecord({} as never)).rejects.toMatchObject({ reason: 'unavailable' });
  });
});

describe('run-format', () => {
  it('names the settings two runs differ in, in the settings order', () => {
    const a = { ...DEFAULT_VALUES };
    const b = { ...DEFAULT_VALUES, numWorkers: 4, dataset: 'shapes', shuffle: false };
    expect(differingSettings(a, b)).toEqual([
      { key: 'dataset', a: 'mnist', b: 'shapes' },
      { key: 'numWorkers', a: 'auto', b: '4' },
      { key: 'shuffle', a: 'true', b: 'false' },
    ]);
    expect(differingSettings(a, { ...a })).toEqual([]);
  });

  it('writes shares, absent values and durations', () => {
    expect(formatShare(0.2468)).toBe('24.7%');
    expect(formatShare(null)).toBe('–');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
  });
});
