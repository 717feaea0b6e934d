/**
 * A FIFO counting semaphore: at most `limit` tasks run at once, started in the
 * order they asked. The executor shares one per producer, so the samples of
 * batch k are started before those of batch k + 1 even when both are queued.
 */
export class Limiter {
  #active = 0; // always equal to the number of run() calls between acquire and release
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // hand the permit straight to the next waiter: #active stays the same
      if (next) next();
      else this.#active--;
    }
  }
}
