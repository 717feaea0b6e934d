/**
 * The dev page's training run: a DataLoader over a dataset's train split, a
 * Trainer from src/train, evaluation on the test split after each epoch, and
 * the checkpoints in IndexedDB. The dataset, batch size, workers and epochs
 * are the page's loader settings: one set of settings, not a second one.
 *
 * src/train (and tfjs, a 1.25 MB chunk) is imported dynamically, after the
 * page has painted: `connect()` starts the import and shows which backend
 * would run.
 *
 * NOTE: run lifecycle
 *
 *   start() / resume(name, backend) ──> Trainer (new or loaded) ──> fit(epochs,
 *      validation: test split, checkpoint at each epoch end and every
 *      SAVE_EVERY steps, with the train loader's state)
 *   resume: the train loader continues from the checkpoint's loader state
 *      (the batch after the last one trained) for the epochs left of
 *      `epochs`, on the checkpoint's dataset and batch size (the settings
 *      follow them); if the loader refuses the state, the page says why and
 *      the run starts the data over.
 *        │ stop() / page hidden: abort ──> fit resolves 'aborted' ──> 'stopped'
 *        │ device lost ──> DeviceLostError ──> 'device-lost': metrics kept,
 *        │                                     resume from a checkpoint elsewhere
 *        └─ done ──> 'done'
 *   Each run owns its loaders and trainer and disposes them in its finally;
 *   a run whose AbortController is no longer current writes nothing.
 */
import { OptionError, type DataLoader } from '../loader/index.ts';
import type { BackendChoice, BackendPreference, CheckpointInfo, StepTiming, Trainer } from '../train/index.ts';
import { backendLine, backendParam } from './backend-line.ts';
// By path, not through src/train/index.ts: that would pull tfjs into the page's first chunk. Plain functions, no tfjs.
import { addTiming, zeroTiming } from '../train/fit-types.ts';
import { DATASETS } from './datasets.ts';
import type { LoaderSettings } from './settings.svelte.ts';
import { datasetOfCheckpoint, epochsProblem, nextRunName, openLoaders, openSplits, trainFamily, untrainable } from './train-data.ts';

type TrainModule = typeof import('../train/index.ts');
export type TrainStatus = 'idle' | 'starting' | 'training' | 'evaluating' | 'done' | 'stopped' | 'device-lost' | 'error';

/** The abort reason of the Stop button (and of a new run replacing one). */
const STOP_BUTTON = 'stopped';

/** How often the held-out slice is evaluated while training. */
export const EVAL_EVERY_MS = 3000;

/** Steps between mid-epoch checkpoints: closing the tab loses at most this many. */
export const SAVE_EVERY = 20;

let loading: Promise<TrainModule> | null = null;
const loadTrain = () => (loading ??= import('../train/index.ts'));

export class TrainSession {
  /** The page's loader settings: dataset, batchSize, numWorkers, epochs and the rest. */
  readonly settings: LoaderSettings;
  preset = $state('mlp');
  backend = $state<BackendPreference>('auto');
  optimizer = $state<'adam' | 'sgd'>('adam');
  learningRate = $state(0.001);
  /** Samples of the test split evaluated every EVAL_EVERY_MS while training. */
  evalSamples = $state(256);

  status = $state<TrainStatus>('idle');
  error = $state<string | null>(null);
  /** Where a resumed run continued, or why it could not continue the data where it stopped. */
  resumeNote = $state<string | null>(null);
  /** Why a run stopped when something other than the Stop button stopped it ("the page was hidden"): not an error. */
  stopNote = $state<string | null>(null);
  /** The checkpoint this run saves to: a new name per run, the same one when resumed. */
  runName = $state<string | null>(null);
  choice = $state.raw<BackendChoice | null>(null);
  /** The line under the backend badge (backend-line.ts); null until a backend is chosen. */
  backendReason = $state<string | null>(null);
  uploadPath = $state<string | null>(null);
  /** Steps over the model's whole history: a resumed run continues its checkpoint's count. */
  step = $state(0);
  /** Steps of this run alone: what `timing` sums over. */
  runSteps = $state(0);
  epoch = $state(0);
  stepsPerEpoch = $state(0);
  /** The loader epoch the run's first epoch is (a resumed run continues its checkpoint's). */
  epochOffset = $state(0);
  /** Epochs this run's fit trains. */
  fitEpochs = $state(0);
  loss = $state<number | null>(null);
  /** Test accuracy at the last epoch end. */
  accuracy = $state<number | null>(null);
  /** Running train accuracy: the batches since the last readback. */
  trainAccuracy = $state<number | null>(null);
  /** Test accuracy on the held-out slice, the last time it was evaluated. */
  slice = $state.raw<{ accuracy: number; samples: number; step: number } | null>(null);
  /** Summed step timings of the run. */
  timing = $state.raw<StepTiming>(zeroTiming());
  checkpoints = $state.raw<CheckpointInfo[]>([]);
  /** Model presets, from src/train once it has loaded. */
  presets = $state.raw<Array<{ name: string; description: string }>>([{ name: 'mlp', description: '' }]);

