/**
 * Which item source a producer runs, from the dataset description in its
 * WorkerInit: none for an image dataset (the executor's PixelReader), a
 * tensor's rows, or the custom module's getItem.
 */
import type { DatasetDefinition } from '../datasets/define-dataset.ts';
import type { WorkerInit } from '../protocol.ts';
import { CustomItems } from './custom-items.ts';
import type { ItemSource } from './item-source.ts';
import { TensorItems } from './tensor-items.ts';

export function itemSourceFor(init: WorkerInit, definition: DatasetDefinition | null): ItemSource | null {
  const spec = init.dataset;
  if (!spec) return null;
  if (spec.kind === 'tensor') return new TensorItems(spec);
  if (!definition) {
    throw new Error(
      `custom dataset "${spec.name}" reached a worker that defines none: its worker must start the dataset module, the one whose default export is defineDataset(...)`,
    );
  }
  const { workerId: id, options } = init;
  const info = { id, numWorkers: options.numWorkers, seed: options.seed, args: spec.args };
  return new CustomItems(definition, info, options.maxPixels);
}
