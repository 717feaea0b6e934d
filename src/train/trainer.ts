/// <reference types="@webgpu/types" />
/**
 * Trainer: a tfjs model trained from a DataLoader on the best backend there is.
 *
 *   const trainer = new Trainer({ model: 'mlp', learningRate: 1e-3 });
 *   const result = await trainer.fit(loader, { epochs: 3, signal, onStep, onEpoch });
 *   const { accuracy, confusion, misclassified } = await trainer.evaluate(testLoader, { detail: true });
 *   await trainer.save('mnist-mlp');  ...  await Trainer.load('mnist-mlp', { backend: 'webgl' });
 *
 * With `checkpoint` set, fit saves the weights with `loader.state()` at each
 * epoch end (and every `checkpointEvery` steps): after `Trainer.load(name)`,
 * `new DataLoader(dataset, { ...options, resumeFrom: trainer.loaderState })`
 * continues the interrupted run on the batch after the last one trained.
 *
 * The backend is chosen when the Trainer is created (`await trainer.ready`);
 * a preset model is built from the first batch's shape and the dataset's
 * classes. One fit or evaluate runs at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError, type Batch, type DataLoader, type LoaderState, type Normalize } from '../loader/index.ts';
import { currentDevice, parsePreference, selectBackend, type BackendChoice, type BackendName, type BackendPreference } from './backend.ts';
import { deleteCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint, type CheckpointInfo } from './checkpoints.ts';
import { BackendError, DeviceLostError } from './errors.ts';
import { DeviceWatch } from './device-watch.ts';
import { evaluateModel, type Evaluation } from './evaluate.ts';
import { runFit, type FitContext } from './fit-loop.ts';
import { emptyFitResult, type FitOptions, type FitResult } from './fit-types.ts';
import { outputKind, type OutputKind } from './loss.ts';
import { modelFor, type InputShape } from './models.ts';
import { Pacer } from './pacer.ts';
import { StepRunner } from './train-step.ts';
import { resolveTrainerOptions, type OptimizerName, type TrainerOptions } from './trainer-options.ts';
import { affineFor, createUploader, type Uploaded, type Uploader, type UploadPath } from './upload.ts';

/** Epochs and steps trained, a loaded checkpoint's included. */
type History = { epochs: number; steps: number };

export class Trainer {
  /** Resolves once the backend runs; rejects with a BackendError if none can. */
  readonly ready: Promise<BackendChoice>;
  readonly optimizerName: OptimizerName;
  readonly learningRate: number;
  readonly lossEvery: number;
  readonly normalize: Normalize;
  readonly checkpoint: string | null;
  /** On the CPU backend, the longest one slice of a step computes before the page gets a turn. */
  readonly maxBlockMs: number;
  // One per kind of work: a forward pass costs a fraction of a training step per sample, so each measures its own.
  #pacer: Pacer = new Pacer(false, Infinity);
  #evalPacer: Pacer = new Pacer(false, Infinity);
  readonly #steps = new StepRunner();
  #choice: BackendChoice | null = null;
  #model: tf.LayersModel | null;
  #preset: string | null;
  #ownsModel: boolean;
  readonly #uploadPath: UploadPath | 'auto';
  #optimizer: tf.Optimizer | null = null;
  #uploader: Uploader | null = null;
  #classes: string[] | null = null;
  #kind: OutputKind = 'logits';
  #history: History = { epochs: 0, steps: 0 };
  #loaderState: LoaderState | null = null;
  readonly #device = new DeviceWatch();
  #busy = false;

  constructor(options: TrainerOptions) {
    const resolved = resolveTrainerOptions(options);
    this.#preset = resolved.preset;
    this.#model = resolved.model;
    this.#ownsModel = resolved.model === null; // a preset is built, and disposed, here
    if (resolved.model) this.#kind = outputKind(resolved.model);
    this.optimizerName = resolved.optimizer;
    this.learningRate = resolved.learningRate;
    this.lossEvery = resolved.lossEvery;
    this.#uploadPath = resolved.upload;
    this.normalize = resolved.normalize;
    this.checkpoint = resolved.checkpoint;
    this.maxBlockMs = resolved.maxBlockMs;
    this.ready = this.#start(options.backend ?? 'auto', '`new Trainer({ backend })`');
    this.ready.catch(() => {}); // reported through fit/evaluate; unobserved is not unhandled
  }