  /** The run's last epoch, 1-based over the checkpoint's whole data history. */
  get lastEpoch(): number {
    return this.epochOffset + (this.fitEpochs || this.settings.epochs);
  }
  /** Why the settings cannot train now (a folder dataset, epochs 0), or null. Getters over state are reactive too. */
  get problem(): string | null {
    return untrainable(this.settings.dataset) ?? epochsProblem(this.settings.epochs);
  }
  readonly running = $derived(this.status === 'starting' || this.status === 'training' || this.status === 'evaluating');
  #abort: AbortController | null = null;
  /** Who forces the backend: the URL parameter until the control changes it. */
  #source = 'the backend control';

  constructor(settings: LoaderSettings, search: string) {
    this.settings = settings;
    const param = backendParam(search);
    if (param) {
      this.backend = param.value as BackendPreference; // validated by parsePreference in connect()
      this.#source = param.source;
    }
  }

  /** Loads src/train after the page painted, shows the backend, lists checkpoints; returns the cleanup. */
  connect(): () => void {
    void this.#probe();
    const onVisibility = () => {
      if (document.visibilityState === 'hidden' && this.running) this.stop('the page was hidden');
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      this.stop('the page was closed');
    };
  }

  setBackend(value: BackendPreference): void {
    this.backend = value;
    this.#source = 'the backend control';
    if (!this.running) void this.#probe();
  }

  #chose(choice: BackendChoice): void {
    this.choice = choice;
    this.backendReason = backendLine(choice, this.#source);
  }

