/**
 * One DataLoader at a time and the loop that consumes it, for the dev page.
 *
 * NOTE: run lifecycle
 *
 *   start() ──> load manifest ──> new DataLoader ──> epochs x (for await batch:
 *      ^                                               copy pixels, step, release)
 *      │ settings changed while running (debounced)          │ last epoch
 *      └──── stop(): abort + loader.close() <────────────────┘ ──> status 'done'
 *
 * Every run gets a fresh AbortController; a run whose signal was aborted never
 * writes status or error again, so an old run finishing late cannot clobber a
 * newer one. close() makes a waiting `for await` throw LoaderClosedError; that
 * error is expected and swallowed for an aborted run.
 *
 * After each batch the loader's state() is saved (resume-store.ts); a run
 * that did not finish can be resumed, after a reload too, with the same
 * settings: start({ resume: true }) passes it as `resumeFrom`.
 */
import { DataLoader, type LoaderStats, type RingMode } from '../loader/index.ts';
import { snapshotBatch, type BatchSnapshot } from './batch-snapshot.ts';
import { imagesOnly, openBundled, type OpenedDataset } from './datasets.ts';
import { pageIsolation } from './isolation.ts';
import { clearSavedRun, loadSavedRun, saveRun, type SavedRun } from './resume-store.ts';
import type { LoaderSettings } from './settings.svelte.ts';
import { NO_RATES, StatsMeter, type Rates } from './stats-meter.ts';
import { TraceBuffer } from './trace-buffer.ts';
import { epochsProblem } from './train-data.ts';

export type SessionStatus = 'idle' | 'starting' | 'running' | 'done' | 'stopped' | 'error';

/** Batches kept on screen, newest first. */
export const RECENT_BATCHES = 12;
const POLL_MS = 200;
const RESTART_DEBOUNCE_MS = 150;

export class LoaderSession {
  status = $state<SessionStatus>('idle');
  error = $state<string | null>(null);
  /** The running loader's mode; before the first run, the one 'auto' will pick. */
  mode = $state<RingMode>(pageIsolation().expectedMode);
  /** Epoch the consumer is in (0-based) and batches per epoch. */
  epoch = $state(0);
  epochLength = $state(0);
  slots = $state(0);
  /** Id (settings.dataset) and class names of the latest run's dataset. */
  datasetId = $state<string | null>(null);
  classes = $state.raw<readonly string[]>([]);
  recent = $state.raw<BatchSnapshot[]>([]);
  stats = $state.raw<LoaderStats | null>(null);
  rates = $state.raw<Rates>(NO_RATES);
  /** The last seconds of trace events; not reactive (the timeline polls it per frame). */
  readonly trace = new TraceBuffer();

  readonly running = $derived(this.status === 'starting' || this.status === 'running');
  /** The position saved by an unfinished run (this visit or an earlier one). */
  saved = $state.raw<SavedRun | null>(loadSavedRun());

  /** The saved position, when it belongs to the current settings and nothing runs. */
  get resumable(): SavedRun | null {
    return !this.running && this.saved?.key === this.settings.restartKey ? this.saved : null;
  }

  #run = 0; // id of the latest run; snapshot keys include it
  #abort: AbortController | null = null; // the latest run's; null once it ended
  #loader: DataLoader | null = null; // the latest run's loader, until closed
  #poll: ReturnType<typeof setInterval> | undefined;
  #restart: ReturnType<typeof setTimeout> | undefined;
  readonly #meter = new StatsMeter();

  /** `open` turns a dataset id into a dataset and the loader options it needs. */
  constructor(
    readonly settings: LoaderSettings,
    readonly open: (id: string) => Promise<OpenedDataset> = openBundled,
  ) {}

