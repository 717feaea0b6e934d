/**
 * Run history: finished runs (RunRecord) kept in IndexedDB, database
 * 'feedline-runs', so they survive a reload and can be compared later.
 *
 * Layout: one object store 'runs', keyed by the record's `id`, with an index
 * 'startedAt'. Listing is newest first; saving a record past the cap
 * (RUN_HISTORY_CAP, 50) deletes the oldest in the same transaction, so the
 * store never holds more.
 *
 * Where IndexedDB is missing or refuses to open (some private modes, a
 * blocked storage policy) every call rejects with a RunHistoryError whose
 * `reason` is 'unavailable'; a failed read or write is 'failed'. Both carry
 * the operation and the cause, for the UI to show.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord } from './run-record.ts';

export const RUN_HISTORY_DB = 'feedline-runs';
export const RUN_HISTORY_CAP = 50;
const STORE = 'runs';
const VERSION = 1;

interface RunsSchema extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { startedAt: number } };
}

export type RunHistoryOperation = 'open' | 'save' | 'list' | 'get' | 'delete';

export class RunHistoryError extends Error {
  override readonly name = 'RunHistoryError';
  constructor(
    /** 'unavailable': no IndexedDB here; 'failed': it is there but this call failed. */
    readonly reason: 'unavailable' | 'failed',
    readonly operation: RunHistoryOperation,
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      reason === 'unavailable'
        ? `Run history is unavailable: this browser gives the page no IndexedDB (private mode or blocked storage) (${why})`
        : `Run history could not ${operation}: ${why}`,
    );
  }
}

/** Newest first by `startedAt`, ties broken by id so the order is stable. */
export function newestFirst<T extends Pick<RunRecord, 'id' | 'startedAt'>>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** The ids to delete so that at most `cap` remain: the oldest ones. */
export function overCap(records: readonly Pick<RunRecord, 'id' | 'startedAt'>[], cap = RUN_HISTORY_CAP): string[] {
  return newestFirst(records).slice(cap).map((r) => r.id);
}

let opening: Promise<IDBPDatabase<RunsSchema>> | null = null;

function database(): Promise<IDBPDatabase<RunsSchema>> {
  if (opening) return opening;
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new RunHistoryError('unavailable', 'open', new Error('indexedDB is not defined')));
  }
  opening = openDB<RunsSchema>(RUN_HISTORY_DB, VERSION, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('startedAt', 'startedAt');
    },
    // Another tab holds an older version open: let it go so this one can upgrade.
    blocking() {
      void opening?.then((db) => db.close());
      opening = null;
    },
  }).catch((cause: unknown) => {
    opening = null; // a later call may try again
    throw new RunHistoryError('unavailable', 'open', cause);
  });
  return opening;
}

async function run<T>(operation: RunHistoryOperation, body: (db: IDBPDatabase<RunsSchema>) => Promise<T>): Promise<T> {
  const db = await database();
  try {
    return await body(db);
  } catch (cause) {
    throw new RunHistoryError('failed', operation, cause);
  }
}

/** Saves (or replaces) a record, then deletes the oldest past the cap. */
export function saveRunRecord(record: RunRecord): Promise<void> {
  return run('save', async (db) => {
    const tx = db.transaction(STORE, 'readwrite');
    await tx.store.put(record);
    // Walk the index's keys only (not the records and their series) to find the oldest.
    const kept: Array<Pick<RunRecord, 'id' | 'startedAt'>> = [];
    for (let c = await tx.store.index('startedAt').openKeyCursor(); c; c = await c.continue()) {
      kept.push({ id: c.primaryKey, startedAt: c.key });
    }
    for (const id of overCap(kept)) await tx.store.delete(id);
    await tx.done;
  });
}

/** Every kept record, newest first. */
export function listRunRecords(): Promise<RunRecord[]> {
  return run('list', async (db) => newestFirst(await db.getAll(STORE)));
}

/** One record, or null when there is none with that id. */
export function getRunRecord(id: string): Promise<RunRecord | null> {
  return run('get', async (db) => (await db.get(STORE, id)) ?? null);
}

export function deleteRunRecord(id: string): Promise<void> {
  return run('delete', (db) => db.delete(STORE, id));
}

/** Forgets every record (tests, a "clear history" button). */
export function clearRunRecords(): Promise<void> {
  return run('delete', (db) => db.clear(STORE));
}
