/**
 * Checkpoints: the weights through tfjs's IndexedDB model store
 * (`indexeddb://feedline/<name>`), plus a record in checkpoint-db.ts that says
 * how to use them (preset, input shape, classes, normalization, history).
 *
 * - save: weights first, then the record, so a record never points at
 *   missing weights; delete: the record first, for the same reason.
 * - The optimizer's state (Adam's moments) is not saved: a resumed run
 *   starts its optimizer afresh from the saved weights.
 */
import * as tf from '@tensorflow/tfjs';
import { allRecords, deleteRecord, getRecord, putRecord, type CheckpointRecord } from './checkpoint-db.ts';
import { CheckpointError } from './errors.ts';

export type { CheckpointRecord };

export interface CheckpointInfo extends CheckpointRecord {
  /** Bytes of weights in the model store. */
  weightBytes: number;
}

const PREFIX = 'indexeddb://feedline/';
const NAME = /^[\w.-]{1,100}$/;

export function checkpointUrl(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new CheckpointError(
      String(name),
      `A checkpoint name must be 1 to 100 letters, digits, '_', '.' or '-'; got ${JSON.stringify(name)}.`,
    );
  }
  return PREFIX + name;
}

export async function saveCheckpoint(model: tf.LayersModel, record: CheckpointRecord): Promise<CheckpointInfo> {
  const result = await model.save(checkpointUrl(record.name));
  await putRecord(record);
  return { ...record, weightBytes: result.modelArtifactsInfo.weightDataBytes ?? 0 };
}

export async function loadCheckpoint(name: string): Promise<{ model: tf.LayersModel; record: CheckpointRecord }> {
  const url = checkpointUrl(name);
  const record = await getRecord(name);
  if (!record) {
    const saved = (await allRecords()).map((r) => r.name);
    throw new CheckpointError(
      name,
      `\`Trainer.load\`: there is no checkpoint "${name}" (saved: ${saved.length ? saved.join(', ') : 'none'}); save one with \`trainer.save(name)\``,
    );
  }
  try {
    return { model: await tf.loadLayersModel(url), record };
  } catch (cause) {
    throw new CheckpointError(name, `\`Trainer.load\`: the weights of checkpoint "${name}" could not be read from ${url}: ${String(cause)}`, cause);
  }
}

/** Every checkpoint whose record and weights are both present, newest first. */
export async function listCheckpoints(): Promise<CheckpointInfo[]> {
  const [models, records] = await Promise.all([tf.io.listModels(), allRecords()]);
  return records
    .filter((r) => models[PREFIX + r.name])
    .map((r) => ({ ...r, weightBytes: models[PREFIX + r.name].weightDataBytes ?? 0 }))
    .sort((a, b) => b.savedAt - a.savedAt);
}

export async function deleteCheckpoint(name: string): Promise<void> {
  const url = checkpointUrl(name);
  await deleteRecord(name);
  const models = await tf.io.listModels();
  if (models[url]) await tf.io.removeModel(url);
}
