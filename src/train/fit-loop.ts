/// <reference types="@webgpu/types" />
/**
 * The training loop behind `Trainer.fit`.
 *
 * NOTE: a step
 *
 *   boundary ──> next batch ──> prepare: tensors, slot released ──> step issued ──> [read loss, save], page's turn ──> boundary
 *   waitMs                      uploadMs                            computeMs        syncMs
 *
 * - The four parts partition the wall-clock interval between two step
 *   boundaries, so they add up to the step time exactly, on every backend:
 *   time the loop spends anywhere lands in one of them. Whatever blocks the
 *   main thread lands where it blocks: GPU backpressure in the upload, the
 *   step or the readback. The previous step's onStep listener runs inside
 *   this interval before the wait; it is counted in syncMs, so a slow
 *   listener never reads as a data stall.
 *   An epoch starts a new boundary: validation and epoch-end saves are not
 *   step time.
 * - The loss is read back only every `lossEvery` steps and at an epoch's
 *   last batch: a readback waits for the GPU queue to drain, so reading it
 *   every step would serialize CPU and GPU. Between readbacks the GPU runs
 *   behind the loop; its time shows up in the next readback's syncMs.
 *
 * NOTE: stopping
 *
 *   signal aborts ──> iterator.return(): the loader's epoch stops, a waiting
 *                     next() wakes up done, the held batch is released
 *   step throws  ──┐
 *   device lost  ──┴> finally: the step's tensors are disposed, iterator.return()
 *
 * Every path disposes the step's tensors and ends the loader's epoch, so the
 * loader can run another epoch and `tf.memory().numTensors` is where it was.
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError, type Batch, type DataLoader, type LoaderState } from '../loader/index.ts';
import { DeviceLostError } from './errors.ts';
import type { Evaluation } from './evaluate.ts';
import { addTiming, zeroTiming, type EpochEvent, type FitOptions, type FitResult, type StepEvent, type StepTiming } from './fit-types.ts';
import { yieldToPage } from './pacer.ts';
import type { Uploaded } from './upload.ts';

/** What the loop needs from its Trainer. */
export interface FitContext {
  lossEvery: number;
  backend: string;
  prepare(loader: DataLoader, batch: Batch): Uploaded;
  /**
   * One step. With `readLoss`, a tensor [loss, correct]: the batch's loss and
   * the correct predictions of every batch since the previous read, counted
   * on the device alongside the loss; else null.
   */
  step(input: Uploaded, readLoss: boolean): Promise<tf.Tensor1D | null>;
  /**
   * `promise`, or a rejection as soon as the GPU device is lost: a readback
   * on a lost device may never settle.
   */
  untilLost<T>(promise: Promise<T>): Promise<T>;
  lost(): GPUDeviceLostInfo | null;
  /** One epoch of `loader`, or its first batches of at least `limit` samples; `detail` adds misclassified samples. */
  evaluate(loader: DataLoader, options: { signal?: AbortSignal; limit?: number; detail?: boolean }): Promise<Evaluation>;
  /** The trainer's checkpoint name, or null when it saves none. */
  checkpoint: string | null;
  /** Saves the checkpoint, with the loader's state, if the trainer has one; its name. */
  saveCheckpoint(loaderState: LoaderState): Promise<string | undefined>;
  addHistory(epochs: number, steps: number): void;
}

/** What carries across the epochs of one fit. */
interface FitState {
  /** Samples trained since the last readback: the denominator of its train accuracy. */
  sinceRead: number;
  /** When the held-out slice was last evaluated (or the fit started). */
  lastEval: number;
  /** Training time before the next slice: evalEveryMs, or EVAL_GAP_FACTOR times the last slice's time if longer. */
  evalGapMs: number;
  /** Slices evaluated so far in this fit. */
  slices: number;
}

/**
 * A slice that takes d ms waits at least this many times d of training before
 * the next one, so evaluating stays under a fifth of the run where the device
 * is slow (a software adapter can take seconds per slice).
 */
const EVAL_GAP_FACTOR = 4;

