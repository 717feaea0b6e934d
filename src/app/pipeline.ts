/**
 * The playground's one pipeline: one DataLoader feeding one consumer, the
 * Trainer's fit or a simulated step of `stepMs` (loader-only mode). Not
 * reactive: the session (session.svelte.ts) turns its events into state.
 *
 * NOTE: live loader changes
 *
 *   segment: loader_k ──> consumer (fit epochs left) ──┐ a loader setting changed:
 *                                                      │ gate.swapAt(segment) ends it
 *                                                      │ at the next batch boundary
 *   state = loader_k.state(); close ───────────────────┘
 *   loader_k+1 = new DataLoader(options', { resumeFrom: state }) ──> the SAME consumer
 *
 * - numWorkers and prefetchFactor are not in the state's basis: the batches
 *   stay identical. A state the new options refuse (batchSize changed) starts
 *   that epoch's data over, and `note` says so; `epochBase` keeps the epochs
 *   a person reads counting on.
 * - The Trainer (model, optimizer state) lives across segments; each segment
 *   is one `fit` call, so its step counts add up here.
 */
import { DataLoader, ImageDataset, OptionError, type Batch, type DataLoaderOptions, type LoaderEnvironment, type LoaderState } from '../loader/index.ts';
import type { Evaluation, StepTiming, Trainer } from '../train/index.ts';
import { sleep, type ConsumerGate } from './consumer-gate.ts';
import type { PlaygroundSettings } from './settings.svelte.ts';
import type { SimulatedSplits } from './pipeline-data.ts';
import { latencyEnvironment } from './simulated-latency.ts';

/** Steps between mid-epoch checkpoints: closing the tab loses at most this many. */
export const SAVE_EVERY = 20;
/** How often the held-out slice is evaluated while training. */
export const EVAL_EVERY_MS = 3000;
export const EVAL_SAMPLES = 256;

export interface StepInfo {
  /** 1-based over the run (a resumed run continues its checkpoint's count). */
  step: number;
  /** 0-based epoch of the run's data. */
  epoch: number;
  batch: number;
  size: number;
  loss?: number;
  accuracy?: number;
  /** The step's time with the pause and the simulated compute moved out of the wait. */
  pausedMs: number;
  waitMs: number;
  /** Everything after the wait: upload, compute, readback (and the simulated extra compute). */
  computeMs: number;
  /** Of computeMs, the batch's upload to the device (0 in loader-only mode). */
  uploadMs: number;
  end: number;
  checkpoint?: string;
}

export interface PipelineEvents {
  loaderOpened(loader: DataLoader): void;
  step(info: StepInfo): void;
  /** A held-out slice (epochEnd false) or the whole test split at an epoch's end. */
  evaluated(evaluation: Evaluation, epochEnd: boolean, step: number): void;
  phase(phase: 'training' | 'evaluating'): void;
  /** Something a person should read: the data started over, where a resume continued. */
  note(text: string): void;
  /** The loader's position after each simulated step (the loader-only resume offer). */
  position?(state: LoaderState): void;
}

export interface PipelineInput {
  settings: PlaygroundSettings;
  splits: SimulatedSplits;
  /** Null: the simulated consumer. */
  trainer: Trainer | null;
  gate: ConsumerGate;
  signal: AbortSignal;
  events: PipelineEvents;
  /** Where the data continues (a checkpoint's or a saved loader position). */
  resumeFrom: LoaderState | null;
  /** Steps done before this run (a resumed checkpoint's). */
  stepOffset: number;
}

export class Pipeline {
  loader: DataLoader | null = null;
  #segment: AbortController | null = null;
  #epochBase = 0;
  #steps: number;
  #test: DataLoader | null = null;

  constructor(readonly input: PipelineInput) {
    this.#steps = input.stepOffset;
  }

  get steps(): number {
    return this.#steps;
  }

