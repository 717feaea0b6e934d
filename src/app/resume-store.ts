/**
 * Where the dev page keeps the loader's position between visits: the latest
 * `loader.state()`, saved after every batch, beside the settings it belongs
 * to. A run interrupted by closing the tab can then be resumed where it
 * stopped. localStorage, so it is per origin and survives a reload.
 *
 * The Trainer's checkpoints keep the same state beside each checkpoint, for
 * a training run; this store is the loader-only version.
 */
import type { LoaderState } from '../loader/index.ts';

export interface SavedRun {
  /** The settings' restartKey: a saved position resumes only the same dataset and loader options. */
  key: string;
  state: LoaderState;
  /** Date.now() when it was saved. */
  savedAt: number;
}

const STORAGE_KEY = 'feedline:loader-state';

/** The saved run, or null when there is none (or storage is unavailable, or holds something else). */
export function loadSavedRun(): SavedRun | null {
  try {
    const text = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!text) return null;
    const saved = JSON.parse(text) as SavedRun;
    return typeof saved?.key === 'string' && saved.state?.format === 'feedline/loader-state' ? saved : null;
  } catch {
    return null;
  }
}

export function saveRun(saved: SavedRun): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage full or blocked: resuming is a convenience, the run goes on.
  }
}

export function clearSavedRun(): void {
  try {
    globalThis.localStorage?.removeItem(STORAGE_KEY);
  } catch {
    // as above
  }
}