/** The training time before the next slice, after one that took `evalMs`; evalEveryMs 0 means after every step. */
export function nextEvalGap(evalEveryMs: number, evalMs: number): number {
  return evalEveryMs > 0 ? Math.max(evalEveryMs, EVAL_GAP_FACTOR * evalMs) : 0;
}

interface EpochRun {
  aborted: boolean;
  steps: number;
  losses: number[];
  timing: StepTiming;
}

export async function runFit(ctx: FitContext, loader: DataLoader, options: FitOptions): Promise<FitResult> {
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new OptionError(`\`Trainer.fit\` option \`epochs\` must be an integer of at least 1; got ${options.epochs}.`);
  }
  const every = options.checkpointEvery;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
    throw new OptionError(`\`Trainer.fit\` option \`checkpointEvery\` must be an integer of at least 1 (steps); got ${every}.`);
  }
  if (every !== undefined && !ctx.checkpoint) {
    throw new OptionError(
      '`Trainer.fit` option `checkpointEvery` needs a checkpoint name to save under: create the Trainer with `checkpoint: name`.',
    );
  }
  checkEvalOptions(options);
  const result: FitResult = { status: 'completed', epochs: 0, steps: 0, samples: 0, losses: [], epochLog: [], timing: zeroTiming() };
  const { signal } = options;
  const state: FitState = { sinceRead: 0, lastEval: performance.now(), evalGapMs: options.evalEveryMs ?? 0, slices: 0 };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const run = await runEpoch(ctx, loader, epoch, options, result, state);
      if (run.aborted) {
        result.status = 'aborted';
        break;
      }
      result.epochs++;
      ctx.addHistory(1, 0);
      const mean = run.losses.reduce((a, b) => a + b, 0) / run.losses.length;
      const event: EpochEvent = { epoch, steps: run.steps, loss: mean, timing: run.timing };
      if (options.validation) {
        options.onPhase?.('evaluating');
        try {
          event.validation = await ctx.untilLost(ctx.evaluate(options.validation, { signal, detail: true }));
        } catch (error) {
          if (!signal?.aborted) throw error;
          result.status = 'aborted';
          break;
        }
        state.lastEval = performance.now(); // a whole evaluation just ran: the next slice is due later
        if (epoch + 1 < epochs) options.onPhase?.('training');
      }
      // After the epoch's last step: the state is { epoch: next, consumed: 0 }.
      const checkpoint = await ctx.untilLost(ctx.saveCheckpoint(loader.state()));
      if (checkpoint) event.checkpoint = checkpoint;
      result.epochLog.push(event);
      await options.onEpoch?.(event);
    }
  } catch (error) {
    result.status = 'failed';
    const lost = ctx.lost();
    // After a device loss every GPU call fails somehow: report the cause.
    if (lost && !(error instanceof DeviceLostError)) throw lostError(ctx, lost, result);
    throw error;
  }
  return result;
}

function checkEvalOptions(options: FitOptions): void {
  const { evalEveryMs, evalSamples } = options;
  if (evalEveryMs !== undefined && !(evalEveryMs >= 0)) {
    throw new OptionError(`\`Trainer.fit\` option \`evalEveryMs\` must be a number of milliseconds of at least 0; got ${evalEveryMs}.`);
  }
  if (evalEveryMs !== undefined && !options.validation) {
    throw new OptionError('`Trainer.fit` option `evalEveryMs` evaluates the `validation` loader: pass one (the held-out split).');
  }
  if (evalSamples !== undefined && (!Number.isInteger(evalSamples) || evalSamples < 1)) {
    throw new OptionError(`\`Trainer.fit\` option \`evalSamples\` must be an integer of at least 1; got ${evalSamples}.`);
  }
}

