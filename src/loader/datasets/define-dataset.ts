/**
 * defineDataset: how a custom dataset module declares its samples. The
 * module's default export is `defineDataset({ init?, getItem })`:
 *
 *   // my-dataset.ts
 *   import { defineDataset } from 'feedline';
 *   export default defineDataset({
 *     async getItem(index, { signal, random, decodeImage }) {
 *       return { values: new Float32Array([...]), label: 0 };
 *     },
 *   });
 *
 * On the main thread it only returns the definition (numWorkers 0 imports
 * the module and runs it there). Evaluated in a dedicated worker, which is
 * how CustomDataset starts each loader worker (`new Worker(new
 * URL('./my-dataset.ts', import.meta.url), { type: 'module' })`, which
 * bundlers bundle with its imports), it also makes that worker a loader
 * worker: it exposes the loader's worker API over Comlink, as the library's
 * own worker/entry.ts does, with this definition as the item source.
 */
import { expose } from 'comlink';
import { OptionError } from '../errors.ts';
import type { Channels, Fit } from '../options.ts';
import type { SampleRandom } from '../sample-random.ts';
import type { ImageSource } from '../dataset.ts';
import { CanvasPixelReader } from '../worker/decode.ts';
import { createWorkerApi } from '../worker/worker-api.ts';

/** PyTorch's get_worker_info(), given to `init` once in each worker. */
export interface WorkerInfo<Args = unknown> {
  /** The worker's number, 0-based; -1 on the main thread (numWorkers 0). */
  id: number;
  numWorkers: number;
  /** The loader's `seed`. */
  seed: number;
  /** The dataset's `args`, as CustomDataset.fromModule was given them. */
  args: Args;
}

/** `decodeImage`'s options: the loader's image pipeline, resize included. */
export interface DecodeImageOptions {
  width: number;
  height: number;
  /** Default 3. */
  channels?: Channels;
  /** Default 'stretch'. */
  fit?: Fit;
}

export interface ItemContext<Args = unknown> {
  /** Aborts when the epoch is stopped or the sample's `timeoutMs` runs out. */
  signal: AbortSignal;
  /** A generator seeded from (seed, epoch, index) only: the same draws for any numWorkers. */
  random: SampleRandom;
  epoch: number;
  /** The worker running this sample; -1 on the main thread. */
  worker: number;
  args: Args;
  /**
   * Fetches (a URL) or reads (a Blob) an image and decodes it with the
   * loader's own decoder and resize, to height * width * channels bytes
   * (HWC, uint8): the pixels the built-in image pipeline would give.
   */
  decodeImage(source: ImageSource, options: DecodeImageOptions): Promise<Uint8Array>;
}

/** What getItem returns: the values of the declared shape and dtype, row-major, and the label. */
export interface DatasetItemValue {
  values: Float32Array | Uint8Array;
  label: number;
}

export interface DatasetDefinition<Args = unknown> {
  /** Runs once in each worker before its first sample (PyTorch's worker_init_fn). */
  init?(info: WorkerInfo<Args>): void | Promise<void>;
  /** Sample `index` (PyTorch's __getitem__); may be async. A throw fails the sample. */
  getItem(index: number, context: ItemContext<Args>): DatasetItemValue | Promise<DatasetItemValue>;
}

let exposed = false;

function inDedicatedWorker(): boolean {
  const scope = (globalThis as { DedicatedWorkerGlobalScope?: new () => unknown }).DedicatedWorkerGlobalScope;
  return typeof scope === 'function' && globalThis instanceof scope;
}

export function defineDataset<Args = unknown>(definition: DatasetDefinition<Args>): DatasetDefinition<Args> {
  if (typeof definition?.getItem !== 'function') {
    throw new OptionError('`defineDataset` needs an object with a `getItem(index, context)` function');
  }
  if (definition.init !== undefined && typeof definition.init !== 'function') {
    throw new OptionError('`defineDataset`: `init`, when given, must be a function of the worker info');
  }
  if (inDedicatedWorker()) {
    if (exposed) throw new OptionError('`defineDataset` was called twice in one worker: a dataset module defines one dataset');
    exposed = true;
    expose(createWorkerApi((image, maxPixels) => new CanvasPixelReader(image, maxPixels), definition as DatasetDefinition));
  }
  return definition;
}
