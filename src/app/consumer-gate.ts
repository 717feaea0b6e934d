/**
 * The consumer's side of the playground's one loader: a view of the
 * DataLoader whose iterator passes through a gate at every batch boundary.
 * The Trainer's fit (or the simulated consumer) iterates the view as it would
 * the loader itself.
 *
 * NOTE: consumer gate
 *
 *   consumer calls next() ──> [paused? wait: the ring fills, workers go idle]
 *                         ──> [swap wanted? abort the segment, done: no batch taken]
 *                         ──> loader's next(): the data wait
 *                         ──> batch seen (snapshot for the strip)
 *                         ──> [extra compute: sleep, the batch held, as a step holds it]
 *                         ──> batch to the consumer
 *
 * - Only between batches: a pause or a swap never takes a batch it does not
 *   hand on, so `loader.state()` after a swap counts exactly the batches the
 *   consumer had (the loader counts a batch consumed once it is yielded).
 * - The consumer times its whole next() as its data wait; `lastHeldMs` and
 *   `lastExtraMs` say how much of that was the pause and the simulated
 *   compute, so the session draws them as what they are.
 */
import type { Batch, DataLoader } from '../loader/index.ts';

export interface GateHooks {
  /** Each batch as it arrives, before the consumer has it (its views die at release). */
  onBatch(batch: Batch): void;
  /** Extra simulated compute per step, in ms (read at each batch). */
  extraComputeMs(): number;
  /** The consumer has stopped at the paused gate: no step runs until resume(). */
  onHeld?(): void;
}

export class ConsumerGate {
  #paused = false;
  #resume: (() => void) | null = null;
  #resumed: Promise<void> = Promise.resolve();
  #swap: AbortController | null = null;
  lastHeldMs = 0;
  lastExtraMs = 0;

  constructor(readonly hooks: GateHooks) {}

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#resumed = new Promise((resolve) => (this.#resume = resolve));
  }

  resume(): void {
    this.#paused = false;
    this.#resume?.();
    this.#resume = null;
  }

  /**
   * Ends the consumer's current segment at the next batch boundary by
   * aborting `segment` (the fit's signal) there; resolves nothing itself.
   */
  swapAt(segment: AbortController): void {
    this.#swap = segment;
    if (this.#paused) this.#endSegment(); // the consumer waits at the gate now: end it there
  }

  /** A view of `loader` whose iterators pass through this gate; everything else is the loader's. */
  wrap(loader: DataLoader, signal: AbortSignal): DataLoader {
    return new Proxy(loader, {
      get: (target, key) => {
        if (key === Symbol.asyncIterator) return () => this.#iterate(target, signal);
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  #endSegment(): void {
    const segment = this.#swap;
    this.#swap = null;
    segment?.abort('swap'); // wakes a consumer held by Pause; it stays paused in the next segment
  }

  #iterate(loader: DataLoader, signal: AbortSignal): AsyncIterator<Batch> {
    const inner = loader[Symbol.asyncIterator]();
    const done = (): IteratorResult<Batch> => ({ done: true, value: undefined });
    return {
      next: async () => {
        const t0 = performance.now();
        if (this.#paused && !signal.aborted && !this.#swap) this.hooks.onHeld?.();
        while (this.#paused && !signal.aborted && !this.#swap) await this.#waitResumed(signal);
        if (this.#swap) this.#endSegment();
        this.lastHeldMs = performance.now() - t0;
        this.lastExtraMs = 0;
        if (signal.aborted) return done();
        const next = await inner.next();
        if (next.done || signal.aborted) return next;
        this.hooks.onBatch(next.value);
        const extra = this.hooks.extraComputeMs();
        if (extra > 0) {
          const t = performance.now();
          await sleep(extra, signal);
          this.lastExtraMs = performance.now() - t;
        }
        return next;
      },
      return: async () => {
        await inner.return?.();
        return done();
      },
    };
  }

  #waitResumed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        signal.removeEventListener('abort', end);
        resolve();
      };
      signal.addEventListener('abort', end);
      void this.#resumed.then(end);
    });
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
