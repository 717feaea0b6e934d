/**
 * What the live views show of the loader while a run goes on: the ring's
 * geometry, the loader's stats and rates, a stall, the batch strip and the
 * recorded series. The loader and the step loop run far faster than a page
 * needs to redraw, so they are copied into reactive state by a poll, 5 times
 * a second, and the batch strip takes a batch at most every STRIP_EVERY_MS.
 * Each poll's time, the DOM updates it causes included (flushSync), counts as
 * the UI's cost (ui-cost.ts).
 */
import { flushSync } from 'svelte';
import type { DataLoader, LoaderStats, RingMode } from '../loader/index.ts';
import { snapshotBatch, type BatchSnapshot } from './batch-snapshot.ts';
import { pageIsolation } from './isolation.ts';
import type { RunRecorder } from './run-recorder.ts';
import { emptySeries, type RunSeries } from './run-record.ts';
import type { SessionFigures } from './session-figures.svelte.ts';
import { NO_RATES, StatsMeter, type Rates } from './stats-meter.ts';
import type { TraceBuffer } from './trace-buffer.ts';
import { uiCost } from './ui-cost.ts';

const POLL_MS = 200;
/** The batch strip takes a batch at most this often: it is for the eye, not a log. */
const STRIP_EVERY_MS = 300;

export class SessionLive {
  mode = $state<RingMode>(pageIsolation().expectedMode);
  slots = $state(0);
  epochLength = $state(0);
  /** The latest batches, newest first. */
  recent = $state.raw<BatchSnapshot[]>([]);
  stats = $state.raw<LoaderStats | null>(null);
  rates = $state.raw<Rates>(NO_RATES);
  series = $state.raw<RunSeries>(emptySeries());
  /** How long a running run has gone without a step, once that passes a second; else 0. */
  stalledMs = $state(0);
  /** Main-thread ms per second the page's own UI work took, over the last seconds (ui-cost.ts). */
  uiMsPerSecond = $state(0);

  #meter = new StatsMeter();
  #poll: ReturnType<typeof setInterval> | undefined;
  #openedAt = 0;
  #lastStrip = 0;
  #snapshots = 0;
  /** The loader's autotune decisions already on the timeline. */
  #decisionsMarked = 0;

  constructor(
    readonly figures: SessionFigures,
    readonly trace: TraceBuffer,
    /** The current loader, recorder and whether the run is running, as the session knows them. */
    readonly source: () => { loader: DataLoader | null; recorder: RunRecorder | null; running: boolean },
  ) {}

  /** A loader (the first or a reopened one) started: its geometry, its trace, and the poll. */
  opened(loader: DataLoader): void {
    this.#openedAt = performance.now();
    this.#decisionsMarked = 0;
    this.mode = loader.mode;
    this.slots = loader.slots;
    this.epochLength = loader.length;
    this.figures.stepsPerEpoch = loader.length;
    loader.onTrace((event) => this.trace.addTrace(event));
    this.#meter.reset();
    this.stopPolling();
    uiCost.reset();
    this.#poll = setInterval(() => {
      uiCost.time(() => {
        this.sample();
        this.publish();
        flushSync(); // the views' updates run now, inside the timed span
      });
      this.uiMsPerSecond = uiCost.msPerSecond();
    }, POLL_MS);
    this.sample();
  }

  sample(): void {
    const { loader, running } = this.source();
    if (!loader) return;
    const stats = loader.stats();
    this.stats = stats;
    this.#markDecisions(stats);
    const since = this.trace.lastStep?.end ?? this.#openedAt;
    const stalled = running ? performance.now() - since : 0;
    this.stalledMs = stalled > 1000 ? stalled : 0;
    this.rates = this.#meter.add(stats, performance.now());
  }

  /** numWorkers or prefetchFactor 'auto': each change the tuner made, a mark on the timeline at the time it made it. */
  #markDecisions(stats: LoaderStats): void {
    const decisions = stats.autotune?.decisions ?? [];
    for (const d of decisions.slice(this.#decisionsMarked)) {
      this.trace.addMark(`auto: ${d.numWorkers} workers × ${d.prefetchFactor} (${d.why})`, d.time);
    }
    this.#decisionsMarked = decisions.length;
  }

  /** Copies what the run recorded into reactive state (a few times a second, not per step). */
  publish(): void {
    const { recorder } = this.source();
    if (recorder && recorder.version !== this.figures.seriesVersion) {
      this.figures.seriesVersion = recorder.version;
      this.series = { ...recorder.series, loss: [...recorder.series.loss] };
    }
    this.figures.publish();
  }

  batch(batch: Parameters<typeof snapshotBatch>[0]): void {
    const now = performance.now();
    if (now - this.#lastStrip < STRIP_EVERY_MS) return;
    this.#lastStrip = now;
    this.recent = [snapshotBatch(batch, ++this.#snapshots), ...this.recent].slice(0, 4); // a unique key even when an epoch starts over
  }

  stopPolling(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  reset(): void {
    this.recent = [];
    this.stats = null;
    this.rates = NO_RATES;
    this.series = emptySeries();
    this.stalledMs = 0;
    this.uiMsPerSecond = 0;
    this.trace.clear();
    this.#meter.reset();
    this.figures.reset();
  }
}
