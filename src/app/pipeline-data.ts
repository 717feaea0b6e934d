/**
 * What a run loads: the train split (and, to train, the test split) of the
 * dataset picked, with the loader options the dataset needs beyond the
 * settings (a training family's input size, a folder's output size).
 */
import { ImageDataset, OptionError, type DataLoaderOptions, type LoaderDataset } from '../loader/index.ts';
import type { OpenedDataset } from './datasets.ts';
import { openSplits, trainFamily, untrainable } from './train-data.ts';

export interface SimulatedSplits {
  /** Images for training; in loader-only mode also a custom or tensor dataset (the error-prone module). */
  dataset: LoaderDataset;
  /** The held-out split the Trainer evaluates on; null in loader-only mode. */
  test: ImageDataset | null;
  options?: DataLoaderOptions;
  classes: readonly string[];
}

/** Train mode: both splits of a trainable dataset, or a typed error that says what to pick. */
export async function openTrainData(datasetId: string): Promise<SimulatedSplits> {
  const problem = untrainable(datasetId);
  if (problem) throw new OptionError(`Start: ${problem}, or switch the consumer to "simulated".`);
  const family = trainFamily(datasetId)!;
  const { train, test } = await openSplits(datasetId);
  return { dataset: train, test, options: family.image ? { image: family.image } : undefined, classes: train.classes };
}

/** Loader-only mode: any dataset, the folder and the broken corpus included. */
export async function openLoaderData(datasetId: string, open: (id: string) => Promise<OpenedDataset>): Promise<SimulatedSplits> {
  const { dataset, options } = await open(datasetId);
  const classes = dataset instanceof ImageDataset ? dataset.classes : [];
  return { dataset, test: null, options, classes };
}
