/**
 * A custom dataset's item source: the module's getItem, with its context
 * (signal, the sample's seeded generator, decodeImage). `init` runs once,
 * before the first sample; `ready` says whether the module loaded and its
 * init ran.
 */
import type { DatasetDefinition, DecodeImageOptions, WorkerInfo } from '../datasets/define-dataset.ts';
import type { ImageSource } from '../dataset.ts';
import type { JobSample } from '../protocol.ts';
import { sampleRandom } from '../sample-random.ts';
import { CanvasPixelReader } from './decode.ts';
import type { Item, ItemSource } from './item-source.ts';
import { rgbaToUint8 } from './transforms.ts';

export class CustomItems implements ItemSource {
  readonly ready: Promise<void>;
  #definition: DatasetDefinition | null = null;
  readonly #readers = new Map<string, CanvasPixelReader>(); // one per decodeImage geometry

  constructor(
    definition: DatasetDefinition | Promise<DatasetDefinition>,
    readonly info: WorkerInfo,
    readonly maxPixels: number,
  ) {
    this.ready = (async () => {
      let loaded: DatasetDefinition;
      try {
        loaded = await definition;
      } catch (cause) {
        throw new Error(`the dataset module failed to load: ${describe(cause)}`, { cause });
      }
      try {
        await loaded.init?.(info);
      } catch (cause) {
        throw new Error(`the dataset's init() threw: ${describe(cause)}`, { cause });
      }
      this.#definition = loaded;
    })();
    this.ready.catch(() => {}); // observed by whoever starts the producer
  }

  async read(sample: JobSample, epoch: number, signal: AbortSignal): Promise<Item> {
    await this.ready;
    const { args, id, seed } = this.info;
    return this.#definition!.getItem(sample.index, {
      signal,
      random: sampleRandom(seed, epoch, sample.index),
      epoch,
      worker: id,
      args,
      decodeImage: (source, options) => this.#decode(source, options, signal),
    });
  }

  async #decode(source: ImageSource, options: DecodeImageOptions, signal: AbortSignal): Promise<Uint8Array> {
    const channels = options.channels ?? 3;
    const image = { width: options.width, height: options.height, channels, fit: options.fit ?? 'stretch' } as const;
    const key = `${image.width}x${image.height}x${channels} ${image.fit}`;
    let reader = this.#readers.get(key);
    if (!reader) this.#readers.set(key, (reader = new CanvasPixelReader(image, this.maxPixels)));
    const rgba = await reader.read(source, signal);
    const out = new Uint8Array(image.width * image.height * channels);
    rgbaToUint8(rgba, channels, out, 0);
    return out;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
