/**
 * Typed errors of training. Every one is a `FeedlineError` (from the loader),
 * so an app can catch the whole family with one `instanceof`.
 */
import { FeedlineError } from '../loader/index.ts';
import type { FitResult } from './fit-types.ts';

/** A backend could not be used: forced and unavailable, or none at all. */
export class BackendError extends FeedlineError {
  override name = 'BackendError';
  constructor(
    readonly backend: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * The GPU device went away mid-run (driver reset, another tab took the GPU,
 * `device.destroy()`). The run stopped; `result` keeps what it measured up to
 * there, and a checkpoint saved before can be resumed on another backend.
 */
export class DeviceLostError extends FeedlineError {
  override name = 'DeviceLostError';
  constructor(
    readonly backend: string,
    /** GPUDeviceLostInfo.reason: 'destroyed' or 'unknown'. */
    readonly reason: string,
    readonly detail: string,
    /** What the run did before the loss: steps, epochs, losses. */
    readonly result: FitResult,
  ) {
    super(
      `The ${backend} device was lost (${reason}${detail ? `: ${detail}` : ''}) after ${result.steps} steps: ` +
        'the run stopped with its metrics kept; resume from the last checkpoint on another backend ' +
        "(`Trainer.load(name, { backend: 'webgl' })`)",
    );
  }
}

/** A checkpoint is missing, incomplete, or does not fit. */
export class CheckpointError extends FeedlineError {
  override name = 'CheckpointError';
  constructor(
    readonly checkpoint: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}
