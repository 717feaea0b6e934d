/**
 * The last few seconds of the loader's trace, as spans on lanes for the
 * timeline: one lane per producer ('batch' events) and one for the consumer
 * ('wait' events from the loader, 'step' spans from the simulated training
 * step). Plain data, not reactive: the timeline redraws it every frame.
 */
import type { TraceEvent } from '../loader/index.ts';

/** A producer's worker id (-1: the main thread), or the consumer. */
export type Lane = number | 'consumer';
export type SpanKind = 'batch' | 'wait' | 'step';

export interface Span {
  lane: Lane;
  kind: SpanKind;
  epoch: number;
  batch: number;
  /** ms on the page's performance.now() clock. */
  start: number;
  end: number;
}

/** How much history is kept; the timeline shows less. */
const KEEP_MS = 12_000;

export class TraceBuffer {
  #spans: Span[] = [];

  /** Takes a loader trace event; per-sample phases are not shown. */
  addTrace(event: TraceEvent): void {
    if (event.phase === 'batch') {
      this.#push({ lane: event.worker, kind: 'batch', epoch: event.epoch, batch: event.batch, start: event.start, end: event.end });
    } else if (event.phase === 'wait') {
      this.#push({ lane: 'consumer', kind: 'wait', epoch: event.epoch, batch: event.batch, start: event.start, end: event.end });
    }
  }

  addStep(epoch: number, batch: number, start: number, end: number): void {
    this.#push({ lane: 'consumer', kind: 'step', epoch, batch, start, end });
  }

  get spans(): readonly Span[] {
    return this.#spans;
  }

  /** The end of the latest span, or null when empty. */
  get lastTime(): number | null {
    let last: number | null = null;
    for (const s of this.#spans) if (last === null || s.end > last) last = s.end;
    return last;
  }

  clear(): void {
    this.#spans = [];
  }

  #push(span: Span): void {
    this.#spans.push(span);
    if (this.#spans.length > 256 && this.#spans[0].end < span.end - KEEP_MS) {
      const cutoff = span.end - KEEP_MS;
      this.#spans = this.#spans.filter((s) => s.end >= cutoff);
    }
  }
}
