/**
 * The sample cache as the dev page shows it: its size, read from IndexedDB
 * (every loader and option set together), and a way to empty it. The hits and
 * misses of the running loader come from its stats, not from here.
 *
 * Reading the size walks an index of every entry, so refresh() runs at most
 * one walk at a time and at most one a second; asks in between fold into
 * the next walk.
 */
import { clearSampleCache, sampleCacheInfo, type SampleCacheInfo } from '../loader/index.ts';

const MIN_REFRESH_GAP_MS = 1000;

export class CacheView {
  /** null until the first read. */
  info = $state.raw<SampleCacheInfo | null>(null);
  /** Why the size could not be read or the cache not cleared. */
  error = $state<string | null>(null);
  clearing = $state(false);

  #running: Promise<void> | null = null;
  #again = false; // a refresh was asked for while one ran

  /** Reads the size again, soon. */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => (this.#running = null));
    return this.#running;
  }

  async clear(): Promise<void> {
    this.clearing = true;
    try {
      await clearSampleCache();
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.clearing = false;
    }
    await this.refresh();
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const started = performance.now();
      try {
        this.info = await sampleCacheInfo();
        this.error = null;
      } catch (error) {
        this.error = error instanceof Error ? error.message : String(error);
      }
      if (this.#again) await sleep(Math.max(0, MIN_REFRESH_GAP_MS - (performance.now() - started)));
    } while (this.#again);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
