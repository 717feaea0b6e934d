/**
 * Draws the trace as lanes over the last few seconds: one lane per producer
 * (its 'batch' spans) and the consumer's lane (waits and training steps).
 */
import { workerName } from '../app/batch-snapshot.ts';
import type { Lane, Span, TraceBuffer } from '../app/trace-buffer.ts';
import { CONSUMER_COLORS, workerColor } from './palette.ts';

export const LANE_HEIGHT = 22;
export const AXIS_HEIGHT = 16;
const LABEL_WIDTH = 92;
const BAR_INSET = 4;

export interface TimelineView {
  /** css px */
  width: number;
  height: number;
  /** The right edge, on the performance.now() clock. */
  now: number;
  windowMs: number;
  lanes: Lane[];
}

export function laneName(lane: Lane): string {
  return lane === 'consumer' ? 'consumer' : workerName(lane);
}

export function paintTimeline(ctx: CanvasRenderingContext2D, trace: TraceBuffer, view: TimelineView): void {
  const { width, height, now, windowMs, lanes } = view;
  const plotWidth = width - LABEL_WIDTH;
  const x = (t: number) => LABEL_WIDTH + ((t - (now - windowMs)) / windowMs) * plotWidth;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';

  lanes.forEach((lane, row) => {
    const top = row * LANE_HEIGHT;
    ctx.fillStyle = row % 2 ? '#f8fafc' : '#f1f5f9';
    ctx.fillRect(LABEL_WIDTH, top, plotWidth, LANE_HEIGHT);
    ctx.fillStyle = '#334155';
    ctx.fillText(laneName(lane), 6, top + LANE_HEIGHT / 2);
  });

  paintGrid(ctx, view, x);
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, 0, plotWidth, lanes.length * LANE_HEIGHT);
  ctx.clip();
  for (const span of trace.spans) {
    const row = lanes.indexOf(span.lane);
    if (row < 0 || span.end < now - windowMs || span.start > now) continue;
    const left = x(span.start);
    const w = Math.max(1.5, x(span.end) - left);
    ctx.fillStyle = spanColor(span);
    ctx.globalAlpha = span.kind === 'batch' && span.batch % 2 ? 0.7 : 1; // tell neighbours apart
    ctx.fillRect(left, row * LANE_HEIGHT + BAR_INSET, w, LANE_HEIGHT - 2 * BAR_INSET);
    if (span.kind === 'batch' && w > 22) {
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#fff';
      ctx.fillText(`#${span.batch}`, left + 4, row * LANE_HEIGHT + LANE_HEIGHT / 2);
    }
  }
  ctx.restore();
  paintAxis(ctx, view, x);
}

function spanColor(span: Span): string {
  if (span.kind === 'batch') return workerColor(span.lane as number);
  return CONSUMER_COLORS[span.kind];
}

/** Whole seconds back from `now`: vertical lines behind the spans. */
function paintGrid(ctx: CanvasRenderingContext2D, view: TimelineView, x: (t: number) => number): void {
  const bottom = view.lanes.length * LANE_HEIGHT + 3;
  ctx.strokeStyle = '#cbd5e1';
  for (let s = 0; s * 1000 <= view.windowMs; s++) {
    const px = Math.round(x(view.now - s * 1000)) - 0.5;
    ctx.beginPath();
    ctx.moveTo(px, 0);
    ctx.lineTo(px, bottom);
    ctx.stroke();
  }
}

function paintAxis(ctx: CanvasRenderingContext2D, view: TimelineView, x: (t: number) => number): void {
  const y = view.lanes.length * LANE_HEIGHT + AXIS_HEIGHT / 2 + 2;
  ctx.fillStyle = '#64748b';
  for (let s = 0; s * 1000 <= view.windowMs; s++) {
    ctx.textAlign = s === 0 ? 'right' : 'center';
    ctx.fillText(s === 0 ? 'now' : `−${s}s`, x(view.now - s * 1000), y);
  }
  ctx.textAlign = 'left';
}
