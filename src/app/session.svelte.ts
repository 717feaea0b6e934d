/**
 * The playground's session: one run at a time of the one pipeline
 * (pipeline.ts), its state for every view, and the controls' verbs.
 *
 * NOTE: run lifecycle
 *
 *   start() ──> open data ──> [train: Trainer, new or from a checkpoint] ──> Pipeline.run()
 *     pause() / resume(): the consumer holds at the next batch boundary (consumer-gate.ts)
 *     a loader setting changes: pipeline.reopen() (see NOTE: live loader changes)
 *     dataset or consumer changes: the run starts again
 *   ──> 'done' | 'stopped' (Stop, the page hidden) | 'error' ──> onRunEnd(RunRecord)
 *
 * Every run gets a fresh AbortController; a run whose controller is no longer
 * current writes nothing, so an old run finishing late never clobbers a newer
 * one. Stopping is not an error: its status says 'stopped' and a reason other
 * than the Stop button is a neutral note.
 */
import type { LoaderState } from '../loader/index.ts';
import type { Trainer } from '../train/index.ts';
import { ConsumerGate } from './consumer-gate.ts';
import { DATASETS, openBundled, type OpenedDataset } from './datasets.ts';
import { describeFailure, type Failure } from './failure.ts';
import { openLoaderData, openTrainData } from './pipeline-data.ts';
import { Pipeline, type StepInfo } from './pipeline.ts';
import { startSlots } from './loader-plan.ts';
import { clearSavedRun, loadSavedRun, saveRun, type SavedRun } from './resume-store.ts';
import { RunRecorder } from './run-recorder.ts';
import { evalDetailOf, startingPoint } from './run-start.ts';
import type { EvalDetail, RunRecord } from './run-record.ts';
import { SessionFigures } from './session-figures.svelte.ts';
import { SessionLive } from './session-live.svelte.ts';
import { LIVE_LOADER_KEYS, NEXT_START_KEYS, positionKey } from './session-keys.ts';
import type { PlaygroundValues } from './playground-values.ts';
import type { PlaygroundSettings } from './settings.svelte.ts';
import { TraceBuffer } from './trace-buffer.ts';
import { datasetOfCheckpoint, epochsProblem } from './train-data.ts';
import { TrainHub } from './train-hub.svelte.ts';

export type SessionStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

const STOP_BUTTON = 'stopped';

