/**
 * `new Trainer(options)`: the public shape, the defaults, and validation
 * with messages that say what to do.
 */
import type * as tf from '@tensorflow/tfjs';
import { OptionError, type Normalize } from '../loader/index.ts';
import type { BackendChoice, BackendPreference } from './backend.ts';
import { checkpointUrl } from './checkpoints.ts';
import { preset } from './models.ts';
import type { UploadPath } from './upload.ts';

export type OptimizerName = 'adam' | 'sgd';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];

export interface TrainerOptions {
  /** A preset name ('linear', 'mlp', 'cnn', 'cnn-tiny') or a tfjs LayersModel. */
  model: string | tf.LayersModel;
  /** 'auto' (default) tries webgpu, webgl, cpu; a name forces one; a `selectBackend()` result is used as is. */
  backend?: BackendPreference | BackendChoice;
  optimizer?: OptimizerName;
  /** Default 1e-3 for adam, 0.1 for sgd. */
  learningRate?: number;
  /** Per-channel mean and std on the 0..1 scale; default mean 0, std 1 (ToTensor only). */
  normalize?: Normalize;
  /** Ring slot to tensor: 'auto' (default: direct where it can run), 'default' or 'direct' (WebGPU only). */
  upload?: UploadPath | 'auto';
  /** Read the loss back every this many steps (and at each epoch's last batch). Default 10. */
  lossEvery?: number;
  /** Save a checkpoint under this name at the end of every epoch. */
  checkpoint?: string;
  /**
   * On the CPU backend (which computes on the main thread), the longest a step
   * or an evaluation computes before the page gets a turn: a longer step runs
   * in slices of the batch, with the same update. Default 25 ms (a slice may run to about twice that while it is measured); Infinity never splits.
   */
  maxBlockMs?: number;
}

export interface ResolvedTrainerOptions {
  /** The preset to build from the first batch, or null when `model` is given. */
  preset: string | null;
  model: tf.LayersModel | null;
  optimizer: OptimizerName;
  learningRate: number;
  lossEvery: number;
  upload: UploadPath | 'auto';
  normalize: Normalize;
  checkpoint: string | null;
  maxBlockMs: number;
}

function fail(option: string, fix: string, value: unknown): never {
  throw new OptionError(`\`Trainer\` option \`${option}\` ${fix}; got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`);
}

export function resolveTrainerOptions(options: TrainerOptions): ResolvedTrainerOptions {
  const { model } = options ?? ({} as TrainerOptions);
  let presetName: string | null = null;
  if (typeof model === 'string') presetName = preset(model).name; // throws on an unknown name
  else if (!model || typeof model.apply !== 'function' || !Array.isArray(model.layers)) {
    fail('model', 'must be a preset name or a tfjs LayersModel', model);
  }
  const optimizer = options.optimizer ?? 'adam';
  if (!OPTIMIZERS.includes(optimizer)) fail('optimizer', "must be 'adam' or 'sgd'", optimizer);
  const learningRate = options.learningRate ?? (optimizer === 'adam' ? 1e-3 : 0.1);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) fail('learningRate', 'must be a positive number', learningRate);
  const lossEvery = options.lossEvery ?? 10;
  if (!Number.isInteger(lossEvery) || lossEvery < 1) fail('lossEvery', 'must be an integer of at least 1', lossEvery);
  const upload = options.upload ?? 'auto';
  if (!['auto', 'default', 'direct'].includes(upload)) fail('upload', "must be 'auto', 'default' or 'direct'", upload);
  const maxBlockMs = options.maxBlockMs ?? 25;
  if (!(maxBlockMs > 0)) fail('maxBlockMs', 'must be a positive number of milliseconds (Infinity: never split a step)', maxBlockMs);
  const checkpoint = options.checkpoint ?? null;
  if (checkpoint !== null) checkpointUrl(checkpoint); // throws on a name the model store cannot take
  return {
    preset: presetName,
    model: typeof model === 'string' ? null : model,
    optimizer,
    learningRate,
    lossEvery,
    upload,
    normalize: { mean: options.normalize?.mean ?? 0, std: options.normalize?.std ?? 1 },
    checkpoint,
    maxBlockMs,
  };
}
