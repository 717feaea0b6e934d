/**
 * The headline's verdict: the share of step time spent waiting for data, and
 * the advice, on either side of the 5% line, in training and loader-only mode.
 */
import { describe, expect, it } from 'vitest';
import { formatShare, noDataLine, simulatedVerdict, trainingVerdict, VERDICT_LINES } from '../../src/app/verdict.ts';

describe('verdict', () => {
  it('says "no data yet" before any step, and for zero elapsed time', () => {
    expect(trainingVerdict({ waitMs: 0, uploadMs: 0, computeMs: 0, syncMs: 0 }, 0)).toEqual({
      kind: 'none',
      waitShare: null,
      line: VERDICT_LINES.none,
      steps: 0,
    });
    expect(trainingVerdict({ waitMs: 0, uploadMs: 0, computeMs: 0, syncMs: 0 }, 3).kind).toBe('none');
    expect(simulatedVerdict(0, 0, 40).kind).toBe('none');
  });

  it('says a started run is measuring before its first step, and asks for a run only when none is going', () => {
    expect(noDataLine(false)).toBe(VERDICT_LINES.none);
    expect(noDataLine(true)).toBe('measuring: no step finished yet');
    expect(noDataLine(true, true)).toBe('measuring: no batch finished yet');
  });

  it('calls a run input-bound when 31% of its step time waits for the loader', () => {
    // 20 steps: 310 ms waiting, 690 ms of upload, compute and sync.
    const v = trainingVerdict({ waitMs: 310, uploadMs: 90, computeMs: 500, syncMs: 100 }, 20);
    expect(v.kind).toBe('input-bound');
    expect(v.waitShare).toBeCloseTo(0.31, 10);
    expect(v.line).toBe('input-bound: add workers or pack the data');
    expect(formatShare(v.waitShare!)).toBe('31%');
  });

  it('calls exactly 5% input-bound (the threshold PyTorch warns at) and 4.9% compute-bound', () => {
    expect(trainingVerdict({ waitMs: 50, uploadMs: 50, computeMs: 800, syncMs: 100 }, 10).kind).toBe('input-bound');
    const fed = trainingVerdict({ waitMs: 49, uploadMs: 51, computeMs: 800, syncMs: 100 }, 10);
    expect(fed.kind).toBe('compute-bound');
    expect(fed.waitShare).toBeCloseTo(0.049, 10);
    expect(fed.line).toBe('compute-bound: more workers will not help');
  });

  it('judges loader-only mode by the wait against the simulated step time', () => {
    // 50 batches of a 40 ms simulated step: 2000 ms of work; 500 ms waiting is 20%.
    const starved = simulatedVerdict(500, 50, 40);
    expect(starved.kind).toBe('input-bound');
    expect(starved.waitShare).toBeCloseTo(0.2, 10);
    expect(starved.steps).toBe(50);
    // 30 ms waiting over the same work is 1.5%.
    const fed = simulatedVerdict(30, 50, 40);
    expect(fed.kind).toBe('compute-bound');
    expect(fed.waitShare).toBeCloseTo(30 / 2030, 10);
    // A zero-cost consumer spends every ms waiting.
    expect(simulatedVerdict(100, 10, 0).waitShare).toBe(1);
  });

  it('formats a share as a whole percent, and a measured sliver as "<1%"', () => {
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.004)).toBe('<1%');
    expect(formatShare(0.0051)).toBe('1%');
    expect(formatShare(1)).toBe('100%');
  });
});
