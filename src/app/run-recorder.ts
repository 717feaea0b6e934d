/**
 * A run's metric series as it goes (run-record.ts's RunSeries), and its
 * RunRecord once it ends. Plain data: the session copies `series` into its
 * reactive state when something was added (at most a few times a second).
 *
 * `step` counts the run's steps from 1 (consumed batches in loader-only
 * mode); `time` is ms since the run started.
 */
import { emptySeries, type RunRecord, type RunSeries, type RunSummary } from './run-record.ts';
import type { PlaygroundValues } from './playground-values.ts';

/** samplesPerSecond and waitShare are sampled about this often. */
export const RATE_EVERY_MS = 1000;

export class RunRecorder {
  readonly series: RunSeries = emptySeries();
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  steps = 0;
  samples = 0;
  #waitMs = 0;
  #stepMs = 0;
  /** The window of the next rate point. */
  #window = { at: performance.now(), samples: 0, waitMs: 0, stepMs: 0 };
  /** Bumped on each added point. */
  version = 0;

  constructor(readonly values: PlaygroundValues) {}

  get time(): number {
    return performance.now() - this.#t0;
  }

  /** One step: its samples, its wait and whole time, and the loss and train accuracy when it read them back. */
  step(samples: number, waitMs: number, stepMs: number, loss?: number, accuracy?: number): void {
    this.steps++;
    this.samples += samples;
    this.#waitMs += waitMs;
    this.#stepMs += stepMs;
    const time = this.time;
    if (loss !== undefined && Number.isFinite(loss)) this.#add('loss', loss, time);
    if (accuracy !== undefined && Number.isFinite(accuracy)) this.#add('trainAccuracy', accuracy, time);
    const w = this.#window;
    w.samples += samples;
    w.waitMs += waitMs;
    w.stepMs += stepMs;
    const now = performance.now();
    if (now - w.at >= RATE_EVERY_MS) {
      this.#add('samplesPerSecond', (1000 * w.samples) / (now - w.at), time);
      this.#add('waitShare', w.stepMs > 0 ? w.waitMs / w.stepMs : 0, time);
      this.#window = { at: now, samples: 0, waitMs: 0, stepMs: 0 };
    }
  }

  /** A test accuracy: on the held-out slice, or on the whole test split at an epoch's end. */
  accuracy(kind: 'testAccuracy' | 'epochAccuracy', value: number): void {
    this.#add(kind, value, this.time);
  }

  summary(): RunSummary {
    const durationMs = this.time;
    const last = (points: RunSeries['epochAccuracy']) => points.at(-1)?.value ?? null;
    return {
      steps: this.steps,
      samples: this.samples,
      samplesPerSecond: durationMs > 0 ? (1000 * this.samples) / durationMs : 0,
      waitShare: this.#stepMs > 0 ? this.#waitMs / this.#stepMs : 0,
      testAccuracy: last(this.series.epochAccuracy) ?? last(this.series.testAccuracy),
      durationMs,
    };
  }

  record(status: RunRecord['status'], backend: string | null): RunRecord {
    const random = Math.random().toString(36).slice(2, 8);
    return {
      id: `run-${this.startedAt}-${random}`,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      status,
      values: { ...this.values },
      backend,
      series: structuredClone(this.series),
      summary: this.summary(),
    };
  }

  #add(key: keyof RunSeries, value: number, time: number): void {
    this.series[key].push({ step: this.steps, time, value });
    this.version++;
  }
}
