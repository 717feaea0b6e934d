/**
 * Which settings a running run takes up how: a loader setting reopens the
 * loader at the next batch boundary (the model kept), the dataset or the
 * consumer starts the run again, and the model's own settings wait for the
 * next Start. Pure, so the rules are plain to read and to test.
 */
import type { PlaygroundValues } from './playground-values.ts';

/** Settings a running run reopens its loader for; epochs too, since a fit is told its epochs. */
export const LIVE_LOADER_KEYS = [
  'batchSize',
  'numWorkers',
  'prefetchFactor',
  'shuffle',
  'seed',
  'inOrder',
  'cache',
  'onError',
  'timeoutMs',
  'augment',
  'latencyMs',
  'jitterMs',
  'epochs',
] as const satisfies ReadonlyArray<keyof PlaygroundValues>;

/** Settings that start a running run again: another dataset is another model's data. */
export const RESTART_KEYS = ['dataset', 'manifestUrl', 'consumer'] as const satisfies ReadonlyArray<keyof PlaygroundValues>;

/** The Trainer's own settings: fixed when it is created, so they apply at the next Start. */
export const NEXT_START_KEYS = ['model', 'backend', 'optimizer', 'learningRate'] as const satisfies ReadonlyArray<keyof PlaygroundValues>;

/** stepMs and extraComputeMs are read at every step: they need nothing. */

type Picked = Partial<Record<keyof PlaygroundValues, unknown>>;

export function pick(values: PlaygroundValues, keys: ReadonlyArray<keyof PlaygroundValues>): Picked {
  const out: Picked = {};
  for (const key of keys) out[key] = values[key];
  return out;
}

/** "numWorkers 2→4, shuffle true→false": what changed between two picks, for the timeline's tick. */
export function changeLabel(before: Picked, after: Picked): string {
  return Object.keys(after)
    .filter((key) => before[key as keyof PlaygroundValues] !== after[key as keyof PlaygroundValues])
    .map((key) => `${key} ${String(before[key as keyof PlaygroundValues])}→${String(after[key as keyof PlaygroundValues])}`)
    .join(', ');
}

/** What a loader-only saved position belongs to: a position resumes only the same dataset and batches. */
export function positionKey(values: Pick<PlaygroundValues, 'dataset' | 'batchSize' | 'shuffle' | 'seed' | 'augment'>): string {
  return JSON.stringify([values.dataset, values.batchSize, values.shuffle, values.seed, values.augment]);
}
