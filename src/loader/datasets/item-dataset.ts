/**
 * What the loader asks of a dataset whose samples are not decoded images: a
 * TensorDataset (rows of a tensor in memory) or a CustomDataset (a module's
 * getItem, run in the workers). An ImageDataset goes through the image
 * pipeline instead; `kind` tells them apart.
 */
import type { ResolvedOptions } from '../options.ts';
import type { WorkerLike } from '../producers.ts';
import type { SampleDeclaration } from '../sample-shape.ts';
import type { ItemSource } from '../worker/item-source.ts';

/**
 * Plain data that tells a producer where its samples come from; it crosses
 * to each worker once, in WorkerInit. A tensor's arrays are views of a
 * SharedArrayBuffer where the page is isolated (every worker reads the same
 * memory), else ArrayBuffers that the structured clone copies once per worker.
 */
export type DatasetSpec =
  | { kind: 'tensor'; values: Float32Array | Uint8Array; labels: Int32Array; elements: number }
  | { kind: 'custom'; name: string; args: unknown };

export interface ItemDataset {
  readonly kind: 'tensor' | 'custom';
  readonly name: string;
  readonly length: number;
  /** The shape and dtype of one sample; a batch is [size, ...shape]. */
  readonly sample: SampleDeclaration;
  /** How errors and stats name sample i, e.g. "tensor[7]". */
  source(i: number): string;
  /** Sample i's label where the main thread knows it (a tensor's); -1 where getItem gives it. */
  label(i: number): number;
  /** A digest of the data (or what stands for it), for `state()`'s fingerprint; computed once. */
  digest(): string;
  spec(): DatasetSpec;
  /** Starts loader worker `id` for this dataset; absent: the library's own worker. */
  readonly createWorker?: (id: number) => WorkerLike;
  /** Refuses options this dataset cannot run with (an OptionError), at the DataLoader's construction. */
  checkOptions?(options: ResolvedOptions): void;
  /** The item source for numWorkers 0, on the main thread. */
  localItems(options: ResolvedOptions): ItemSource;
}

export function isItemDataset(dataset: unknown): dataset is ItemDataset {
  const kind = (dataset as { kind?: unknown } | null)?.kind;
  return kind === 'tensor' || kind === 'custom';
}