  /** Starts a run with the current settings, ending any earlier one; `resume` continues the saved position. */
  async start({ resume = false } = {}): Promise<void> {
    const resumeFrom = resume ? this.resumable?.state : undefined;
    this.#end();
    const run = ++this.#run;
    const abort = new AbortController();
    this.#abort = abort;
    this.#resetView();
    this.status = 'starting';
    let loader: DataLoader | null = null;
    try {
      const epochs = epochsProblem(this.settings.epochs);
      if (epochs) throw new Error(`Start: ${epochs}.`);
      this.datasetId = this.settings.dataset;
      const { dataset, options } = imagesOnly(await this.open(this.settings.dataset));
      if (abort.signal.aborted) return;
      this.classes = dataset.classes;
      loader = new DataLoader(dataset, { ...this.settings.loaderOptions(), ...options, resumeFrom });
      this.#loader = loader;
      this.mode = loader.mode;
      this.epochLength = loader.length;
      this.slots = loader.slots;
      loader.onTrace((event) => this.trace.addTrace(event));
      this.#startPolling(loader);
      this.status = 'running';
      // An epoch ends only once every worker's report is in, so the final stats are complete here.
      await this.#consume(loader, run, abort.signal);
      if (abort.signal.aborted) return;
      this.status = 'done';
      this.discardSaved(); // finished: nothing to resume
    } catch (error) {
      if (abort.signal.aborted) return;
      this.status = 'error';
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (this.#abort === abort) {
        if (loader) this.#sample(loader); // final numbers
        this.#end();
      }
    }
  }

  /** Stops the running loader and closes it. */
  stop(): void {
    if (!this.running) return;
    this.#end();
    this.status = 'stopped';
  }

  toggle(): void {
    if (this.running) this.stop();
    else void this.start();
  }

  /** Forgets the saved position. */
  discardSaved(): void {
    clearSavedRun();
    this.saved = null;
  }

  /**
   * Loader settings changed: a running loader restarts with them, and so does
   * one that just failed (say, on a bad batchSize typed while it ran).
   */
  settingsChanged(): void {
    const restart = () => this.running || this.status === 'error';
    if (!restart()) return;
    clearTimeout(this.#restart);
    this.#restart = setTimeout(() => {
      if (restart()) void this.start();
    }, RESTART_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.#restart);
    this.#end();
  }

  /** The consumer: epochs of `for await`, a simulated training step per batch. */
  async #consume(loader: DataLoader, run: number, signal: AbortSignal): Promise<void> {
    const key = this.settings.restartKey;
    // loader.epoch: 0, or the epoch a resumed loader continues.
    for (let epoch = loader.epoch; epoch < this.settings.epochs && !signal.aborted; epoch++) {
      this.epoch = epoch;
      for await (const batch of loader) {
        if (signal.aborted) break;
        // The views die at release(): copy the pixels out first.
        this.recent = [snapshotBatch(batch, run), ...this.recent].slice(0, RECENT_BATCHES);
        const delay = this.settings.delayMs;
        if (delay > 0) {
          const start = performance.now();
          await sleep(delay, signal);
          this.trace.addStep(batch.epoch, batch.index, start, performance.now());
        }
        // Held through the step, as a plain `for await` loop holds it.
        batch.release();
        // What a checkpoint would store beside the model: the batches consumed so far.
        if (!signal.aborted) this.#save(key, loader);
      }
    }
  }

  #save(key: string, loader: DataLoader): void {
    this.saved = { key, state: loader.state(), savedAt: Date.now() };
    saveRun(this.saved);
  }

  #startPolling(loader: DataLoader): void {
    clearInterval(this.#poll);
    this.#sample(loader);
    this.#poll = setInterval(() => this.#sample(loader), POLL_MS);
  }

  #sample(loader: DataLoader): void {
    const stats = loader.stats();
    this.stats = stats;
    this.rates = this.#meter.add(stats, performance.now());
  }

  #resetView(): void {
    this.error = null;
    this.epoch = 0;
    this.recent = [];
    this.stats = null;
    this.rates = NO_RATES;
    this.trace.clear();
    this.#meter.reset();
  }

  /** Aborts the latest run, stops polling and closes its loader. */
  #end(): void {
    this.#abort?.abort();
    this.#abort = null;
    clearInterval(this.#poll);
    this.#poll = undefined;
    this.#loader?.close();
    this.#loader = null;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
