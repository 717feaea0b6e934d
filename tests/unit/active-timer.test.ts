/**
 * activeTimeout (src/loader/active-timer.ts, NOTE: active time): a bound that
 * runs down while the thread runs, and not while it was suspended. Driven by
 * a hand-made clock, so a "suspension" is the clock jumping between ticks.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TICK_MS, SUSPENDED_GAP_MS, activeTimeout, type TimerClock } from '../../src/loader/active-timer.ts';

/** A clock whose time moves only when the test says; timers fire in due order. */
class ManualClock implements TimerClock {
  time = 0;
  #timers: Array<{ at: number; callback: () => void; id: number }> = [];
  #ids = 0;

  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = ++this.#ids;
    this.#timers.push({ at: this.time + ms, callback, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  };

  /** Runs time forward `ms`, firing each timer at its due time (each may be `late` ms late). */
  advance(ms: number, late = 0): void {
    const end = this.time + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next || next.at + late > end) break;
      this.#timers.shift();
      this.time = Math.max(this.time, next.at + late); // a timer due while suspended fires on waking
      next.callback();
    }
    this.time = end;
  }

  /** The thread was suspended: time jumps, no timer runs meanwhile. */
  suspend(ms: number): void {
    this.time += ms;
  }

  get pending(): number {
    return this.#timers.length;
  }
}

describe('activeTimeout', () => {
  it('expires after ms of running time, not before', () => {
    const clock = new ManualClock();
    let expired = -1;
    activeTimeout(1000, () => (expired = clock.time), clock);
    clock.advance(999);
    expect(expired).toBe(-1);
    clock.advance(1);
    expect(expired).toBe(1000);
    expect(clock.pending).toBe(0);
  });

  it('ticks at most every MAX_TICK_MS, and at least four times per bound', () => {
    const long = new ManualClock();
    activeTimeout(10_000, () => {}, long);
    long.advance(MAX_TICK_MS - 1);
    expect(long.pending).toBe(1);
    const short = new ManualClock();
    let expired = false;
    activeTimeout(40, () => (expired = true), short);
    short.advance(10);
    short.advance(10);
    short.advance(10);
    expect(expired).toBe(false);
    short.advance(10);
    expect(expired).toBe(true);
  });

  it('counts a suspension as one tick: three quarters of the bound are left when the thread comes back', () => {
    const clock = new ManualClock();
    let expired = -1;
    activeTimeout(400, () => (expired = clock.time), clock); // ticks of 100 ms
    clock.advance(50);
    clock.suspend(60_000); // a frozen page, a laptop asleep
    clock.advance(0); // the tick due at 100 fires on waking, at 60,050: it counts 100 ms, not 60 s
    expect(expired).toBe(-1);
    clock.advance(299);
    expect(expired).toBe(-1);
    clock.advance(1);
    expect(expired).toBe(60_350);
  });

  it('counts late ticks in full up to SUSPENDED_GAP_MS: a busy thread, or a hidden page clamped to 1 s, still times out', () => {
    // Ticks of 250 ms. Each fires 900 ms late: within the gap, so dt counts in full.
    const busy = new ManualClock();
    let expired = -1;
    activeTimeout(2000, () => (expired = busy.time), busy);
    busy.advance(20_000, SUSPENDED_GAP_MS - 100);
    expect(expired).toBe(2 * (250 + 900));
    // 1,100 ms late is past the gap: each tick counts 250 ms, so it takes 8 of them.
    const suspended = new ManualClock();
    activeTimeout(2000, () => (expired = suspended.time), suspended);
    suspended.advance(20_000, SUSPENDED_GAP_MS + 100);
    expect(expired).toBe(8 * (250 + 1100));
  });

  it('never fires once cancelled', () => {
    const clock = new ManualClock();
    let fired = false;
    const cancel = activeTimeout(100, () => (fired = true), clock);
    clock.advance(50);
    cancel();
    clock.advance(1000);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(0);
    cancel(); // twice is fine
  });
});
