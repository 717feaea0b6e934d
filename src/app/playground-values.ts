/**
 * Every setting of the playground as plain data: what the controls edit, what
 * the URL carries (url-state.ts), what a preset sets (presets.ts), what "Copy
 * as PyTorch" turns into Python (pytorch-snippet.ts), and what run history
 * keeps with each run. One set for the loader and the training run, so the
 * two can never disagree.
 *
 * Epochs are counted from 1 wherever a person reads them; `epochs` is how
 * many a run goes through.
 */

/** Who drains the ring: a real training step, or a simulated one of `stepMs` (loader-only mode). */
export type Consumer = 'train' | 'simulated';
export type BackendSetting = 'auto' | 'webgpu' | 'webgl' | 'cpu';
export type OnErrorSetting = 'raise' | 'skip' | 'retry';
/** Named augmentation recipes (the loader's `augment` lists they stand for live in the session). */
export type AugmentSetting = 'none' | 'flip' | 'crop-flip' | 'jitter';
export type ThemeSetting = 'system' | 'light' | 'dark';

export interface PlaygroundValues {
  /** A dataset id from datasets.ts. */
  dataset: string;
  /** The manifest dataset 'url' loads: any manifest.json (per-file or shards) this page may fetch. */
  manifestUrl: string;
  consumer: Consumer;
  /** A model preset name from src/train/models.ts. */
  model: string;
  backend: BackendSetting;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  epochs: number;
  batchSize: number;

  // The loader (PyTorch's DataLoader arguments).
  /** 'auto': the loader tunes it while it runs (autotune), within the cores and a memory budget. */
  numWorkers: number | 'auto';
  prefetchFactor: number | 'auto';
  shuffle: boolean;
  seed: number;
  inOrder: boolean;
  /** Keep decoded samples in IndexedDB (`cache: 'indexeddb'`). */
  cache: boolean;
  /** 'retry' is `{ retry: 2, then: 'skip' }`. */
  onError: OnErrorSetting;
  /** Per-sample bound in ms; 0 for none. */
  timeoutMs: number;
  augment: AugmentSetting;

  // Teaching knobs, each simulated and labelled so.
  /** Extra latency added to each sample's load, in ms (a slow network). */
  latencyMs: number;
  /** Up to this many ms more, drawn per sample. */
  jitterMs: number;
  /** Extra compute added to each training step, in ms (a bigger model). */
  extraComputeMs: number;
  /** The simulated consumer's cost per batch, in ms (consumer 'simulated'). */
  stepMs: number;
}

export const DEFAULT_VALUES: Readonly<PlaygroundValues> = Object.freeze({
  dataset: 'mnist',
  manifestUrl: '',
  consumer: 'train',
  model: 'mlp',
  backend: 'auto',
  optimizer: 'adam',
  learningRate: 0.001,
  epochs: 3,
  batchSize: 32,
  // 'auto' measured within 2% of the best fixed setting in the bench (docs/performance.md).
  numWorkers: 'auto',
  prefetchFactor: 'auto',
  shuffle: true,
  seed: 0,
  inOrder: true,
  cache: false,
  onError: 'skip',
  timeoutMs: 5000,
  augment: 'none',
  latencyMs: 0,
  jitterMs: 0,
  extraComputeMs: 0,
  stepMs: 40,
});

/**
 * Controls a page can hide with `hide=` (a classroom, an embed): each name is
 * a group of controls.
 */
export const CONTROL_GROUPS = [
  'dataset',
  'model',
  'backend',
  'training',
  'workers',
  'prefetch',
  'order',
  'errors',
  'cache',
  'augment',
  'simulate',
  'presets',
] as const;
export type ControlGroup = (typeof CONTROL_GROUPS)[number];
