/**
 * Keeps training from freezing the page. tfjs's CPU backend computes on the
 * main thread, so one step of a CNN can take seconds; WebGL and WebGPU only
 * issue work, but a loop whose batches are always ready runs on microtasks
 * and never lets a click or a timer in.
 *
 * - `yieldToPage()`: one turn of the event loop, as a posted message (a
 *   MessageChannel task: unclamped, unlike nested timers, so a fast GPU step
 *   loses no 4 ms; input and rendering get their turn between steps;
 *   `scheduler.yield()` starved the page's timers, measured at 8.4 s). The
 *   fit loop yields after every step, on every backend.
 * - `Pacer.slices(n, run)`: on the CPU backend, runs `run(start, count)` over
 *   slices of a batch of n, each sized to take about `maxBlockMs` from the
 *   time the previous slices took per sample, with a timer turn between them. The
 *   first slice of a run is one sample, so a slow model never blocks long
 *   before it is measured, and a slice is at most twice the largest one that
 *   kept within `maxBlockMs`: a cold first sample (kernels compiled, weights
 *   allocated) or a slice's fixed cost misjudges the time per sample, and
 *   doubling bounds the overshoot to about twice the limit.
 */

export function yieldToPage(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close(); // a closed port keeps no event loop (Node) alive
      resolve();
    };
    port2.postMessage(null);
  });
}

export class Pacer {
  /** Measured ms per sample of the last slice; 0 until measured. */
  #perSampleMs = 0;
  /** The largest slice so far that took no more than maxBlockMs; 0 until one did. */
  #safeCount = 0;

  /** `active`: split at all (the CPU backend); `maxBlockMs`: the longest a slice should take. */
  constructor(
    readonly active: boolean,
    readonly maxBlockMs: number,
  ) {}

  /** How many slices the last call ran, for the tests. */
  lastSlices = 0;

  async slices(n: number, run: (start: number, count: number) => void): Promise<void> {
    this.lastSlices = 0;
    if (!this.active || !Number.isFinite(this.maxBlockMs)) {
      run(0, n);
      this.lastSlices = 1;
      return;
    }
    for (let start = 0; start < n; ) {
      const fit = this.#perSampleMs > 0 ? Math.floor(this.maxBlockMs / this.#perSampleMs) : 1;
      const count = Math.max(1, Math.min(n - start, fit, 2 * this.#safeCount));
      const t0 = performance.now();
      run(start, count);
      const ms = performance.now() - t0;
      this.#perSampleMs = Math.max(ms / count, 1e-3);
      if (ms <= this.maxBlockMs) this.#safeCount = Math.max(this.#safeCount, count);
      this.lastSlices++;
      start += count;
      // A timer, not a message: Chromium may run a posted message ahead of the
      // page's due timers, and a slice is long enough that the 4 ms clamp is cheap.
      if (start < n) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}
