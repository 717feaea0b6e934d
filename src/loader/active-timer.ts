/**
 * Timeouts that count the time a thread was running, not the time that went
 * by. A frozen page, a laptop asleep, a hidden tab whose timers Chromium
 * throttles to once a minute: for that while neither a fetch's callback nor a
 * worker's answer could run, and a plain setTimeout, firing the moment the
 * thread comes back, would blame them: every sample in flight would time out
 * and every worker would look hung.
 *
 * NOTE: active time
 *
 *   start ── tick ── tick ─ ─ ─ ─ (suspended) ─ ─ ─ ─ tick ── tick ── expire
 *            +dt     +dt        dt > tick + SUSPENDED_GAP_MS:    +dt
 *                               counts as one tick, not dt
 *
 * - A tick is at most ms / 4 (and at most MAX_TICK_MS), so one step credited
 *   after a suspension leaves at least three quarters of the bound to run
 *   once the thread is back.
 * - A gap of up to SUSPENDED_GAP_MS past the tick counts in full: a busy
 *   thread and a hidden page's 1 s timer clamp still run down the bound.
 */

export const MAX_TICK_MS = 250;
/** A tick this much later than asked means the thread was not running. */
export const SUSPENDED_GAP_MS = 1000;

/** What the timer needs of the platform; tests pass a clock of their own. */
export interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const platformClock: TimerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onExpire` once `ms` of active time has passed (see NOTE: active
 * time). Returns a function that cancels it; cancelling after expiry is a no-op.
 */
export function activeTimeout(ms: number, onExpire: () => void, clock: TimerClock = platformClock): () => void {
  const tick = Math.max(1, Math.min(MAX_TICK_MS, ms / 4));
  let elapsed = 0;
  let last = clock.now();
  let handle: unknown = null;
  const step = () => {
    const now = clock.now();
    const dt = now - last;
    last = now;
    elapsed += dt > tick + SUSPENDED_GAP_MS ? tick : dt;
    if (elapsed >= ms) {
      handle = null;
      onExpire();
      return;
    }
    handle = clock.setTimeout(step, Math.min(tick, ms - elapsed));
  };
  handle = clock.setTimeout(step, Math.min(tick, ms));
  return () => {
    if (handle !== null) clock.clearTimeout(handle);
    handle = null;
  };
}
