/**
 * The lanes and ring the playground draws before a loader exists: fixed
 * settings as the loader sizes them, 'auto' where the loader's tuner starts.
 */
import { describe, expect, it } from 'vitest';
import { autotuneRange } from '../../src/loader/autotune.ts';
import { AUTO_START, autoWorkerCap, isAuto, laneIds, startSlots, startWorkers } from '../../src/app/loader-plan.ts';

describe('loader plan', () => {
  it('sizes fixed settings as the loader does: workers x prefetchFactor slots, at least 2', () => {
    expect(startWorkers({ numWorkers: 3, prefetchFactor: 4 })).toBe(3);
    expect(startSlots({ numWorkers: 3, prefetchFactor: 4 })).toBe(12);
    expect(startSlots({ numWorkers: 0, prefetchFactor: 2 })).toBe(2);
    expect(startSlots({ numWorkers: 1, prefetchFactor: 1 })).toBe(2);
    expect(isAuto({ numWorkers: 3, prefetchFactor: 4 })).toBe(false);
  });

  it("starts 'auto' where the loader's tuner starts, on any number of cores", () => {
    for (const cores of [1, 2, 8, 32]) {
      const range = autotuneRange('auto', 'auto', cores, 64)!;
      expect(range.workers.start).toBe(AUTO_START);
      expect(range.prefetch.start).toBe(AUTO_START);
    }
    expect(startWorkers({ numWorkers: 'auto', prefetchFactor: 3 })).toBe(2);
    expect(startSlots({ numWorkers: 'auto', prefetchFactor: 3 })).toBe(6);
    expect(startSlots({ numWorkers: 4, prefetchFactor: 'auto' })).toBe(8);
    expect(startSlots({ numWorkers: 'auto', prefetchFactor: 'auto' })).toBe(4);
    expect(isAuto({ numWorkers: 4, prefetchFactor: 'auto' })).toBe(true);
  });

  it("says how far 'auto' may grow: the cores, at least 4, within the page's limit", () => {
    expect(autoWorkerCap(2, 16)).toBe(4);
    expect(autoWorkerCap(12, 16)).toBe(12);
    expect(autoWorkerCap(32, 16)).toBe(16);
  });

  it("draws the running loader's worker lanes, else the ones the settings start with, or the main thread's", () => {
    expect(laneIds({ numWorkers: 3, prefetchFactor: 2 }, null)).toEqual([0, 1, 2]);
    expect(laneIds({ numWorkers: 'auto', prefetchFactor: 2 }, [])).toEqual([0, 1]);
    expect(laneIds({ numWorkers: 0, prefetchFactor: 2 }, undefined)).toEqual([-1]);
    expect(laneIds({ numWorkers: 'auto', prefetchFactor: 2 }, [{ id: 0 }, { id: 1 }, { id: 2 }])).toEqual([0, 1, 2]);
  });
});
