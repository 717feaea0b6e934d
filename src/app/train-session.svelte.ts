/**
 * The dev page's training run: a DataLoader over a dataset's train split, a
 * Trainer from src/train, evaluation on the test split after each epoch, and
 * the checkpoints in IndexedDB.
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
 *      `epochs`; if its settings changed (batch size) the loader refuses the
 *      state, the page says why and the run starts the data over.
 *        │ stop() / page hidden: abort ──> fit resolves 'aborted' ──> 'stopped'
 *        │ device lost ──> DeviceLostError ──> 'device-lost': metrics kept,
 *        │                                     resume from a checkpoint elsewhere
 *        └─ done ──> 'done'
 *   Each run owns its loaders and trainer and disposes them in its finally;
 *   a run whose AbortController is no longer current writes nothing.
 */
import { DataLoader, ImageDataset, OptionError, type Normalize } from '../loader/index.ts';
import type { BackendChoice, BackendPreference, CheckpointInfo, StepTiming, Trainer } from '../train/index.ts';
import { backendLine, backendParam } from './backend-line.ts';
// By path, not through src/train/index.ts: that would pull tfjs into the page's first chunk. Plain functions, no tfjs.
import { addTiming, zeroTiming } from '../train/fit-types.ts';
import { datasetEntry } from './datasets.ts';

type TrainModule = typeof import('../train/index.ts');
export type TrainStatus = 'idle' | 'starting' | 'training' | 'done' | 'stopped' | 'device-lost' | 'error';

interface TrainData {
  id: string;
  label: string;
  image?: { width: number; height: number };
  normalize: Normalize;
}

/**
 * What the training panel can train on. Shapes are resized to 32×32 so a CNN
 * step stays small (its workers still decode the 160×160 JPEGs: decoding stays
 * the heavy part).
 */
export const TRAIN_DATASETS: readonly TrainData[] = [
  { id: 'mnist', label: 'mnist', normalize: { mean: 0.1307, std: 0.3081 } },
  { id: 'shapes', label: 'shapes at 32×32', image: { width: 32, height: 32 }, normalize: { mean: 0.5, std: 0.25 } },
  { id: 'fixtures', label: 'fixtures', normalize: { mean: 0.5, std: 0.25 } },
];

/** Steps between mid-epoch checkpoints: closing the tab loses at most this many. */
export const SAVE_EVERY = 20;

let loading: Promise<TrainModule> | null = null;
const loadTrain = () => (loading ??= import('../train/index.ts'));

export class TrainSession {
  dataset = $state('mnist');
  preset = $state('mlp');
  backend = $state<BackendPreference>('auto');
  optimizer = $state<'adam' | 'sgd'>('adam');
  learningRate = $state(0.001);
  batchSize = $state(64);
  epochs = $state(2);

  status = $state<TrainStatus>('idle');
  error = $state<string | null>(null);
  /** Where a resumed run continued, or why it could not continue the data where it stopped. */
  resumeNote = $state<string | null>(null);
  choice = $state.raw<BackendChoice | null>(null);
  /** The line under the backend badge (backend-line.ts); null until a backend is chosen. */
  backendReason = $state<string | null>(null);
  uploadPath = $state<string | null>(null);
  step = $state(0);
  epoch = $state(0);
  stepsPerEpoch = $state(0);
  /** The loader epoch the run's first epoch is (a resumed run continues its checkpoint's). */
  epochOffset = $state(0);
  /** Epochs this run's fit trains. */
  fitEpochs = $state(0);
  loss = $state<number | null>(null);
  accuracy = $state<number | null>(null);
  /** Summed step timings of the run. */
  timing = $state.raw<StepTiming>(zeroTiming());
  checkpoints = $state.raw<CheckpointInfo[]>([]);
  /** Model presets, from src/train once it has loaded. */
  presets = $state.raw<Array<{ name: string; description: string }>>([{ name: 'mlp', description: '' }]);

  /** The run's last epoch, 1-based over the checkpoint's whole data history. */
  readonly lastEpoch = $derived(this.epochOffset + (this.fitEpochs || this.epochs));
  readonly running = $derived(this.status === 'starting' || this.status === 'training');
  #abort: AbortController | null = null;
  /** Who forces the backend: the URL parameter until the control changes it. */
  #source = 'the backend control';

  constructor(search: string) {
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

  stop(why = 'stopped'): void {
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
      // Checkpoints are named <dataset>-<preset>: a resumed one trains on its own dataset.
      const entry = TRAIN_DATASETS.find((d) => (resumeFrom ?? `${this.dataset}-`).startsWith(`${d.id}-`)) ?? TRAIN_DATASETS[0];
      const source = datasetEntry(entry.id);
      if (source.kind !== 'manifest') throw new Error(`"${entry.id}" has no manifest with a test split to train on`);
      const manifest = source.manifest;
      const [trainSet, testSet] = await Promise.all([ImageDataset.fromManifest(manifest, 'train'), ImageDataset.fromManifest(manifest, 'test')]);
      if (abort.signal.aborted) return;
      const backend = train.parsePreference(this.backend, this.#source);
      const checkpoint = resumeFrom ?? `${entry.id}-${this.preset}`;
      trainer = resumeFrom
        ? await train.Trainer.load(resumeFrom, { backend, checkpoint })
        : new train.Trainer({
            model: this.preset,
            backend,
            optimizer: this.optimizer,
            learningRate: this.learningRate,
            normalize: entry.normalize,
            checkpoint,
          });
      this.#chose(await trainer.ready);
      if (abort.signal.aborted) return;
      const state = resumeFrom ? trainer.loaderState : null;
      // A reloaded page has lost the batch size control's value: the state knows the run's.
      if (state) this.batchSize = state.basis.batchSize;
      const options = { batchSize: this.batchSize, numWorkers: 2, image: entry.image };
      const trainOptions = { ...options, shuffle: true, seed: 1 };
      let trainLoader: DataLoader;
      let epochs = this.epochs;
      try {
        trainLoader = new DataLoader(trainSet, state ? { ...trainOptions, resumeFrom: state } : trainOptions);
        if (state) {
          // The epochs left of the run; a finished run trains `epochs` more from where its data stands.
          epochs = this.epochs - state.epoch >= 1 ? this.epochs - state.epoch : this.epochs;
          this.epochOffset = state.epoch;
          this.resumeNote = `continued at epoch ${state.epoch + 1}, batch ${state.consumed + 1}`;
        }
      } catch (error) {
        if (!(error instanceof OptionError)) throw error;
        this.resumeNote = `the data starts over: ${error.message}`;
        trainLoader = new DataLoader(trainSet, trainOptions);
      }
      loaders.push(trainLoader, new DataLoader(testSet, options));
      this.fitEpochs = epochs;
      this.status = 'training';
      this.stepsPerEpoch = loaders[0].length;
      const result = await trainer.fit(loaders[0], {
        epochs,
        checkpointEvery: SAVE_EVERY,
        signal: abort.signal,
        validation: loaders[1],
        onStep: (e) => {
          if (this.#abort !== abort) return;
          this.step = e.step;
          this.epoch = e.epoch + this.epochOffset;
          this.uploadPath = trainer!.uploadPath;
          if (e.loss !== undefined) this.loss = e.loss;
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
      if (result.status === 'aborted' && typeof abort.signal.reason === 'string') this.error = `stopped: ${abort.signal.reason}`;
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
    this.epochOffset = 0;
    this.fitEpochs = this.epochs;
    this.step = 0;
    this.epoch = 0;
    this.loss = null;
    this.accuracy = null;
    this.uploadPath = null;
    this.timing = zeroTiming();
  }
}