async function runEpoch(
  ctx: FitContext,
  loader: DataLoader,
  epoch: number,
  options: FitOptions,
  result: FitResult,
  state: FitState,
): Promise<EpochRun> {
  const { signal, onStep } = options;
  const run: EpochRun = { aborted: false, steps: 0, losses: [], timing: zeroTiming() };
  if (signal?.aborted) return { ...run, aborted: true };
  const iterator = loader[Symbol.asyncIterator]();
  const stop = () => void iterator.return?.(); // wakes a waiting next() (see NOTE: stopping)
  signal?.addEventListener('abort', stop);
  try {
    let boundary = performance.now(); // where this step's wall-clock interval starts (see NOTE: a step)
    let listenerMs = 0; // the previous step's onStep listener: in this step's interval, counted as sync, not as a data stall
    for (;;) {
      const next = await iterator.next();
      const t1 = performance.now();
      if (signal?.aborted) return { ...run, aborted: true };
      if (next.done) return run;
      const lost = ctx.lost();
      if (lost) throw lostError(ctx, lost, result);
      const batch = next.value;
      const input = ctx.prepare(loader, batch);
      const t2 = performance.now();
      const step = result.steps + 1;
      const read = step % ctx.lossEvery === 0 || batch.index === loader.length - 1;
      let cost: tf.Tensor1D | null;
      try {
        cost = await ctx.step(input, read);
      } finally {
        tf.dispose([input.x, input.y]);
      }
      const t3 = performance.now();
      let loss: number | undefined;
      let accuracy: number | undefined;
      state.sinceRead += batch.size;
      if (cost) {
        try {
          const [value, correct] = await ctx.untilLost(cost.data());
          loss = value;
          accuracy = correct / state.sinceRead;
          state.sinceRead = 0;
        } finally {
          cost.dispose();
        }
      }
      result.steps = step;
      result.samples += batch.size;
      ctx.addHistory(0, 1);
      run.steps++;
      if (loss !== undefined) {
        run.losses.push(loss);
        result.losses.push({ step, loss, accuracy: accuracy! });
      }
      const event: StepEvent = { step, epoch, batch: batch.index, size: batch.size, loss, accuracy, timing: zeroTiming() };
      if (options.checkpointEvery && step % options.checkpointEvery === 0) {
        // After the step on the batch the loader counts as consumed (see
        // loader.state()). A step that ended the loader's epoch is left to the
        // epoch-end save, which follows validation.
        const state = loader.state();
        if (state.epoch === batch.epoch) {
          const name = await ctx.untilLost(ctx.saveCheckpoint(state));
          if (name) event.checkpoint = name;
        }
      }
      // The page's turn (pacer.ts): a loop whose batches are always ready would otherwise run on microtasks alone.
      await yieldToPage();
      const end = performance.now();
      event.timing = { waitMs: t1 - boundary - listenerMs, uploadMs: t2 - t1, computeMs: t3 - t2, syncMs: end - t3 + listenerMs };
      boundary = end;
      run.timing = addTiming(run.timing, event.timing);
      result.timing = addTiming(result.timing, event.timing);
      onStep?.(event);
      listenerMs = performance.now() - end;
      const { validation, evalEveryMs } = options;
      if (validation && evalEveryMs !== undefined && performance.now() - state.lastEval >= state.evalGapMs) {
        options.onPhase?.('evaluating');
        const evalStart = performance.now();
        let evaluation: Evaluation;
        try {
          evaluation = await ctx.untilLost(ctx.evaluate(validation, { signal, limit: options.evalSamples ?? 256 }));
        } catch (error) {
          if (signal?.aborted) return { ...run, aborted: true };
          throw error;
        }
        options.onEval?.({ step, epoch, ...evaluation });
        options.onPhase?.('training');
        state.lastEval = performance.now();
        // The first slice also compiles the evaluation's kernels: its time says little about the next one's.
        state.evalGapMs = ++state.slices === 1 ? evalEveryMs : nextEvalGap(evalEveryMs, state.lastEval - evalStart);
        boundary = state.lastEval; // an evaluation is not step time
        listenerMs = 0; // nor is the listener before it: the new boundary comes after both
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await iterator.return?.();
  }
}

function lostError(ctx: FitContext, lost: GPUDeviceLostInfo, result: FitResult): DeviceLostError {
  return new DeviceLostError(ctx.backend, lost.reason, lost.message, { ...result, status: 'failed' });
}
