/**
 * How an epoch's stop reaches whoever waits on it (epoch-run.ts, NOTE:
 * stopping). fire() records why the epoch ended, once; until() ends a wait
 * early when it does, with STOPPED in place of the awaited value.
 */
import type { EpochEnd } from './stats.ts';

/** What until() gives instead of the awaited value when the epoch stops first. */
export const STOPPED: unique symbol = Symbol('stopped');

export class EpochStop {
  #reason: EpochEnd | null = null; // set once, by fire()
  #wake: () => void = () => {};
  readonly #fired = new Promise<typeof STOPPED>((resolve) => (this.#wake = () => resolve(STOPPED)));

  /** Why the epoch ended; null while it runs. */
  get reason(): EpochEnd | null {
    return this.#reason;
  }

  /** Records why the epoch ended and wakes every until(). False if it had stopped already (the first reason stands). */
  fire(reason: EpochEnd): boolean {
    if (this.#reason !== null) return false;
    this.#reason = reason;
    this.#wake();
    return true;
  }

  /** `promise`'s value, or STOPPED as soon as the epoch stops (at once if it has). A rejection passes through. */
  until<T>(promise: Promise<T>): Promise<T | typeof STOPPED> {
    return Promise.race([promise, this.#fired]);
  }
}
