/**
 * A worker's heartbeat: while it has unfinished jobs, ping the live
 * incarnation; no answer within workerTimeoutMs of active time (a frozen or
 * suspended page does not count, see active-timer.ts) kills it as hung, and
 * its supervisor restarts it (worker-supervisor.ts).
 */
import { activeTimeout } from './active-timer.ts';
import { WorkerError } from './errors.ts';
import type { WorkerProducer } from './producers.ts';

const MAX_BEAT_INTERVAL_MS = 1000;

export class Heartbeat {
  #beating: WorkerProducer | null = null; // the incarnation with a ping in flight
  #stopTimer = () => {};
  #next: ReturnType<typeof setTimeout> | undefined;

  /** `due()`: the incarnation to watch now, or null (no jobs, closed, none live). 0 ms: never beats. */
  constructor(
    readonly workerId: number,
    readonly timeoutMs: number,
    readonly due: () => WorkerProducer | null,
  ) {}

  /** Starts a beat unless one is in flight for the same incarnation; call when jobs arrive or a worker starts. */
  beat(): void {
    const incarnation = this.due();
    const { timeoutMs } = this;
    if (!timeoutMs || !incarnation || this.#beating === incarnation) return;
    clearTimeout(this.#next);
    this.#beating = incarnation;
    this.#stopTimer = activeTimeout(timeoutMs, () =>
      incarnation.kill(new WorkerError(this.workerId, `did not answer for ${timeoutMs} ms (\`workerTimeoutMs\`): hung, so it was terminated`)),
    );
    incarnation.ping().then(
      () => {
        if (this.#beating !== incarnation) return;
        this.#stopTimer();
        this.#beating = null;
        this.#next = setTimeout(() => this.beat(), Math.min(MAX_BEAT_INTERVAL_MS, timeoutMs / 2));
      },
      () => {}, // dead: the supervisor stopped the beat
    );
  }

  stop(): void {
    this.#stopTimer();
    clearTimeout(this.#next);
    this.#beating = null;
  }
}
