/**
 * Draws the trace as lanes over the last few seconds, in the style of the
 * tf.data performance guide: one lane per producer (each batch it loaded)
 * and the step lane below, each step split into waiting for data (red) and
 * computing (green), as TensorBoard's input pipeline analyzer draws it.
 * Marks (a setting changed, a pause) are vertical ticks with their label.
 *
 * Colours come from CSS variables, read by the component (`TimelineColors`),
 * so the theme decides them.
 */
import { workerName } from '../app/batch-snapshot.ts';
import type { Lane, Span, TraceBuffer } from '../app/trace-buffer.ts';
import { workerColor } from './palette.ts';

export const LANE_HEIGHT = 22;
export const AXIS_HEIGHT = 16;
/** Room above the lanes for mark labels. */
export const MARK_HEIGHT = 14;
const LABEL_WIDTH = 92;
const BAR_INSET = 4;

export interface TimelineColors {
  text: string;
  muted: string;
  line: string;
  laneA: string;
  laneB: string;
  wait: string;
  compute: string;
  paused: string;
  mark: string;
}

export interface TimelineView {
  /** css px */
  width: number;
  height: number;
  /** The right edge, on the performance.now() clock. */
  now: number;
  windowMs: number;
  lanes: Lane[];
  colors: TimelineColors;
}

export function laneName(lane: Lane): string {
  return lane === 'step' ? 'train step' : workerName(lane);
}

export function paintTimeline(ctx: CanvasRenderingContext2D, trace: TraceBuffer, view: TimelineView, stepName = 'train step'): void {
  const { width, height, now, windowMs, lanes, colors } = view;
  const plotWidth = width - LABEL_WIDTH;
  const x = (t: number) => LABEL_WIDTH + ((t - (now - windowMs)) / windowMs) * plotWidth;
  const top = (row: number) => MARK_HEIGHT + row * LANE_HEIGHT;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';

  lanes.forEach((lane, row) => {
    ctx.fillStyle = row % 2 ? colors.laneB : colors.laneA;
    ctx.fillRect(LABEL_WIDTH, top(row), plotWidth, LANE_HEIGHT);
    ctx.fillStyle = colors.text;
    ctx.fillText(lane === 'step' ? stepName : laneName(lane), 6, top(row) + LANE_HEIGHT / 2);
  });

  paintGrid(ctx, view, x);
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, 0, plotWidth, top(lanes.length));
  ctx.clip();
  for (const span of trace.spans) {
    const row = lanes.indexOf(span.lane);
    if (row < 0 || span.end < now - windowMs || span.start > now) continue;
    const left = x(span.start);
    // A wait is drawn as long as it was (a sliver of a millisecond is no stall); the rest get at least a pixel.
    const w = span.kind === 'wait' ? x(span.end) - left : Math.max(1, x(span.end) - left);
    ctx.fillStyle = spanColor(span, colors);
    ctx.globalAlpha = span.kind === 'batch' && span.batch % 2 ? 0.7 : 1; // tell neighbours apart
    ctx.fillRect(left, top(row) + BAR_INSET, w, LANE_HEIGHT - 2 * BAR_INSET);
    if (span.kind === 'batch' && w > 22) {
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#fff';
      ctx.fillText(`#${span.batch}`, left + 4, top(row) + LANE_HEIGHT / 2);
    }
  }
  ctx.globalAlpha = 1;
  paintMarks(ctx, trace, view, x, top(lanes.length));
  ctx.restore();
  paintAxis(ctx, view, x, top(lanes.length));
}

function spanColor(span: Span, colors: TimelineColors): string {
  if (span.kind === 'batch') return workerColor(span.lane as number);
  return colors[span.kind];
}

/** A setting changed, a pause: a vertical tick through every lane, its label above. */
function paintMarks(ctx: CanvasRenderingContext2D, trace: TraceBuffer, view: TimelineView, x: (t: number) => number, bottom: number): void {
  ctx.strokeStyle = view.colors.mark;
  ctx.fillStyle = view.colors.mark;
  ctx.lineWidth = 1.5;
  const shown = trace.marks.filter((mark) => mark.at >= view.now - view.windowMs && mark.at <= view.now);
  const ticks = shown.map((mark) => ({ px: Math.round(x(mark.at)) + 0.5, width: ctx.measureText(mark.label).width }));
  for (const { px } of ticks) {
    ctx.beginPath();
    ctx.moveTo(px, MARK_HEIGHT - 3);
    ctx.lineTo(px, bottom);
    ctx.stroke();
  }
  markLabelPlaces(ticks, view.width).forEach((left, i) => left !== null && ctx.fillText(shown[i].label, left, MARK_HEIGHT / 2));
  ctx.lineWidth = 1;
}

/**
 * Where each mark's label starts (ticks in time order: `px` the tick, `width`
 * the label's): just right of its tick, kept inside the canvas. A label that
 * would run into a newer one's is left out (null): the newest change is the
 * one a person just made, and its tick still shows where the older one was.
 */
export function markLabelPlaces(ticks: readonly { px: number; width: number }[], canvasWidth: number): (number | null)[] {
  const places: (number | null)[] = ticks.map(() => null);
  let taken = Infinity; // labels already placed start at or right of this
  for (let i = ticks.length - 1; i >= 0; i--) {
    const { px, width } = ticks[i];
    const left = Math.min(px + 3, canvasWidth - width - 2);
    if (left + width + 6 > taken) continue;
    places[i] = left;
    taken = left;
  }
  return places;
}

/** Whole seconds back from `now`: vertical lines behind the spans. */
function paintGrid(ctx: CanvasRenderingContext2D, view: TimelineView, x: (t: number) => number): void {
  const bottom = MARK_HEIGHT + view.lanes.length * LANE_HEIGHT + 3;
  ctx.strokeStyle = view.colors.line;
  for (let s = 0; s * 1000 <= view.windowMs; s++) {
    const px = Math.round(x(view.now - s * 1000)) - 0.5;
    ctx.beginPath();
    ctx.moveTo(px, MARK_HEIGHT);
    ctx.lineTo(px, bottom);
    ctx.stroke();
  }
}

function paintAxis(ctx: CanvasRenderingContext2D, view: TimelineView, x: (t: number) => number, bottom: number): void {
  const y = bottom + AXIS_HEIGHT / 2 + 2;
  ctx.fillStyle = view.colors.muted;
  for (let s = 0; s * 1000 <= view.windowMs; s++) {
    ctx.textAlign = s === 0 ? 'right' : 'center';
    ctx.fillText(s === 0 ? 'now' : `−${s}s`, x(view.now - s * 1000), y);
  }
  ctx.textAlign = 'left';
}
