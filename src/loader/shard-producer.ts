/**
 * A Producer for a dataset packed in shards: it hands each job to the
 * producer it wraps (a worker, or the main thread) once the ShardFeed has
 * turned the job's samples into shard slices, and releases the job's shards
 * when that producer reports. See shard-feed.ts, NOTE: who fetches what.
 *
 * Jobs resolve concurrently: one waiting for its shards never holds up
 * another. A job still waiting for its shards counts as in flight, so the
 * scheduler's balance (leastBusy) sees it.
 */
import type { Producer } from './producers.ts';
import type { BatchJob, BatchReport } from './protocol.ts';
import type { ShardFeed } from './shard-feed.ts';
import type { SlotPool } from './slot-pool.ts';

/** Cancelled epochs whose controllers are kept, for a job that arrives after its cancel. */
const KEPT_EPOCHS = 8;

export class ShardProducer implements Producer {
  #waiting = 0; // jobs whose shards are being acquired
  readonly #epochs = new Map<number, AbortController>(); // per epoch: aborts its jobs' waits

  constructor(
    readonly inner: Producer,
    readonly feed: ShardFeed,
  ) {}

  get id(): number {
    return this.inner.id;
  }

  get inFlight(): number {
    return this.inner.inFlight + this.#waiting;
  }

  async load(job: BatchJob, pool: SlotPool): Promise<BatchReport> {
    this.#waiting++;
    let fed;
    try {
      fed = await this.feed.resolve(job, this.#signal(job.epoch));
    } finally {
      this.#waiting--;
    }
    try {
      return await this.inner.load({ ...job, samples: fed.samples }, pool);
    } finally {
      fed.release();
    }
  }

  setTracing(on: boolean): void {
    this.inner.setTracing(on);
  }

  cancel(epoch: number): void {
    this.#controller(epoch).abort(new DOMException(`epoch ${epoch} was stopped`, 'AbortError'));
    this.inner.cancel(epoch);
  }

  close(): void {
    for (const controller of this.#epochs.values()) controller.abort(new DOMException('the DataLoader was closed', 'AbortError'));
    this.inner.close();
  }

  #signal(epoch: number): AbortSignal {
    return this.#controller(epoch).signal;
  }

  #controller(epoch: number): AbortController {
    let controller = this.#epochs.get(epoch);
    if (!controller) {
      controller = new AbortController();
      this.#epochs.set(epoch, controller);
      for (const old of this.#epochs.keys()) if (old < epoch - KEPT_EPOCHS) this.#epochs.delete(old);
    }
    return controller;
  }
}
