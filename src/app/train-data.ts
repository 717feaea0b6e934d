/**
 * What the training panel needs beyond the page's loader settings: which
 * datasets it can train on (each with its normalization and input size),
 * their train and test splits, and the names and labels of its checkpoints.
 * Pure functions but `openSplits`, so the rules are unit-tested in Node.
 */
import { ImageDataset, type Normalize } from '../loader/index.ts';
import type { CheckpointInfo } from '../train/index.ts';
import { datasetEntry } from './datasets.ts';
import { appUrl } from './app-url.ts';

export interface TrainFamily {
  /** The base id: a dataset trains with this family's settings if its id is this or starts with `<id>-` (`mnist-files`). */
  id: string;
  normalize: Normalize;
  /** Output size for the loader; absent: the dataset's own. */
  image?: { width: number; height: number };
  /** Shown beside the dataset in the panel. */
  note: string;
}

/**
 * Shapes are resized to 32×32 so a CNN step stays small (its workers still
 * decode the 160×160 JPEGs: decoding stays the heavy part).
 */
export const TRAIN_FAMILIES: readonly TrainFamily[] = [
  { id: 'mnist', normalize: { mean: 0.1307, std: 0.3081 }, note: '28×28 digits' },
  { id: 'shapes', normalize: { mean: 0.5, std: 0.25 }, image: { width: 32, height: 32 }, note: 'resized to 32×32' },
  { id: 'fixtures', normalize: { mean: 0.5, std: 0.25 }, note: '12×10 test images' },
];

/** The family a dataset id trains with, or null for one the panel cannot train on (a folder, the broken corpus). */
export function trainFamily(datasetId: string): TrainFamily | null {
  return TRAIN_FAMILIES.find((f) => datasetId === f.id || datasetId.startsWith(`${f.id}-`)) ?? null;
}

/** Why a dataset cannot be trained on, or null when it can. */
export function untrainable(datasetId: string): string | null {
  if (trainFamily(datasetId)) return null;
  return `the dataset "${datasetId}" has no test split to train against: pick ${TRAIN_FAMILIES.map((f) => f.id).join(', ')} in the loader controls`;
}

/** Epochs of a run: an integer of at least 1, or why not. */
export function epochsProblem(epochs: unknown): string | null {
  return Number.isInteger(epochs) && (epochs as number) >= 1 ? null : `epochs must be a whole number of at least 1; got ${String(epochs)}`;
}

/** The train and test splits of a bundled dataset. */
export async function openSplits(datasetId: string): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const entry = datasetEntry(datasetId);
  if (entry.kind !== 'manifest') throw new Error(`"${datasetId}" has no manifest with a test split to train on`);
  const [train, test] = await Promise.all([ImageDataset.fromManifest(appUrl(entry.manifest), 'train'), ImageDataset.fromManifest(appUrl(entry.manifest), 'test')]);
  return { train, test };
}

/**
 * A new run's checkpoint name, `<dataset>-<preset>-<n>`, with n one more
 * than any run of that dataset and preset saved: pressing Train again never
 * overwrites an earlier run's checkpoint.
 */
export function nextRunName(datasetId: string, preset: string, existing: readonly string[]): string {
  const prefix = `${datasetId}-${preset}-`;
  let last = 0;
  for (const name of existing) {
    if (!name.startsWith(prefix)) continue;
    const n = Number(name.slice(prefix.length));
    if (Number.isInteger(n) && n > last) last = n;
  }
  return `${prefix}${last + 1}`;
}

/** The dataset a checkpoint was trained on, from its name: the longest id it starts with; null if none. */
export function datasetOfCheckpoint(name: string, ids: readonly string[]): string | null {
  const matching = ids.filter((id) => name.startsWith(`${id}-`));
  return matching.sort((a, b) => b.length - a.length)[0] ?? null;
}

/**
 * One line for a checkpoint. Mid-epoch: "epoch 2, step 40 (20 batches in)";
 * at an epoch's end: "after epoch 1, step 250". Epochs count from 1.
 */
export function checkpointLabel(info: Pick<CheckpointInfo, 'epochs' | 'steps' | 'backend' | 'weightBytes' | 'loaderState'>): string {
  const state = info.loaderState;
  const where =
    state && state.consumed > 0
      ? `epoch ${state.epoch + 1}, step ${info.steps} (${state.consumed} batches in)`
      : info.epochs > 0
        ? `after epoch ${info.epochs}, step ${info.steps}`
        : `step ${info.steps}`;
  return `${where} · ${info.backend} · ${(info.weightBytes / 1024).toFixed(0)} KB`;
}
