/**
 * The verdict: what share of each step waits for data, and what to do about
 * it, in one line. It reads step timings summed over the recent steps
 * (StepTiming, src/train/fit-types.ts), whose four parts partition the step,
 * so wait / (wait + upload + compute + sync) is the share of wall time the
 * consumer sat idle waiting for the loader.
 *
 * Thresholds: PyTorch's profiler (torch.utils.bottleneck and the
 * TensorBoard plugin's "DataLoader" recommendation) warns once input takes
 * 5% of a step, and so do we: at >= 5% the loader is what a change will speed
 * up (more workers, a deeper prefetch, shards instead of one file per image);
 * under 5% the step is the bottleneck, and more workers only add memory and
 * contention. 5% also sits above the noise a fed loop still shows (the ring's
 * hand-off and the page's turn cost a few tenths of a ms a step), so a
 * well-fed run does not flicker to "input-bound".
 *
 * Loader-only mode (consumer 'simulated') has no training step: the consumer
 * sleeps `stepMs` per batch, and the same share is wait / (wait + stepMs
 * summed over the batches), with the same thresholds.
 */
import type { StepTiming } from '../train/fit-types.ts';

/** Input takes at least this share of a step: input-bound (PyTorch's profiler warns at 5%). */
export const INPUT_BOUND_SHARE = 0.05;

export type VerdictKind = 'none' | 'input-bound' | 'compute-bound';

export interface Verdict {
  kind: VerdictKind;
  /** Share of step time spent waiting for data, 0..1; null before any step. */
  waitShare: number | null;
  /** The one-line advice (also what a screen reader hears: never colour alone). */
  line: string;
  /** Steps (or simulated batches) the share is over. */
  steps: number;
}

export const VERDICT_LINES: Readonly<Record<VerdictKind, string>> = Object.freeze({
  none: 'no data yet: start a run to see where the time goes',
  'input-bound': 'input-bound: add workers or pack the data',
  'compute-bound': 'compute-bound: more workers will not help',
});

function judge(waitMs: number, totalMs: number, steps: number): Verdict {
  if (steps <= 0 || !(totalMs > 0) || !Number.isFinite(totalMs) || !(waitMs >= 0)) {
    return { kind: 'none', waitShare: null, line: VERDICT_LINES.none, steps: Math.max(0, steps) };
  }
  const waitShare = Math.min(1, waitMs / totalMs);
  const kind: VerdictKind = waitShare >= INPUT_BOUND_SHARE ? 'input-bound' : 'compute-bound';
  return { kind, waitShare, line: VERDICT_LINES[kind], steps };
}

/** The verdict over the recent steps the page tracks (session-figures.svelte.ts `recent`): the headline's. */
export function recentVerdict(recent: { steps: number; waitMs: number; computeMs: number }): Verdict {
  return trainingVerdict({ waitMs: recent.waitMs, uploadMs: 0, computeMs: recent.computeMs, syncMs: 0 }, recent.steps);
}

/** The verdict for a training run: `timing` summed over the last `steps` steps. */
export function trainingVerdict(timing: StepTiming, steps: number): Verdict {
  const total = timing.waitMs + timing.uploadMs + timing.computeMs + timing.syncMs;
  return judge(timing.waitMs, total, steps);
}

/**
 * The verdict in loader-only mode: the simulated consumer spent `stepMs` on
 * each of `batches` batches and `waitMs` in all waiting for them.
 */
export function simulatedVerdict(waitMs: number, batches: number, stepMs: number): Verdict {
  return judge(waitMs, waitMs + batches * Math.max(0, stepMs), batches);
}

/**
 * What the verdict line says before the first step: "start a run" only when
 * no run is going; a run that is starting, running or paused before its first
 * step is measuring (the first step includes the model's warm-up and the
 * workers' start, so it can take seconds on a software adapter, and an embed
 * scrolled out of view pauses wherever it is).
 */
export function noDataLine(running: boolean, simulated = false): string {
  return running ? `measuring: no ${simulated ? 'batch' : 'step'} finished yet` : VERDICT_LINES.none;
}

/** "31%" for the headline; "<1%" rather than a misleading "0%" when some wait was measured. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  return `${Math.round(share * 100)}%`;
}