export class PlaygroundSession {
  status = $state<SessionStatus>('idle');
  phase = $state<'training' | 'evaluating'>('training');
  failure = $state.raw<Failure | null>(null);
  /** Neutral lines: why a run stopped, where a resume continued, which settings wait for the next Start. */
  notes = $state.raw<string[]>([]);
  classes = $state.raw<readonly string[]>([]);
  evalDetail = $state.raw<EvalDetail | null>(null);
  runName = $state<string | null>(null);
  /** Paused and the consumer stopped at the gate: the step after which it holds. */
  heldAfter = $state<number | null>(null);
  /** The loader-only run's saved position (this visit or an earlier one). */
  saved = $state.raw<SavedRun | null>(loadSavedRun());
  readonly figures = new SessionFigures();
  readonly trace = new TraceBuffer();
  /** The loader's live figures, the batch strip and the series, polled a few times a second. */
  readonly live = new SessionLive(this.figures, this.trace, () => ({ loader: this.#pipeline?.loader ?? null, recorder: this.#recorder, running: this.status === 'running' }));
  readonly hub: TrainHub;
  readonly running = $derived(this.status === 'starting' || this.status === 'running' || this.status === 'paused');
  /** Called once per run that got going, with its record (run history keeps it). */
  onRunEnd: (record: RunRecord) => void = () => {};

  #abort: AbortController | null = null;
  #pipeline: Pipeline | null = null;
  #gate: ConsumerGate | null = null;
  #recorder: RunRecorder | null = null;
  /** The settings the run started with, and those the current loader was opened with. */
  #startValues: PlaygroundValues | null = null;
  #openedValues: PlaygroundValues | null = null;

  constructor(
    readonly settings: PlaygroundSettings,
    search: string,
    readonly open: (id: string) => Promise<OpenedDataset> = openBundled,
  ) {
    this.hub = new TrainHub(settings, search);
  }

  /** The ring and lanes the settings would make, before a run has any. */
  get plannedSlots(): number {
    return this.live.stats ? this.live.slots : startSlots(this.settings);
  }

  /** The loader-only saved position, when it belongs to the current settings and nothing runs. */
  get resumable(): SavedRun | null {
    const s = this.settings;
    return !this.running && s.consumer === 'simulated' && this.saved?.key === positionKey(s) ? this.saved : null;
  }

  /** Loads src/train after the page painted; a hidden page stops a run (an embed pauses instead). Returns the cleanup. */
  connect({ stopWhenHidden = true } = {}): () => void {
    void this.hub.probe();
    const onVisibility = () => stopWhenHidden && document.visibilityState === 'hidden' && this.running && this.stop('the page was hidden');
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      this.stop('the page was closed');
    };
  }

  /** Starts a run; `resume` continues a checkpoint (by name) or the loader's saved position ('position'). */
  async start(resume: string | 'position' | null = null): Promise<void> {
    const position = resume === 'position' ? (this.resumable?.state ?? null) : null;
    this.#end(STOP_BUTTON);
    const abort = new AbortController();
    this.#abort = abort;
    const s = this.settings;
    this.#startValues = s.values();
    this.#openedValues = null;
    this.#resetView();
    this.status = 'starting';
    const train = s.consumer === 'train';
    let trainer: Trainer | null = null;
    let ended: RunRecord['status'] = 'error';
    try {
      const epochs = epochsProblem(s.epochs);
      if (epochs) throw new RangeError(`Start: ${epochs}.`);
      if (resume && resume !== 'position') s.dataset = datasetOfCheckpoint(resume, DATASETS.map((d) => d.id)) ?? s.dataset;
      const splits = train ? await openTrainData(s.dataset) : await openLoaderData(s.dataset, this.open);
      if (abort.signal.aborted) return;
      this.classes = splits.classes;
      const made = train ? await this.hub.trainer(resume !== 'position' ? resume : null) : null;
      trainer = made?.trainer ?? null;
      if (abort.signal.aborted) return;
      this.runName = made?.runName ?? null;
      const state = made ? made.state : position;
      const stepOffset = made?.stepOffset ?? 0;
      const start = startingPoint(state, s.epochs, train);
      s.epochs = start.epochs;
      if (start.note) this.#note(start.note);
      this.figures.step = stepOffset;
      const gate = new ConsumerGate({
        onBatch: (b) => this.live.batch(b),
        extraComputeMs: () => s.extraComputeMs,
        onHeld: () => {
          if (this.#abort !== abort) return;
          this.live.publish();
          this.heldAfter = this.figures.step;
        },
      });
      this.#gate = gate;
      this.#recorder = new RunRecorder(s.values());
      const pipeline = new Pipeline({
        settings: s,
        splits,
        trainer,
        gate,
        signal: abort.signal,
        resumeFrom: state,
        stepOffset,
        events: {
          loaderOpened: (loader) => {
            this.#openedValues = s.values();
            this.live.opened(loader);
          },
          step: (info) => this.#abort === abort && this.#onStep(info),
          evaluated: (e, epochEnd) => {
            if (this.#abort !== abort) return;
            this.#recorder?.accuracy(epochEnd ? 'epochAccuracy' : 'testAccuracy', e.accuracy);
            this.figures.evaluated(e.accuracy, e.samples, epochEnd, this.figures.step);
            this.evalDetail = evalDetailOf(e) ?? this.evalDetail;
          },
          phase: (phase) => this.#abort === abort && (this.phase = phase),
          note: (text) => this.#abort === abort && this.#note(text),
          position: (state) => this.#abort === abort && this.#savePosition(state),
        },
      });
      this.#pipeline = pipeline;
      this.status = this.#gate.paused ? 'paused' : 'running';
      const result = await pipeline.run();
      if (this.#abort !== abort) return;
      ended = result === 'done' ? 'done' : 'stopped';
      this.status = ended;
      if (ended === 'done') {
        if (train) this.hub.finished();
        else this.discardSaved();
      }
      const why = abort.signal.reason;
      if (ended === 'stopped' && typeof why === 'string' && why !== STOP_BUTTON) this.#note(`stopped: ${why}`);
    } catch (error) {
      if (this.#abort !== abort) return;
      this.status = 'error';
      this.failure = describeFailure(error, s);
    } finally {
      trainer?.dispose();
      if (this.#abort === abort) {
        this.live.sample();
        this.live.publish();
        const recorder = this.#recorder;
        if (recorder && recorder.steps > 0) this.onRunEnd(recorder.record(ended, train ? (this.hub.choice?.name ?? null) : null));
        this.live.stopPolling();
        this.#abort = null;
        this.#pipeline = null;
        if (train) void this.hub.refresh();
      }
    }
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.#gate?.pause();
    this.status = 'paused';
    this.trace.addMark('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.#gate?.resume();
    this.status = 'running';
    this.heldAfter = null;
    this.trace.addMark('resumed');
  }

  /** Stops the run; `why` other than the Stop button is shown as a neutral note. */
  stop(why = STOP_BUTTON): void {
    if (!this.running) return;
    this.#gate?.resume();
    this.#abort?.abort(why);
  }

  /** Stops any run and clears every view: the page as it opened. */
  reset(): void {
    this.#end(STOP_BUTTON); // the run writes nothing more, and records nothing
    this.status = 'idle';
    this.#resetView();
  }

  /**
   * A loader setting changed (`label`: "numWorkers 2→4"): a running pipeline reopens its
   * loader at the next batch boundary, the model kept; a failed run (a bad option) runs again.
   */
  loaderChanged(label: string): void {
    if (this.status === 'error') return void this.start();
    if (!this.running || !this.#pipeline) return;
    // A change the current loader already has (made just before it opened) needs no reopening.
    const opened = this.#openedValues;
    if (opened && LIVE_LOADER_KEYS.every((key) => opened[key] === this.settings[key])) return;
    this.trace.addMark(label);
    this.#pipeline.reopen();
  }

  /** The dataset or the consumer changed (or a folder was picked): a running or failed run starts again on it. */
  restart(): void {
    if (this.running || this.status === 'error') void this.start();
  }

  /** Says once, while a run goes on, that a setting waits for the next Start. */
  nextStart(label: string): void {
    const started = this.#startValues;
    if (!this.running || !started || NEXT_START_KEYS.every((key) => started[key] === this.settings[key])) return;
    this.#note(`${label}: applies at the next Start (this run keeps its model and optimizer)`);
  }

  discardSaved(): void {
    clearSavedRun();
    this.saved = null;
  }

  dispose(): void {
    this.#end('the page was closed');
  }

  #onStep(info: StepInfo): void {
    this.#recorder?.step(info.size, info.waitMs, info.waitMs + info.computeMs, info.loss, info.accuracy);
    this.trace.addStep({ epoch: info.epoch, batch: info.batch, step: info.step, end: info.end, pausedMs: info.pausedMs, waitMs: info.waitMs, computeMs: info.computeMs });
    this.figures.addStep(info);
    if (info.checkpoint) void this.hub.refresh();
  }

  #savePosition(state: LoaderState): void {
    this.saved = { key: positionKey(this.settings), state, savedAt: Date.now() };
    saveRun(this.saved);
  }

  #note(text: string): void {
    if (!this.notes.includes(text)) this.notes = [...this.notes, text];
  }

  #resetView(): void {
    this.failure = null;
    this.notes = [];
    this.evalDetail = null;
    this.runName = null;
    this.phase = 'training';
    this.heldAfter = null;
    this.live.reset();
  }

  #end(why: string): void {
    this.#gate?.resume();
    this.#abort?.abort(why);
    this.#abort = null;
    this.live.stopPolling();
    this.#pipeline?.close();
    this.#pipeline = null;
  }
}
