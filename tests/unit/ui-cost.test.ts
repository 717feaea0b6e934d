/**
 * The UI cost meter: time() counts each span's main-thread time, and
 * msPerSecond() is that sum per second of wall time over the last 5 s, or
 * since reset() when that is shorter.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UiCost } from '../../src/app/ui-cost.ts';

describe('UiCost', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['performance'] }));
  afterEach(() => vi.useRealTimers());

  it('sums the timed spans per second of wall time since reset', () => {
    const cost = new UiCost();
    cost.reset();
    cost.time(() => vi.advanceTimersByTime(20));
    vi.advanceTimersByTime(480);
    cost.time(() => vi.advanceTimersByTime(30));
    vi.advanceTimersByTime(470);
    // 50 ms of UI work in the 1,000 ms since reset.
    expect(cost.msPerSecond()).toBeCloseTo(50, 6);
  });

  it('forgets spans older than its 5 s window', () => {
    const cost = new UiCost();
    cost.reset();
    cost.time(() => vi.advanceTimersByTime(100)); // ends at 100 ms
    vi.advanceTimersByTime(5_000);
    cost.time(() => vi.advanceTimersByTime(25)); // ends at 5,125 ms
    // At 5,125 ms the first span (ended at 100) is out of the window: 25 ms over 5 s.
    expect(cost.msPerSecond()).toBeCloseTo(5, 6);
  });

  it('returns the work\'s value and counts a span that throws', () => {
    const cost = new UiCost();
    cost.reset();
    expect(cost.time(() => 7)).toBe(7);
    expect(() =>
      cost.time(() => {
        vi.advanceTimersByTime(10);
        throw new Error('draw failed');
      }),
    ).toThrow('draw failed');
    vi.advanceTimersByTime(990);
    expect(cost.msPerSecond()).toBeCloseTo(10, 6);
  });
});
