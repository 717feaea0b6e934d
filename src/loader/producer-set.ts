/**
 * The loader's producers: started with the first epoch, `active` of them
 * taking new batches. A fixed numWorkers uses all of them; 'auto'
 * (autotune.ts) grows and shrinks `active`. A producer taken out of use keeps
 * its in-flight batches (they finish, or are cancelled with their epoch) and
 * stays started but idle, so a later step up reuses it; every started one is
 * cancelled, traced and closed with the rest.
 */
import type { Producer } from './producers.ts';

export class ProducerSet {
  readonly #started: Producer[] = [];
  #active: Producer[] = [];

  /** `make(id)` starts producer `id` (0, 1, ...). */
  constructor(
    readonly make: (id: number) => Producer,
    active: number,
  ) {
    this.setActive(active);
  }

  /** The producers the scheduler may send batches to. */
  get active(): readonly Producer[] {
    return this.#active;
  }

  /** Every producer started so far, in use or not. */
  get started(): readonly Producer[] {
    return this.#started;
  }

  setActive(count: number): void {
    while (this.#started.length < count) this.#started.push(this.make(this.#started.length));
    this.#active = this.#started.slice(0, count);
  }
}
