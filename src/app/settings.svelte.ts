/**
 * What the controls edit. Loader options restart a running loader when they
 * change (see `restartKey`); `epochs` and `delayMs` apply to a run as it goes.
 */
import type { DataLoaderOptions } from '../loader/index.ts';
import { DATASETS } from './datasets.ts';

export const MAX_WORKERS = 4;

/** `?dataset=<id>` picks the dataset the page opens on; else real MNIST digits. */
function initialDataset(): string {
  const wanted = new URLSearchParams(globalThis.location?.search ?? '').get('dataset');
  return DATASETS.some((d) => d.id === wanted) ? wanted! : 'mnist';
}

export class LoaderSettings {
  dataset = $state(initialDataset());
  numWorkers = $state(2);
  batchSize = $state(8);
  prefetchFactor = $state(2);
  shuffle = $state(true);
  seed = $state(0);
  /** Epochs a run goes through before it stops by itself. */
  epochs = $state(10);
  /** Simulated training step: ms the consumer spends on each batch. */
  delayMs = $state(120);
  /** Keep decoded samples in IndexedDB (option `cache: 'indexeddb'`). */
  cache = $state(false);
  /** What a sample that cannot load does: 'retry' is { retry: 2, then: 'skip' }. */
  onError = $state<'raise' | 'skip' | 'retry'>('skip');
  /** Per-sample bound in ms; 0 for none. */
  timeoutMs = $state(5000);

  /** The options handed to `new DataLoader` (plain values, no proxies). */
  loaderOptions(): DataLoaderOptions {
    return {
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      seed: this.seed,
      numWorkers: this.numWorkers,
      prefetchFactor: this.prefetchFactor,
      cache: this.cache ? 'indexeddb' : 'none',
      onError: this.onError === 'retry' ? { retry: 2, then: 'skip' } : this.onError,
      timeoutMs: this.timeoutMs,
    };
  }

  /** Changes whenever a setting that needs a new loader changes: the dataset or any loader option. */
  readonly restartKey = $derived(JSON.stringify([this.dataset, this.loaderOptions()]));
}
