/**
 * Long main-thread work (checking a fetched shard) runs in turns, and a
 * timer of the page's gets in between them; the result is the same as in
 * one piece.
 */
import { describe, expect, it } from 'vitest';
import { runNow, runPaced, type Work } from '../../src/loader/paced.ts';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** 640 units of 0.05 ms (32 ms in all), recording when each ran; returns the sum 0..639. */
function* counted(log: number[]): Work<number> {
  let sum = 0;
  for (let i = 0; i < 640; i++) {
    busy(0.05);
    log.push(i);
    sum += i;
    yield;
  }
  return sum;
}

describe('runPaced', () => {
  it('gives the same result as runNow, and lets a timer run before the work ends', async () => {
    const log: number[] = [];
    let unitsWhenTimerRan = -1;
    setTimeout(() => (unitsWhenTimerRan = log.length), 0);
    const sum = await runPaced(counted(log), 4);
    expect(sum).toBe(runNow(counted([])));
    expect(sum).toBe((639 * 640) / 2);
    // The first turn ends after about 4 ms (80 units, checked every 64): the timer runs then, long before unit 640.
    expect(unitsWhenTimerRan).toBeGreaterThanOrEqual(64);
    expect(unitsWhenTimerRan).toBeLessThan(640);
  });

  it('runs work shorter than one turn without a pause', async () => {
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    function* quick(): Work<string> {
      yield;
      return 'done';
    }
    expect(await runPaced(quick(), 50)).toBe('done');
    expect(timerRan).toBe(false);
  });
});
