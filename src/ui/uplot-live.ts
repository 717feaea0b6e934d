/**
 * A uPlot chart that keeps up with live data cheaply, follows the theme and
 * its container's width. Used by Curves.svelte and RunCompare.svelte.
 *
 * - Redraws: every `intervalMs` (250: at most four times a second, never per
 *   step) it compares the spec's `signature()`, a short string, and calls
 *   `setData` only when it changed. The caller's series may be mutated in
 *   place or replaced; either shows up in the signature.
 * - Theme: uPlot bakes colours into its options, so a scheme change (theme.ts
 *   `watchScheme`) rebuilds the chart with the colours read then.
 * - Size: a ResizeObserver on the container sets the width; the height is fixed.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { watchScheme } from '../app/theme.ts';
import { uiCost } from '../app/ui-cost.ts';
import { themeColors, type Palette } from './palette.ts';

export interface LiveChartSpec {
  /** The options for the current colours and size. */
  options(colors: Palette, width: number, height: number): uPlot.Options;
  data(): uPlot.AlignedData;
  /** Cheap; changes when `data()` would. */
  signature(): string;
  /** Called after each redraw with new data (a text summary, say). */
  onUpdate?(): void;
}

export interface LiveChartOptions {
  height: number;
  intervalMs?: number;
}

const MIN_WIDTH = 160;

/** Mounts the chart into `container`; returns the function that removes it. */
export function liveChart(container: HTMLElement, spec: LiveChartSpec, { height, intervalMs = 250 }: LiveChartOptions): () => void {
  const width = () => Math.max(MIN_WIDTH, Math.floor(container.clientWidth));
  let signature = spec.signature();
  const build = () => new uPlot(spec.options(themeColors(), width(), height), spec.data(), container);
  let plot = build();
  spec.onUpdate?.();

  const timer = setInterval(() => {
    const now = spec.signature();
    if (now === signature) return;
    signature = now;
    uiCost.time(() => {
      plot.setData(spec.data());
      spec.onUpdate?.();
    });
  }, intervalMs);

  let lastWidth = width();
  const resize = new ResizeObserver(() => {
    const w = width();
    if (w === lastWidth) return;
    lastWidth = w;
    plot.setSize({ width: w, height });
  });
  resize.observe(container);

  const stopWatching = watchScheme(() => {
    plot.destroy();
    signature = spec.signature();
    plot = build();
  });

  return () => {
    clearInterval(timer);
    resize.disconnect();
    stopWatching();
    plot.destroy();
  };
}

/** Axis styling shared by the charts: text, tick and grid colours from the theme. */
export function themedAxis(colors: Palette, axis: uPlot.Axis): uPlot.Axis {
  return {
    stroke: colors.muted,
    grid: { stroke: colors.line, width: 1 },
    ticks: { stroke: colors.line, width: 1 },
    font: '11px system-ui, sans-serif',
    labelFont: '11px system-ui, sans-serif',
    ...axis,
  };
}

/** Whole steps only: an x axis never shows 12.5. */
const STEP_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000];

export function stepAxis(colors: Palette): uPlot.Axis {
  return themedAxis(colors, { label: 'step', incrs: STEP_INCREMENTS });
}

/** A right-hand 0..100% axis. */
export function percentAxis(colors: Palette, label: string): uPlot.Axis {
  return themedAxis(colors, {
    scale: 'pct',
    side: 1,
    label,
    grid: { show: false },
    values: (_u, ticks) => ticks.map((t) => `${t}%`),
  });
}

/** Hollow points filled with the panel's colour (uPlot's default fill is white, wrong on dark). */
export function hollowPoints(colors: Palette, size: number): uPlot.Series.Points {
  return { show: true, size, fill: colors.panel };
}

/** Points only, no line: uPlot draws no path when the builder returns null. */
export const pointsOnly: uPlot.Series.PathBuilder = () => null;
