/**
 * The main-thread time the playground's own UI work takes while a run goes
 * on: the timeline's frames, the charts' redraws, and each poll that copies
 * the run into the views with the DOM updates it causes. Training shares the
 * main thread with all of it (tfjs issues its GPU work from there), so this
 * is the figure to keep small. Layout and paint are the browser's own work
 * and not in it; `npm run bench` reads the browser's totals beside it.
 */

/** The figure covers the last this-many ms. */
const WINDOW_MS = 5000;

export class UiCost {
  /** [end, ms] of each timed span in the window, oldest first. */
  #spans: [number, number][] = [];
  #since = performance.now();

  /** Runs `work` and counts its time. */
  time<T>(work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      const end = performance.now();
      this.#spans.push([end, end - start]);
      this.#prune(end); // no reader may come for a while (between runs): the window stays bounded
    }
  }

  /** UI ms per second of wall time over the last WINDOW_MS (or since reset(), when that is shorter). */
  msPerSecond(now = performance.now()): number {
    this.#prune(now);
    const span = Math.min(WINDOW_MS, now - this.#since);
    if (span <= 0) return 0;
    let total = 0;
    for (const [, ms] of this.#spans) total += ms;
    return (total * 1000) / span;
  }

  #prune(now: number): void {
    while (this.#spans.length > 0 && this.#spans[0][0] < now - WINDOW_MS) this.#spans.shift();
  }

  reset(now = performance.now()): void {
    this.#spans = [];
    this.#since = now;
  }
}

/** The page's one meter: the views and the session's poll add to it. */
export const uiCost = new UiCost();
