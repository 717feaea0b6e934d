/**
 * What `Trainer.fit` reports: per step, per epoch, and at the end.
 *
 * Timing is wall-clock on the main thread, and a step's four parts partition
 * the time from the previous step's end to its own (see NOTE: a step in
 * fit-loop.ts): they add up to the step time on every backend. `computeMs` is
 * the time to issue the step (on WebGPU and WebGL the GPU works after that
 * call returns), and the GPU time catches up in `syncMs` on the steps that
 * read the loss back (every `lossEvery` steps), or wherever the GPU makes the
 * main thread wait. Sum over steps, not per step, to compare compute with
 * data stalls.
 */
import type { DataLoader } from '../loader/index.ts';
import type { Evaluation } from './evaluate.ts';

export interface StepTiming {
  /**
   * Waiting for the loader's next batch: the data stall, from the previous
   * step's end (its onStep listener's time included) to the batch.
   */
  waitMs: number;
  /** From the batch to input tensors (its slot is released at the end of it). */
  uploadMs: number;
  /** Issuing forward, backward and the optimizer update. */
  computeMs: number;
  /** After the step is issued: the loss readback, a `checkpointEvery` save, and the page's turn (the loop yields after every step). */
  syncMs: number;
}

export interface StepEvent {
  /** Steps done in this fit call, counting this one (1-based). */
  step: number;
  /** 0-based epoch of this fit call. */
  epoch: number;
  /** Batch number in the epoch (the loader's order). */
  batch: number;
  /** Samples in the batch. */
  size: number;
  /** The mean loss of this batch, on the steps that read it back; else undefined. */
  loss?: number;
  /**
   * On the steps that read the loss back: the train accuracy (0..1) of every
   * batch since the previous readback, counted on the device with the loss.
   */
  accuracy?: number;
  timing: StepTiming;
  /** Name of the checkpoint saved after this step (`checkpointEvery`). */
  checkpoint?: string;
}

export interface EpochEvent {
  epoch: number;
  steps: number;
  /** Mean of the losses read back during the epoch. */
  loss: number;
  /** Summed timings of the epoch's steps. */
  timing: StepTiming;
  /** `validation` loader's result when given, with its misclassified samples (`detail`). */
  validation?: Evaluation;
  /** Name of the checkpoint saved at the end of this epoch, when `checkpoint` is set. */
  checkpoint?: string;
}

/** A test accuracy on the held-out slice, taken during training (`evalEveryMs`). */
export interface EvalEvent extends Evaluation {
  /** The step it followed. */
  step: number;
  epoch: number;
}

export interface FitOptions {
  epochs?: number;
  /** Stops the run mid-epoch; fit then resolves with status 'aborted'. */
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  onEpoch?: (event: EpochEvent) => void | Promise<void>;
  /** Evaluated after each epoch (e.g. the held-out split). */
  validation?: DataLoader;
  /**
   * Also evaluate the first `evalSamples` samples of `validation` (required)
   * whenever this many ms have passed since the last evaluation, between
   * steps: a test accuracy every few seconds. On a slow device the gap grows
   * to 4 times the last slice's evaluation time, so evaluating stays under a
   * fifth of the run. Unset: only at epoch ends.
   * Use an unshuffled loader so the slice is the same samples each time.
   */
  evalEveryMs?: number;
  /** The held-out slice's size for `evalEveryMs`, in samples (whole batches: at least this many). Default 256. */
  evalSamples?: number;
  onEval?: (event: EvalEvent) => void;
  /** 'evaluating' when an evaluation (a slice, or the epoch end's) starts; 'training' when training goes on after it. */
  onPhase?: (phase: 'training' | 'evaluating') => void;
  /**
   * Also save the checkpoint (the Trainer's `checkpoint` name, required)
   * every this many steps of this fit, with the loader's state, so a run
   * stopped mid-epoch resumes mid-epoch. Epoch ends always save.
   */
  checkpointEvery?: number;
}

export interface FitResult {
  /** 'failed': the run threw (the error carries this result, e.g. DeviceLostError). */
  status: 'completed' | 'aborted' | 'failed';
  /** Epochs run to the end. */
  epochs: number;
  steps: number;
  samples: number;
  /** The loss of every step that read it back, in order, with the train accuracy since the read before. */
  losses: Array<{ step: number; loss: number; accuracy: number }>;
  epochLog: EpochEvent[];
  timing: StepTiming;
}

/** A result with nothing done yet (a run that failed before its first step). */
export function emptyFitResult(): FitResult {
  return { status: 'failed', epochs: 0, steps: 0, samples: 0, losses: [], epochLog: [], timing: zeroTiming() };
}

/** No time spent: where a sum of step timings starts. */
export const zeroTiming = (): StepTiming => ({ waitMs: 0, uploadMs: 0, computeMs: 0, syncMs: 0 });

/** The sum of two timings, part by part (a new object). */
export function addTiming(a: StepTiming, b: StepTiming): StepTiming {
  return { waitMs: a.waitMs + b.waitMs, uploadMs: a.uploadMs + b.uploadMs, computeMs: a.computeMs + b.computeMs, syncMs: a.syncMs + b.syncMs };
}
