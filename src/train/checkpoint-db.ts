/**
 * The checkpoint index: one record per saved checkpoint, in its own
 * IndexedDB database. The weights themselves live in tfjs's model store
 * (`indexeddb://feedline/<name>`); this record says how to use them.
 *
 * All IndexedDB code of `src/train` sits here; no non-IDB work is awaited
 * inside a transaction.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { LoaderState, Normalize } from '../loader/index.ts';

export interface CheckpointRecord {
  name: string;
  /** The preset it was built from, or null for a model the caller supplied. */
  preset: string | null;
  /** [height, width, channels] */
  inputShape: [number, number, number];
  /** Class names, index = label. */
  classes: string[];
  normalize: Normalize;
  optimizer: string;
  learningRate: number;
  /** The backend that trained it last. */
  backend: string;
  /** Epochs and steps completed over the checkpoint's whole history. */
  epochs: number;
  steps: number;
  /** Date.now() at save. */
  savedAt: number;
  /**
   * Where the training loader was when these weights were saved
   * (`loader.state()` after the step on its last batch): pass it as
   * `resumeFrom` to continue the run. Absent in records saved without one
   * (older records, or `trainer.save(name)` without a state).
   */
  loaderState?: LoaderState;
}

interface CheckpointSchema extends DBSchema {
  checkpoints: { key: string; value: CheckpointRecord };
}

const DB_NAME = 'feedline-checkpoints';
let opening: Promise<IDBPDatabase<CheckpointSchema>> | null = null;

function db(): Promise<IDBPDatabase<CheckpointSchema>> {
  opening ??= openDB<CheckpointSchema>(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore('checkpoints', { keyPath: 'name' });
    },
  });
  opening.catch(() => (opening = null));
  return opening;
}

export async function putRecord(record: CheckpointRecord): Promise<void> {
  const tx = (await db()).transaction('checkpoints', 'readwrite');
  await Promise.all([tx.store.put(record), tx.done]);
}

export async function getRecord(name: string): Promise<CheckpointRecord | undefined> {
  return (await db()).get('checkpoints', name);
}

export async function allRecords(): Promise<CheckpointRecord[]> {
  return (await db()).getAll('checkpoints');
}

export async function deleteRecord(name: string): Promise<void> {
  const tx = (await db()).transaction('checkpoints', 'readwrite');
  await Promise.all([tx.store.delete(name), tx.done]);
}