  async #probe(): Promise<void> {
    try {
      const train = await loadTrain();
      this.presets = train.PRESETS.map(({ name, description }) => ({ name, description }));
      this.#chose(await train.selectBackend(train.parsePreference(this.backend, this.#source), this.#source));
      this.checkpoints = await train.Trainer.list();
    } catch (error) {
      this.#fail(error);
    }
  }

  start(): Promise<void> {
    return this.#run(null);
  }

  /** Continues from a checkpoint on the backend now selected. */
  resume(name: string): Promise<void> {
    return this.#run(name);
  }

  stop(why = STOP_BUTTON): void {
    this.#abort?.abort(why);
  }

  async remove(name: string): Promise<void> {
    const train = await loadTrain();
    await train.Trainer.delete(name);
    this.checkpoints = await train.Trainer.list();
  }

  async #run(resumeFrom: string | null): Promise<void> {
    this.stop();
    const abort = new AbortController();
    this.#abort = abort;
    this.#reset();
    this.status = 'starting';
    let trainer: Trainer | null = null;
    const loaders: DataLoader[] = [];
    try {
      const train = await loadTrain();
      // Checkpoints are named <dataset>-<preset>...: a resumed one trains on its own dataset.
      const datasetId = resumeFrom ? (datasetOfCheckpoint(resumeFrom, DATASETS.map((d) => d.id)) ?? this.settings.dataset) : this.settings.dataset;
      const problem = untrainable(datasetId) ?? epochsProblem(this.settings.epochs);
      if (problem) throw new OptionError(`Train: ${problem}.`);
      const family = trainFamily(datasetId)!;
      const { train: trainSet, test: testSet } = await openSplits(datasetId);
      if (abort.signal.aborted) return;
      const backend = train.parsePreference(this.backend, this.#source);
      // A new run never overwrites an earlier run's checkpoint; a resumed one goes on saving to its own.
      const checkpoint = resumeFrom ?? nextRunName(datasetId, this.preset, (await train.Trainer.list()).map((c) => c.name));
      this.runName = checkpoint;
      trainer = resumeFrom
        ? await train.Trainer.load(resumeFrom, { backend, checkpoint })
        : new train.Trainer({
            model: this.preset,
            backend,
            optimizer: this.optimizer,
            learningRate: this.learningRate,
            normalize: family.normalize,
            checkpoint,
          });
      this.#chose(await trainer.ready);
      if (abort.signal.aborted) return;
      const stepOffset = trainer.history.steps;
      this.step = stepOffset;
      const state = resumeFrom ? trainer.loaderState : null;
      // The page's settings follow the resumed run: its dataset and batch size (a reload lost them).
      if (state) this.settings.batchSize = state.basis.batchSize;
      if (resumeFrom) this.settings.dataset = datasetId;
      const options = { ...this.settings.loaderOptions(), image: family.image };
      const opened = openLoaders(trainSet, testSet, options, state, this.settings.epochs);
      loaders.push(opened.train, opened.test);
      const { epochs } = opened;
      this.epochOffset = opened.epochOffset;
      this.resumeNote = opened.resumeNote;
      this.fitEpochs = epochs;
      this.status = 'training';
      this.stepsPerEpoch = loaders[0].length;
      const result = await trainer.fit(loaders[0], {
        epochs,
        checkpointEvery: SAVE_EVERY,
        signal: abort.signal,
        validation: loaders[1],
        evalEveryMs: EVAL_EVERY_MS,
        evalSamples: Math.max(1, Math.round(this.evalSamples) || 1),
        onPhase: (phase) => {
          if (this.#abort === abort) this.status = phase;
        },
        onEval: (e) => {
          if (this.#abort === abort) this.slice = { accuracy: e.accuracy, samples: e.samples, step: stepOffset + e.step };
        },
        onStep: (e) => {
          if (this.#abort !== abort) return;
          this.step = stepOffset + e.step;
          this.runSteps = e.step;
          this.epoch = e.epoch + this.epochOffset;
          this.uploadPath = trainer!.uploadPath;
          if (e.loss !== undefined) this.loss = e.loss;
          if (e.accuracy !== undefined) this.trainAccuracy = e.accuracy;
          if (e.checkpoint) void train.Trainer.list().then((list) => this.#abort === abort && (this.checkpoints = list));
          this.timing = addTiming(this.timing, e.timing);
        },
        onEpoch: async (e) => {
          if (this.#abort !== abort) return;
          this.accuracy = e.validation?.accuracy ?? null;
          this.checkpoints = await train.Trainer.list();
        },
      });
      if (this.#abort === abort) this.status = result.status === 'aborted' ? 'stopped' : 'done';
      // A stop is not an error: the status says 'stopped'; a reason other than the Stop button is a neutral note.
      const why = abort.signal.reason;
      if (result.status === 'aborted' && typeof why === 'string' && why !== STOP_BUTTON) this.stopNote = `stopped: ${why}`;
    } catch (error) {
      if (this.#abort === abort) this.#fail(error);
    } finally {
      trainer?.dispose();
      loaders.forEach((l) => l.close());
      if (this.#abort === abort) {
        this.#abort = null;
        void loadTrain().then(async (train) => (this.checkpoints = await train.Trainer.list()));
      }
    }
  }

  #fail(error: unknown): void {
    const lost = error instanceof Error && error.name === 'DeviceLostError';
    this.status = lost ? 'device-lost' : 'error';
    this.error = error instanceof Error ? error.message : String(error);
  }

  #reset(): void {
    this.error = null;
    this.resumeNote = null;
    this.stopNote = null;
    this.runName = null;
    this.epochOffset = 0;
    this.fitEpochs = 0; // set once the run's epochs are validated and known
    this.step = 0;
    this.runSteps = 0;
    this.epoch = 0;
    this.loss = null;
    this.accuracy = null;
    this.trainAccuracy = null;
    this.slice = null;
    this.uploadPath = null;
    this.timing = zeroTiming();
  }
}