  async #start(backend: BackendPreference | BackendChoice, source: string): Promise<BackendChoice> {
    const choice = typeof backend === 'object' ? backend : await selectBackend(parsePreference(backend), source);
    if (tf.getBackend() !== choice.name) await selectBackend(choice.name, source);
    this.#choice = choice;
    this.#pacer = new Pacer(choice.name === 'cpu', this.maxBlockMs);
    this.#evalPacer = new Pacer(choice.name === 'cpu', this.maxBlockMs);
    this.#device.watch(currentDevice());
    return choice;
  }

  /** The backend that runs ('webgpu', 'webgl', 'cpu'); null until `ready`. */
  get backend(): BackendName | null { return this.#choice?.name ?? null; } // prettier-ignore
  /** The backend with why it runs and what was passed over; null until `ready`. */
  get backendChoice(): BackendChoice | null { return this.#choice; } // prettier-ignore

  /** The model; for a preset, null until the first batch arrives. */
  get model(): tf.LayersModel | null { return this.#model; } // prettier-ignore
  get preset(): string | null { return this.#preset; } // prettier-ignore
  /** The upload path in use; null until the first batch. */
  get uploadPath(): UploadPath | null { return this.#uploader?.path ?? null; } // prettier-ignore

  /** Epochs and steps over this model's whole history (a loaded checkpoint's included). */
  get history(): Readonly<History> {
    return { ...this.#history };
  }

  /**
   * The training loader's state saved with the checkpoint this Trainer was
   * loaded from (null for a new Trainer, or a record saved without one):
   * pass it as the loader's `resumeFrom` to continue where the run stopped.
   */
  get loaderState(): LoaderState | null {
    return this.#loaderState;
  }

  /** The device-lost report, once the WebGPU device is gone. */
  get deviceLost(): { reason: string; message: string } | null {
    const lost = this.#device.lost;
    return lost ? { reason: lost.reason, message: lost.message } : null;
  }

  /**
   * Trains for `epochs` epochs (default 1). Resolves with status 'aborted' when
   * `signal` aborts (the held batch is released and the loader stays usable);
   * rejects with DeviceLostError, carrying the metrics so far, if the GPU goes.
   */
  async fit(loader: DataLoader, options: FitOptions = {}): Promise<FitResult> {
    return this.#exclusive('fit', async () => {
      await this.#ensureRunnable();
      this.#steps.dropCorrect(); // a new fit counts its own
      return runFit(this.#fitContext(), loader, options);
    });
  }

  /**
   * Loss, accuracy and confusion matrix over one epoch of `loader`; with
   * `detail`, also up to a dozen misclassified samples with their pixels.
   */
  async evaluate(loader: DataLoader, options: { signal?: AbortSignal; detail?: boolean } = {}): Promise<Evaluation> {
    return this.#exclusive('evaluate', async () => {
      await this.#ensureRunnable();
      return this.#evaluate(loader, { signal: options.signal, detail: options.detail });
    });
  }

  #evaluate(loader: DataLoader, options: { signal?: AbortSignal; limit?: number; detail?: boolean }): Promise<Evaluation> {
    const { signal, limit, detail } = options;
    return evaluateModel(loader, {
      limit,
      detail,
      current: () => ({ model: this.#model!, classes: this.#classes!.length, kind: this.#kind }),
      prepare: (batch) => this.#prepare(loader, batch),
      slices: (n, run) => this.#evalPacer.slices(n, run),
      signal,
    });
  }

  #fitContext(): FitContext {
    return {
      lossEvery: this.lossEvery,
      backend: this.#choice!.name,
      prepare: (loader, batch) => this.#prepare(loader, batch),
      // One optimizer step (train-step.ts); with readLoss, [loss, correct since the last read].
      step: (input, readLoss) =>
        this.#steps.step({ model: this.#model!, optimizer: this.#optimizer!, classes: this.#classes!.length, kind: this.#kind, pacer: this.#pacer }, input, readLoss),
      untilLost: (promise) => this.#device.until(promise),
      lost: () => this.#device.lost,
      evaluate: (loader, options) => this.#evaluate(loader, options),
      checkpoint: this.checkpoint,
      saveCheckpoint: async (loaderState) => (this.checkpoint ? (await this.#save(this.checkpoint, loaderState)).name : undefined),
      addHistory: (epochs, steps) => {
        this.#history.epochs += epochs;
        this.#history.steps += steps;
      },
    };
  }

  /** The batch's input tensors, building the model and the uploader on the first one. */
  #prepare(loader: DataLoader, batch: Batch): Uploaded {
    try {
      this.#ensureModel(loader, batch);
      this.#uploader ??= createUploader(this.#uploadPath, affineFor(this.normalize, batch.shape[3]), batch);
      return this.#uploader.upload(batch);
    } finally {
      batch.release(); // idempotent: upload() released it as soon as the bytes were safe
    }
  }

  #ensureModel(loader: DataLoader, batch: Batch): void {
    const classes = [...loader.dataset.classes];
    if (this.#classes && this.#classes.length !== classes.length) {
      throw new OptionError(`\`Trainer\`: this loader's dataset has ${classes.length} classes; the model was built for ${this.#classes.length}.`);
    }
    this.#classes ??= classes;
    const model = modelFor(this.#model, this.#preset, batch.shape.slice(1) as InputShape, classes.length);
    if (model !== this.#model) {
      this.#model = model;
      this.#kind = outputKind(model);
    }
    this.#optimizer ??= this.optimizerName === 'adam' ? tf.train.adam(this.learningRate) : tf.train.sgd(this.learningRate);
  }

  async #ensureRunnable(): Promise<void> {
    const choice = await this.ready;
    const lost = this.#device.lost;
    if (lost) throw new DeviceLostError(choice.name, lost.reason, lost.message, emptyFitResult());
    if (tf.getBackend() !== choice.name) {
      throw new BackendError(
        choice.name,
        `\`Trainer\`: this trainer runs on ${choice.name} but the active tfjs backend is now ${tf.getBackend()} (another Trainer or selectBackend() switched it); create a new Trainer or load a checkpoint.`,
      );
    }
  }

  async #exclusive<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.#busy) throw new OptionError(`\`Trainer.${what}\`: the trainer is busy with another fit, evaluate or save; await it first.`);
    this.#busy = true;
    try {
      return await run();
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Saves the model and its record under `name` (see checkpoints.ts), with the
   * training loader's `state()` if given, so the run can resume there.
   */
  async save(name: string, loaderState?: LoaderState): Promise<CheckpointInfo> {
    return this.#exclusive('save', () => this.#save(name, loaderState));
  }

  async #save(name: string, loaderState?: LoaderState): Promise<CheckpointInfo> {
    if (!this.#model || !this.#classes) {
      throw new OptionError('`Trainer.save`: there is no model yet: fit or evaluate once so the preset is built from a batch.');
    }
    const { normalize, optimizerName: optimizer, learningRate } = this;
    return saveCheckpoint(this.#model, {
      name,
      preset: this.#preset,
      classes: this.#classes,
      normalize,
      optimizer,
      learningRate,
      inputShape: this.#model.inputs[0].shape.slice(1) as InputShape,
      backend: this.#choice?.name ?? tf.getBackend(),
      ...this.#history,
      savedAt: Date.now(),
      ...(loaderState ? { loaderState } : {}),
    });
  }

  /**
   * A Trainer over a saved checkpoint: the backend is chosen first (so the
   * weights load onto it), then the weights and the record are read.
   * `overrides` may change the backend, learning rate, optimizer, checkpoint.
   */
  static async load(name: string, overrides: Partial<Omit<TrainerOptions, 'model'>> = {}): Promise<Trainer> {
    const source = '`Trainer.load(name, { backend })`';
    const backend = overrides.backend ?? 'auto';
    const choice = typeof backend === 'object' ? backend : await selectBackend(parsePreference(backend), source);
    const { model, record } = await loadCheckpoint(name);
    const trainer = new Trainer({
      optimizer: record.optimizer as OptimizerName,
      learningRate: record.learningRate,
      normalize: record.normalize,
      ...overrides,
      model,
      backend: choice,
    });
    trainer.#ownsModel = true;
    trainer.#preset = record.preset;
    trainer.#classes = record.classes;
    trainer.#history = { epochs: record.epochs, steps: record.steps };
    trainer.#loaderState = record.loaderState ?? null;
    await trainer.ready;
    return trainer;
  }

  static list(): Promise<CheckpointInfo[]> {
    return listCheckpoints();
  }

  static delete(name: string): Promise<void> {
    return deleteCheckpoint(name);
  }

  /** Frees the uploader, the optimizer and (unless the caller supplied it) the model. */
  dispose(): void {
    this.#steps.dropCorrect();
    this.#uploader?.dispose();
    this.#uploader = null;
    this.#optimizer?.dispose();
    this.#optimizer = null;
    if (this.#ownsModel) this.#model?.dispose();
    this.#model = null;
  }
}
