/**
 * The run's figures: step, epoch, loss, accuracies and the summed step time.
 * Steps come many times a second; they are counted in plain fields and
 * published to reactive state by `publish()` (the session's poll, 5 times a
 * second), so a fast model never makes the page re-render per step.
 */
import type { StepInfo } from './pipeline.ts';

export interface StepTotals {
  steps: number;
  waitMs: number;
  computeMs: number;
  /** Of computeMs, the batches' uploads to the device. */
  uploadMs: number;
  pausedMs: number;
}

const zero = (): StepTotals => ({ steps: 0, waitMs: 0, computeMs: 0, uploadMs: 0, pausedMs: 0 });

/** The headline judges the last this-many steps: a live change (more workers) shows within seconds. */
export const RECENT_STEPS = 50;

export class SessionFigures {
  /** Steps over the model's whole history (a resumed run continues its checkpoint's count), 1-based. */
  step = $state(0);
  /** 0-based epoch of the run's data; shown as epoch + 1. */
  epoch = $state(0);
  stepsPerEpoch = $state(0);
  loss = $state<number | null>(null);
  trainAccuracy = $state<number | null>(null);
  /** The held-out slice's latest test accuracy. */
  slice = $state.raw<{ accuracy: number; samples: number; step: number } | null>(null);
  /** The whole test split's accuracy at the latest epoch end. */
  epochAccuracy = $state<number | null>(null);
  totals = $state.raw<StepTotals>(zero());
  /** The same sums over the last RECENT_STEPS steps only. */
  recent = $state.raw<StepTotals>(zero());
  /** The recorder version last copied into the session's series. */
  seriesVersion = -1;

  #pending: StepInfo | null = null;
  #loss: number | null = null;
  #accuracy: number | null = null;
  #totals = zero();
  /** The last RECENT_STEPS steps' [waitMs, computeMs, pausedMs], oldest first. */
  #window: [number, number, number][] = [];

  addStep(info: StepInfo): void {
    this.#pending = info;
    if (info.loss !== undefined) this.#loss = info.loss;
    if (info.accuracy !== undefined) this.#accuracy = info.accuracy;
    const t = this.#totals;
    t.steps++;
    t.waitMs += info.waitMs;
    t.computeMs += info.computeMs;
    t.uploadMs += info.uploadMs;
    t.pausedMs += info.pausedMs;
    this.#window.push([info.waitMs, info.computeMs, info.pausedMs]);
    if (this.#window.length > RECENT_STEPS) this.#window.shift();
  }

  evaluated(accuracy: number, samples: number, epochEnd: boolean, step: number): void {
    if (epochEnd) this.epochAccuracy = accuracy;
    else this.slice = { accuracy, samples, step };
  }

  publish(): void {
    const info = this.#pending;
    if (!info) return;
    this.#pending = null;
    this.step = info.step;
    this.epoch = info.epoch;
    this.loss = this.#loss;
    this.trainAccuracy = this.#accuracy;
    this.totals = { ...this.#totals };
    const recent = zero();
    for (const [wait, compute, paused] of this.#window) {
      recent.steps++;
      recent.waitMs += wait;
      recent.computeMs += compute;
      recent.pausedMs += paused;
    }
    this.recent = recent;
  }

  reset(): void {
    this.#pending = null;
    this.#loss = null;
    this.#accuracy = null;
    this.#totals = zero();
    this.#window = [];
    this.recent = zero();
    this.step = 0;
    this.epoch = 0;
    this.loss = null;
    this.trainAccuracy = null;
    this.slice = null;
    this.epochAccuracy = null;
    this.totals = zero();
    this.seriesVersion = -1;
  }
}
