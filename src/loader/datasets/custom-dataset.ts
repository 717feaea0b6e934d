/**
 * CustomDataset: a map-style dataset whose getItem runs in the loader's
 * workers (PyTorch's Dataset subclass). PyTorch pickles the dataset into each
 * worker process; the browser starts each worker from the dataset's module
 * (the module calls defineDataset) and sends it the plain-data `args`.
 *
 *   const dataset = CustomDataset.fromModule({
 *     name: 'noisy', length: 1000, sample: { shape: [10], dtype: 'float32' }, args: { scale: 2 },
 *     worker: () => new Worker(new URL('./noisy.ts', import.meta.url), { type: 'module' }),
 *     module: () => import('./noisy.ts'),
 *   });
 *
 * `worker` is written out in the app, so the app's bundler sees
 * `new Worker(new URL(...))` and bundles the module with its imports, in dev
 * and in the production build. `module` is how numWorkers 0 runs the same
 * code on the main thread.
 */
import { OptionError } from '../errors.ts';
import { fnv1a } from '../fnv1a.ts';
import type { ResolvedOptions } from '../options.ts';
import type { WorkerLike } from '../producers.ts';
import { checkSampleDeclaration, type SampleDeclaration } from '../sample-shape.ts';
import { CustomItems } from '../worker/custom-items.ts';
import type { DatasetDefinition } from './define-dataset.ts';
import type { DatasetSpec, ItemDataset } from './item-dataset.ts';

export interface CustomDatasetOptions<Args = unknown> {
  /** Names the dataset in errors ("name[index]") and in `state()`. */
  name: string;
  /** Number of samples (len(dataset)). */
  length: number;
  /** The shape and dtype of the values getItem returns. */
  sample: SampleDeclaration;
  /** Plain data (structured-cloneable) given to getItem and init as `args`; part of `state()`'s fingerprint. */
  args?: Args;
  /** Starts one worker running the dataset module. */
  worker: () => WorkerLike;
  /** Imports the same module on the main thread, for numWorkers 0. */
  module?: () => Promise<{ default: DatasetDefinition<Args> }>;
}

export class CustomDataset<Args = unknown> implements ItemDataset {
  readonly kind = 'custom' as const;
  readonly name: string;
  readonly length: number;
  readonly sample: SampleDeclaration;
  readonly args: Args;
  readonly #options: CustomDatasetOptions<Args>;
  #digest: string | null = null;

  private constructor(options: CustomDatasetOptions<Args>, sample: SampleDeclaration) {
    this.#options = options;
    this.name = options.name;
    this.length = options.length;
    this.sample = sample;
    this.args = options.args as Args;
  }

  static fromModule<Args = unknown>(options: CustomDatasetOptions<Args>): CustomDataset<Args> {
    const api = 'CustomDataset.fromModule';
    if (typeof options?.name !== 'string' || options.name === '') throw new OptionError(`\`${api}\`: \`name\` must be a non-empty string`);
    if (!Number.isInteger(options.length) || options.length < 0) {
      throw new OptionError(`\`${api}\`: \`length\` must be an integer from 0; got ${String(options.length)}`);
    }
    if (typeof options.worker !== 'function') {
      throw new OptionError(
        `\`${api}\`: \`worker\` must start a worker from the dataset module: () => new Worker(new URL('./my-dataset.ts', import.meta.url), { type: 'module' })`,
      );
    }
    if (options.module !== undefined && typeof options.module !== 'function') {
      throw new OptionError(`\`${api}\`: \`module\`, when given, must import the dataset module: () => import('./my-dataset.ts')`);
    }
    try {
      structuredClone(options.args);
    } catch (cause) {
      throw new OptionError(`\`${api}\`: \`args\` must be plain data that can be sent to a worker (structured clone): ${String(cause)}`);
    }
    return new CustomDataset(options, checkSampleDeclaration(options.sample, api));
  }

  source(i: number): string {
    this.#check(i);
    return `${this.name}[${i}]`;
  }

  /** Unknown on the main thread: getItem gives each sample's label. */
  label(i: number): number {
    this.#check(i);
    return -1;
  }

  /** Stands for the data, which only the module knows: name, length, sample shape, dtype and args. */
  digest(): string {
    if (this.#digest) return this.#digest;
    const text = JSON.stringify([this.name, this.length, this.sample, this.args ?? null]);
    this.#digest = fnv1a(text).toString(16).padStart(8, '0') + fnv1a(text, 0x9e3779b9).toString(16).padStart(8, '0');
    return this.#digest;
  }

  spec(): DatasetSpec {
    return { kind: 'custom', name: this.name, args: this.args };
  }

  readonly createWorker = (): WorkerLike => this.#options.worker();

  checkOptions(options: ResolvedOptions): void {
    if (options.numWorkers === 0 && !this.#options.module) {
      throw new OptionError(
        `\`DataLoader\` option \`numWorkers\` 0 runs the dataset on the main thread, so CustomDataset "${this.name}" needs \`module: () => import('./my-dataset.ts')\`; got numWorkers 0 and no \`module\`.`,
      );
    }
  }

  localItems(options: ResolvedOptions): CustomItems {
    const definition = this.#options.module!().then((m) => {
      const def = m?.default;
      if (typeof def?.getItem !== 'function') {
        throw new Error(`the dataset module of "${this.name}" has no default export from defineDataset({ getItem })`);
      }
      return def as DatasetDefinition;
    });
    return new CustomItems(definition, { id: -1, numWorkers: 0, seed: options.seed, args: this.args }, options.maxPixels);
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`\`CustomDataset\`: index ${i} is out of range for a dataset of ${this.length} samples`);
    }
  }
}
