/**
 * The playground's settings as reactive state: one field per
 * PlaygroundValues key (playground-values.ts), one set for the loader and the
 * training run. What a change does while a run goes on is the session's
 * business (session-keys.ts says which changes need what).
 */
import type { DataLoaderOptions } from '../loader/index.ts';
import { AUGMENT_RECIPES } from './augment-recipes.ts';
import { DEFAULT_VALUES, type PlaygroundValues } from './playground-values.ts';

export class PlaygroundSettings implements PlaygroundValues {
  dataset = $state(DEFAULT_VALUES.dataset);
  manifestUrl = $state(DEFAULT_VALUES.manifestUrl);
  consumer = $state(DEFAULT_VALUES.consumer);
  model = $state(DEFAULT_VALUES.model);
  backend = $state(DEFAULT_VALUES.backend);
  optimizer = $state(DEFAULT_VALUES.optimizer);
  learningRate = $state(DEFAULT_VALUES.learningRate);
  /** How many epochs a run goes through, counted from 1. */
  epochs = $state(DEFAULT_VALUES.epochs);
  batchSize = $state(DEFAULT_VALUES.batchSize);
  numWorkers = $state(DEFAULT_VALUES.numWorkers);
  prefetchFactor = $state(DEFAULT_VALUES.prefetchFactor);
  shuffle = $state(DEFAULT_VALUES.shuffle);
  seed = $state(DEFAULT_VALUES.seed);
  inOrder = $state(DEFAULT_VALUES.inOrder);
  cache = $state(DEFAULT_VALUES.cache);
  onError = $state(DEFAULT_VALUES.onError);
  timeoutMs = $state(DEFAULT_VALUES.timeoutMs);
  augment = $state(DEFAULT_VALUES.augment);
  latencyMs = $state(DEFAULT_VALUES.latencyMs);
  jitterMs = $state(DEFAULT_VALUES.jitterMs);
  extraComputeMs = $state(DEFAULT_VALUES.extraComputeMs);
  stepMs = $state(DEFAULT_VALUES.stepMs);

  constructor(values: Partial<PlaygroundValues> = {}) {
    this.set(values); // the page passes what its URL says (url-state.ts)
  }

  /** Sets every field given (a preset, the URL, run history's "run again"). */
  set(values: Partial<PlaygroundValues>): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(values)) if (key in DEFAULT_VALUES && value !== undefined) self[key] = value;
  }

  /** A plain copy (no proxies): what a run record keeps. */
  values(): PlaygroundValues {
    const out = {} as Record<string, unknown>;
    for (const key of Object.keys(DEFAULT_VALUES)) out[key] = (this as unknown as Record<string, unknown>)[key];
    return out as unknown as PlaygroundValues;
  }

  /** The options handed to `new DataLoader` (plain values, no proxies). */
  loaderOptions(): DataLoaderOptions {
    const augment = AUGMENT_RECIPES[this.augment] ?? [];
    return {
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      seed: this.seed,
      numWorkers: this.numWorkers,
      prefetchFactor: this.prefetchFactor,
      inOrder: this.inOrder,
      // The cache keeps pixels, and augmented pixels change every epoch: the loader refuses both at once.
      cache: this.cache && augment.length === 0 ? 'indexeddb' : 'none',
      onError: this.onError === 'retry' ? { retry: 2, then: 'skip' } : this.onError,
      timeoutMs: this.timeoutMs,
      ...(augment.length ? { augment: augment.map((a) => ({ ...a })) } : {}),
    };
  }
}

/** The old name: the folder source and a few panels only read dataset and loader fields. */
export type LoaderSettings = PlaygroundSettings;
