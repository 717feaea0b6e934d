/**
 * The last few seconds of the run, as spans on lanes for the timeline: one
 * lane per producer ('batch' events from the loader's trace) and the step
 * lane, where each training step (or simulated consumer step) is split into
 * the time it waited for data and the time it computed, as TensorBoard's
 * input pipeline analyzer draws it. Marks are vertical ticks: a setting
 * changed mid-run ("numWorkers 2→4"), a pause.
 *
 * Plain data, not reactive: the timeline reads it when it draws, and
 * `version` tells it whether anything changed since its last frame.
 */
import type { TraceEvent } from '../loader/index.ts';

/** A producer's worker id (-1: the main thread), or the step lane. */
export type Lane = number | 'step';
/** 'batch': a producer loading one; 'wait', 'compute', 'paused': parts of a step. */
export type SpanKind = 'batch' | 'wait' | 'compute' | 'paused';

export interface Span {
  lane: Lane;
  kind: SpanKind;
  epoch: number;
  batch: number;
  /** ms on the page's performance.now() clock. */
  start: number;
  end: number;
}

export interface Mark {
  at: number;
  label: string;
}

/** One step as the step lane shows it (ms, on the performance.now() clock). */
export interface StepSpan {
  epoch: number;
  batch: number;
  /** The step counter a person reads (from 1). */
  step: number;
  end: number;
  /** Time the step was held by Pause: not a data stall. */
  pausedMs: number;
  waitMs: number;
  /** Everything after the batch arrived: upload, compute and sync. */
  computeMs: number;
}

/** How much history is kept; the timeline shows less. */
const KEEP_MS = 12_000;

export class TraceBuffer {
  #spans: Span[] = [];
  #marks: Mark[] = [];
  #lastStep: StepSpan | null = null;
  /** Bumped on every change: a frame with the same version and a frozen clock draws nothing new. */
  version = 0;

  /** Takes a loader trace event; per-sample phases and the loader's own wait events are not shown. */
  addTrace(event: TraceEvent): void {
    if (event.phase !== 'batch') return;
    this.#push({ lane: event.worker, kind: 'batch', epoch: event.epoch, batch: event.batch, start: event.start, end: event.end });
  }

  /** A step ending at `step.end`: its pause, wait and compute laid end to end before it. */
  addStep(step: StepSpan): void {
    const { epoch, batch, end } = step;
    const computeStart = end - step.computeMs;
    const waitStart = computeStart - step.waitMs;
    const pauseStart = waitStart - step.pausedMs;
    if (step.pausedMs > 0) this.#push({ lane: 'step', kind: 'paused', epoch, batch, start: pauseStart, end: waitStart });
    this.#push({ lane: 'step', kind: 'wait', epoch, batch, start: waitStart, end: computeStart });
    this.#push({ lane: 'step', kind: 'compute', epoch, batch, start: computeStart, end });
    this.#lastStep = step;
  }

  addMark(label: string, at = performance.now()): void {
    this.#marks.push({ at, label });
    if (this.#marks.length > 32) this.#marks.shift();
    this.version++;
  }

  get spans(): readonly Span[] {
    return this.#spans;
  }

  get marks(): readonly Mark[] {
    return this.#marks;
  }

  get lastStep(): StepSpan | null {
    return this.#lastStep;
  }

  /** The latest batch span of each lane still running or just ended: for the text alternative. */
  latestBatch(lane: number): Span | null {
    for (let i = this.#spans.length - 1; i >= 0; i--) if (this.#spans[i].lane === lane) return this.#spans[i];
    return null;
  }

  /** The end of the latest span, or null when empty. */
  get lastTime(): number | null {
    let last: number | null = null;
    for (const s of this.#spans) if (last === null || s.end > last) last = s.end;
    return last;
  }

  clear(): void {
    this.#spans = [];
    this.#marks = [];
    this.#lastStep = null;
    this.version++;
  }

  #push(span: Span): void {
    this.#spans.push(span);
    this.version++;
    if (this.#spans.length > 512 && this.#spans[0].end < span.end - KEEP_MS) {
      const cutoff = span.end - KEEP_MS;
      this.#spans = this.#spans.filter((s) => s.end >= cutoff);
      this.#marks = this.#marks.filter((m) => m.at >= cutoff);
    }
  }
}
