/**
 * Run history as reactive state for the page: the kept records (newest
 * first) and the last error as text, refreshed from run-history.ts after
 * each change. RunHistory.svelte takes `runs` and `onDelete` from here.
 *
 * `$state.raw`: records are replaced whole, never edited, so their (long)
 * series need no deep proxies.
 */
import type { RunRecord } from './run-record.ts';
import { deleteRunRecord, listRunRecords, saveRunRecord } from './run-history.ts';

export class RunHistoryStore {
  runs: RunRecord[] = $state.raw([]);
  /** The last failure's message (RunHistoryError says why), or null. */
  error: string | null = $state(null);

  async refresh(): Promise<void> {
    await this.attempt(async () => {
      this.runs = await listRunRecords();
    });
  }

  async save(record: RunRecord): Promise<void> {
    await this.attempt(() => saveRunRecord(record));
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    await this.attempt(() => deleteRunRecord(id));
    await this.refresh();
  }

  private async attempt(body: () => Promise<void>): Promise<void> {
    try {
      await body();
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}
