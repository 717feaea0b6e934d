/**
 * The playground's link to src/train: which backend runs and why, the model
 * presets, the checkpoints in IndexedDB, and a Trainer for a run (new, or
 * loaded from a checkpoint). src/train (and tfjs, a 1.25 MB chunk) is
 * imported dynamically, after the page has painted.
 *
 * A training run marks its checkpoint name in localStorage until it ends:
 * after a reload the page offers to resume that run (`unfinished`).
 */
import type { LoaderState } from '../loader/index.ts';
import type { BackendChoice, CheckpointInfo, Trainer } from '../train/index.ts';
import { backendLine, backendParam } from './backend-line.ts';
import type { PlaygroundSettings } from './settings.svelte.ts';
import { nextRunName, trainFamily } from './train-data.ts';

type TrainModule = typeof import('../train/index.ts');
let loading: Promise<TrainModule> | null = null;
export const loadTrain = (): Promise<TrainModule> => (loading ??= import('../train/index.ts'));

const UNFINISHED_KEY = 'feedline:training-run';

export interface RunTrainer {
  trainer: Trainer;
  /** Steps over the model's history before this run. */
  stepOffset: number;
  /** Where a resumed run's data continues. */
  state: LoaderState | null;
  runName: string;
}

export class TrainHub {
  choice = $state.raw<BackendChoice | null>(null);
  reason = $state<string | null>(null);
  /** Why src/train could not load or no backend runs: an honest state, not a blank. */
  error = $state<string | null>(null);
  presets = $state.raw<Array<{ name: string; description: string }>>([{ name: 'mlp', description: '' }]);
  checkpoints = $state.raw<CheckpointInfo[]>([]);
  /** The checkpoint of a training run that did not end (a reload, a closed tab), while it exists. */
  unfinished = $state<string | null>(readUnfinished());
  /** Who forces the backend: the URL parameter until the control changes it. */
  #source = 'the backend control';

  constructor(readonly settings: PlaygroundSettings, search: string) {
    const param = backendParam(search);
    if (param) {
      settings.backend = param.value as PlaygroundSettings['backend']; // validated by parsePreference in probe()
      this.#source = param.source;
    }
  }

  /** The run's checkpoint offered for resuming, with its record; null when none. */
  get offer(): CheckpointInfo | null {
    return this.checkpoints.find((c) => c.name === this.unfinished) ?? null;
  }

  setBackend(value: PlaygroundSettings['backend']): void {
    this.settings.backend = value;
    this.#source = 'the backend control';
  }

  /** Shows which backend would run and lists the checkpoints. */
  async probe(): Promise<void> {
    try {
      const train = await loadTrain();
      this.presets = train.PRESETS.map(({ name, description }) => ({ name, description }));
      this.#chose(await train.selectBackend(train.parsePreference(this.settings.backend, this.#source), this.#source));
      this.error = null;
      await this.refresh();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  async refresh(): Promise<void> {
    const train = await loadTrain();
    this.checkpoints = await train.Trainer.list();
  }

  async remove(name: string): Promise<void> {
    const train = await loadTrain();
    await train.Trainer.delete(name);
    if (name === this.unfinished) this.finished();
    await this.refresh();
  }

  /** A Trainer for a new run, or one loaded from checkpoint `resume` (the settings follow its batch size). */
  async trainer(resume: string | null): Promise<RunTrainer> {
    const train = await loadTrain();
    const s = this.settings;
    const backend = train.parsePreference(s.backend, this.#source);
    // A new run never overwrites an earlier run's checkpoint; a resumed one goes on saving to its own.
    const runName = resume ?? nextRunName(s.dataset, s.model, (await train.Trainer.list()).map((c) => c.name));
    const trainer = resume
      ? await train.Trainer.load(resume, { backend, checkpoint: runName })
      : new train.Trainer({
          model: s.model,
          backend,
          optimizer: s.optimizer,
          learningRate: s.learningRate,
          normalize: trainFamily(s.dataset)!.normalize,
          checkpoint: runName,
        });
    this.#chose(await trainer.ready);
    const state = resume ? trainer.loaderState : null;
    if (state) s.batchSize = state.basis.batchSize;
    writeUnfinished(runName);
    this.unfinished = runName;
    return { trainer, stepOffset: trainer.history.steps, state, runName };
  }

  /** The run ended by itself: nothing to offer after a reload. */
  finished(): void {
    writeUnfinished(null);
    this.unfinished = null;
  }

  #chose(choice: BackendChoice): void {
    this.choice = choice;
    this.reason = backendLine(choice, this.#source);
  }
}

function readUnfinished(): string | null {
  try {
    return globalThis.localStorage?.getItem(UNFINISHED_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeUnfinished(name: string | null): void {
  try {
    if (name) globalThis.localStorage?.setItem(UNFINISHED_KEY, name);
    else globalThis.localStorage?.removeItem(UNFINISHED_KEY);
  } catch {
    // Storage blocked: the checkpoint list still offers Resume.
  }
}