  /** Ends the current segment at the next batch boundary; the run goes on with the settings as they are then. */
  reopen(): void {
    if (this.#segment) this.input.gate.swapAt(this.#segment);
  }

  /** Runs to the last epoch; 'stopped' when the run's signal aborted. */
  async run(): Promise<'done' | 'stopped'> {
    const { signal, splits, trainer } = this.input;
    let state = this.input.resumeFrom;
    try {
      if (trainer && splits.test) this.#test = new DataLoader(splits.test, this.#testOptions());
      for (;;) {
        const loader = this.#open(state);
        if (signal.aborted) return 'stopped';
        const segment = new AbortController();
        const stop = () => segment.abort('stop');
        signal.addEventListener('abort', stop);
        this.#segment = segment;
        try {
          const left = this.input.settings.epochs - (this.#epochBase + loader.epoch);
          if (left < 1) return 'done';
          const view = this.input.gate.wrap(loader, segment.signal);
          await (trainer ? this.#fit(trainer, view, left, segment.signal) : this.#simulate(view, left, segment.signal));
        } finally {
          signal.removeEventListener('abort', stop);
          this.#segment = null;
        }
        if (signal.aborted) return 'stopped';
        if (segment.signal.reason !== 'swap') return 'done';
        state = loader.state();
        loader.close();
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    this.loader?.close();
    this.#test?.close();
  }

  #options(): DataLoaderOptions {
    return { ...this.input.settings.loaderOptions(), ...this.input.splits.options };
  }

  #testOptions(): DataLoaderOptions {
    const { augment: _, ...options } = this.#options();
    return { ...options, shuffle: false, numWorkers: options.numWorkers === 0 ? 0 : 1, prefetchFactor: 2 };
  }

  /** The simulated slow network, on image datasets (a custom dataset's workers run its own module). */
  #environment(): LoaderEnvironment | undefined {
    const { latencyMs, jitterMs } = this.input.settings;
    return this.input.splits.dataset instanceof ImageDataset ? latencyEnvironment({ latencyMs, jitterMs }) : undefined;
  }

  /** The next loader: continuing `state` when its options allow, else that epoch's data from its start. */
  #open(state: LoaderState | null): DataLoader {
    // Typed as images: training only ever opens images (openTrainData), and the
    // loader-only consumer and the batch strip read only what every batch has
    // (snapshotBatch looks at the shape), so a custom dataset's batches pass too.
    const dataset = this.input.splits.dataset as ImageDataset;
    const env = this.#environment();
    let loader: DataLoader;
    if (!state) loader = new DataLoader(dataset, this.#options(), env);
    else {
      try {
        loader = new DataLoader(dataset, { ...this.#options(), resumeFrom: state }, env);
      } catch (error) {
        // Only a refused state starts the data over; any other bad option is the run's error.
        if (!(error instanceof OptionError) || !error.message.includes('resumeFrom')) throw error;
        this.#epochBase += state.epoch;
        this.input.events.note(`epoch ${this.#epochBase + 1} starts its data over: ${error.message}`);
        loader = new DataLoader(dataset, this.#options(), env);
      }
    }
    this.loader = loader;
    this.input.events.loaderOpened(loader);
    return loader;
  }

  /** What the consumer's timing was, with the gate's pause and simulated compute moved where they belong. */
  #split(timing: Pick<StepTiming, 'waitMs'> & { busyMs: number }): Pick<StepInfo, 'pausedMs' | 'waitMs' | 'computeMs'> {
    const { lastHeldMs, lastExtraMs } = this.input.gate;
    return {
      pausedMs: lastHeldMs,
      waitMs: Math.max(0, timing.waitMs - lastHeldMs - lastExtraMs),
      computeMs: timing.busyMs + lastExtraMs,
    };
  }

  async #fit(trainer: Trainer, view: DataLoader, epochs: number, signal: AbortSignal): Promise<void> {
    const { events } = this.input;
    const first = this.#epochBase + view.epoch; // the run's epoch of this fit's first
    const base = this.#steps;
    await trainer.fit(view, {
      epochs,
      signal,
      checkpointEvery: trainer.checkpoint ? SAVE_EVERY : undefined,
      validation: this.#test!,
      evalEveryMs: EVAL_EVERY_MS,
      evalSamples: EVAL_SAMPLES,
      onPhase: (phase) => events.phase(phase),
      onEval: (e) => events.evaluated(e, false, base + e.step),
      onEpoch: (e) => {
        if (e.validation) events.evaluated(e.validation, true, this.#steps);
      },
      onStep: (e) => {
        this.#steps = base + e.step;
        const { waitMs, uploadMs, computeMs, syncMs } = e.timing;
        events.step({
          step: this.#steps,
          epoch: first + e.epoch,
          batch: e.batch,
          size: e.size,
          loss: e.loss,
          accuracy: e.accuracy,
          ...this.#split({ waitMs, busyMs: uploadMs + computeMs + syncMs }),
          uploadMs,
          end: performance.now(),
          checkpoint: e.checkpoint,
        });
      },
    });
  }

  /** Loader-only mode: a consumer that holds each batch for `stepMs`, as a training step would. */
  async #simulate(view: DataLoader, epochs: number, signal: AbortSignal): Promise<void> {
    const { events, settings } = this.input;
    for (let e = 0; e < epochs && !signal.aborted; e++) {
      const epoch = this.#epochBase + view.epoch;
      const iterator = view[Symbol.asyncIterator]();
      try {
        for (;;) {
          const boundary = performance.now();
          const next = await iterator.next();
          const t1 = performance.now();
          if (next.done || signal.aborted) break;
          const batch: Batch = next.value;
          await sleep(settings.stepMs, signal);
          batch.release();
          const end = performance.now();
          this.#steps++;
          events.step({
            step: this.#steps,
            epoch,
            batch: batch.index,
            size: batch.size,
            ...this.#split({ waitMs: t1 - boundary, busyMs: end - t1 }),
            uploadMs: 0,
            end,
          });
          if (!signal.aborted) events.position?.(view.state());
        }
      } finally {
        await iterator.return?.();
      }
    }
  }
}
