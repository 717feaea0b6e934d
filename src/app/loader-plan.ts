/**
 * What the loader settings will make before a loader exists: the worker
 * lanes and the ring the views draw. 'auto' starts where the loader's tuner
 * starts (src/loader/autotune.ts: 2 workers, 2 batches in flight each) and
 * grows from there while it runs; the live stats then say where it is.
 */
import { ringSlotCount } from '../loader/index.ts';
import { autotuneRange } from '../loader/autotune.ts';
import type { PlaygroundValues } from './playground-values.ts';

/** Where numWorkers and prefetchFactor 'auto' start. */
export const AUTO_START = 2;

type LoaderSettings = Pick<PlaygroundValues, 'numWorkers' | 'prefetchFactor'>;

export const isAuto = (v: LoaderSettings): boolean => v.numWorkers === 'auto' || v.prefetchFactor === 'auto';

/** The workers a loader starts with (0: the main thread). */
export function startWorkers(v: LoaderSettings): number {
  return v.numWorkers === 'auto' ? AUTO_START : v.numWorkers;
}

/** The ring slots in use when a loader starts: max(2, workers x prefetchFactor). */
export function startSlots(v: LoaderSettings): number {
  return ringSlotCount(startWorkers(v), v.prefetchFactor === 'auto' ? AUTO_START : v.prefetchFactor);
}

/** The most workers numWorkers 'auto' may grow to on a device with `cores` logical cores (at most `limit`). */
export function autoWorkerCap(cores: number, limit: number): number {
  return autotuneRange('auto', 2, cores, limit)!.workers.max;
}

/**
 * The timeline's worker lanes: the running loader's workers when it has
 * any, else those the settings start with (-1 is the main thread's lane).
 */
export function laneIds(v: LoaderSettings, runningWorkers: ReadonlyArray<{ id: number }> | null | undefined): number[] {
  if (runningWorkers?.length) return runningWorkers.map((w) => w.id);
  const n = startWorkers(v);
  return n === 0 ? [-1] : Array.from({ length: n }, (_, i) => i);
}
