/**
 * Main-thread work long enough to freeze the page, written once and run two
 * ways. Checking a fetched shard (4,096 tar headers, then 2,048 image
 * headers) took 230-340 ms in one piece in Chromium while the workers
 * decoded and a model trained: a click, a timer, the training loop's next
 * step all waited for it.
 *
 * The work is a generator that yields after each small unit (one header, one
 * sample). `runNow` drains it at once (tests, tools, code off the main
 * thread); `runPaced` drains it in turns of about `budgetMs`, with a timer
 * turn between them, as the trainer's CPU slices do (a timer, not a posted
 * message: Chromium may run a message ahead of the page's due timers).
 */
export type Work<T> = Generator<void, T, void>;

/** Runs `work` to its end without a pause. */
export function runNow<T>(work: Work<T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

/** How many units run between clock reads: a unit is a few microseconds. */
const UNITS_PER_CHECK = 64;

/** Runs `work` to its end in turns of about `budgetMs`, letting the page in between. */
export async function runPaced<T>(work: Work<T>, budgetMs = 8): Promise<T> {
  let turnStart = performance.now();
  for (let units = 1; ; units++) {
    const r = work.next();
    if (r.done) return r.value;
    if (units % UNITS_PER_CHECK === 0 && performance.now() - turnStart >= budgetMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      turnStart = performance.now();
    }
  }
}
