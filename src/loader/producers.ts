/**
 * Producers: who fills a slot. A WorkerProducer drives one module Worker
 * through Comlink, for as long as that worker lives; worker-supervisor.ts
 * restarts a dead one and hands its jobs over. A LocalProducer runs the same
 * BatchExecutor on the main thread (numWorkers: 0). The scheduler sees only
 * the Producer shape.
 */
import { releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import { BatchExecutor } from './worker/batch-executor.ts';
import type { PixelReader } from './worker/decode.ts';
import { WorkerError } from './errors.ts';
import type { ImageOptions } from './options.ts';
import type { BatchJob, BatchReport, LoaderWorkerApi, WorkerInit } from './protocol.ts';
import type { SlotPool } from './slot-pool.ts';
import type { ItemSource } from './worker/item-source.ts';

export interface Producer {
  readonly id: number;
  /** Jobs sent and not yet reported; the scheduler balances on it. */
  readonly inFlight: number;
  /** Fills job.slot of `pool`; resolves with the report once the slot is back. */
  load(job: BatchJob, pool: SlotPool): Promise<BatchReport>;
  setTracing(on: boolean): void;
  /** Aborts what is left of `epoch`'s jobs (the epoch was stopped); they report soon, as failed. */
  cancel(epoch: number): void;
  close(): void;
}

/**
 * Index of the producer with the fewest jobs in flight, searching from `turn`
 * so that ties rotate instead of always landing on producer 0.
 */
export function leastBusy(producers: readonly Producer[], turn: number): number {
  let best = turn % producers.length;
  for (let k = 1; k < producers.length; k++) {
    const i = (turn + k) % producers.length;
    if (producers[i].inFlight < producers[best].inFlight) best = i;
  }
  return best;
}

/** What a loader needs of a worker: Comlink's Endpoint, plus terminate(). */
export interface WorkerLike extends Endpoint {
  terminate(): unknown;
}

/** One worker, from start to death: its calls reject with a WorkerError once it is dead. */
export class WorkerProducer implements Producer {
  #inFlight = 0; // always equal to the number of load() calls not yet settled
  readonly #remote: Remote<LoaderWorkerApi>;
  readonly #ready: Promise<void>;
  /** Rejects when the worker reports an uncaught error, or is killed; never resolves. */
  readonly #dead: Promise<never>;
  #kill: (error: WorkerError) => void = () => {};
  #death: WorkerError | null = null;
  #closed = false;

  constructor(
    readonly id: number,
    readonly worker: WorkerLike,
    init: WorkerInit,
  ) {
    this.#dead = new Promise<never>((_, reject) => {
      this.#kill = (error) => {
        this.#death ??= error;
        reject(this.#death);
      };
      const onError = (event: Event) => {
        // Handled here (the worker is replaced, or the loader fails with a WorkerError): not the page's uncaught error.
        event.preventDefault?.();
        const message = (event as ErrorEvent).message || 'the worker failed to start or threw outside a sample';
        this.#kill(new WorkerError(id, message, (event as ErrorEvent).error));
      };
      worker.addEventListener('error', onError as EventListener);
    });
    this.#dead.catch(() => {}); // observed through load(); do not report it unhandled
    this.#remote = wrap<LoaderWorkerApi>(worker);
    // A rejected init (a custom dataset's init() threw): a WorkerError naming this worker, for every job it gets.
    const started = Promise.resolve(this.#remote.init(init)).catch((cause: unknown) => {
      throw new WorkerError(id, cause instanceof Error ? cause.message : String(cause), cause);
    });
    this.#ready = Promise.race([started, this.#dead]);
    this.#ready.catch(() => {}); // observed through load() and `ready`
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves once the worker took its init; rejects if it dies first. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Rejects with the WorkerError that ended this worker. */
  get dead(): Promise<never> {
    return this.#dead;
  }

  /** Why this worker is dead, or null while it lives. */
  get death(): WorkerError | null {
    return this.#death;
  }

  /** Declares the worker dead (hung, say): every call rejects with `error`; terminates it. */
  kill(error: WorkerError): void {
    this.#kill(error);
    this.close();
  }

  /** Resolves when the worker answers: the heartbeat. */
  async ping(): Promise<void> {
    await Promise.race([this.#remote.ping(), this.#dead]);
  }

  cancel(epoch: number): void {
    // After #ready, like load(): a job still waiting for the worker to start is posted first.
    void this.#ready.then(() => this.#remote.cancel(epoch)).catch(() => {});
  }

  async load(job: BatchJob, pool: SlotPool): Promise<BatchReport> {
    this.#inFlight++;
    try {
      await this.#ready;
      if (pool.mode === 'shared') return await Promise.race([this.#remote.load(job), this.#dead]);
      const buffer = pool.take(job.slot);
      const result = await Promise.race([this.#remote.loadInto(job, transfer(buffer, [buffer])), this.#dead]);
      // A worker declared dead lost its jobs (they were handed over): what it sends back is not ours to put.
      if (this.#death) throw this.#death;
      pool.put(job.slot, result.buffer);
      return result.report;
    } finally {
      this.#inFlight--;
    }
  }

  setTracing(on: boolean): void {
    void this.#ready.then(() => this.#remote.setTracing(on)).catch(() => {});
  }

  /** Terminates the worker. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#remote[releaseProxy]();
    this.worker.terminate();
  }
}

export class LocalProducer implements Producer {
  readonly id = -1;
  #inFlight = 0;
  readonly #executor: BatchExecutor;
  /** Rejects with a WorkerError when the item source never gets ready (a custom module that fails to load). */
  readonly #ready: Promise<void>;

  constructor(init: WorkerInit, makeReader: (image: ImageOptions) => PixelReader, items: ItemSource | null = null) {
    this.#executor = new BatchExecutor(-1, init.options, makeReader(init.options.image), items);
    this.#executor.tracing = init.tracing;
    this.#ready = (items?.ready ?? Promise.resolve()).catch((cause: unknown) => {
      throw new WorkerError(-1, cause instanceof Error ? cause.message : String(cause), cause);
    });
    this.#ready.catch(() => {}); // observed through load()
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async load(job: BatchJob, pool: SlotPool): Promise<BatchReport> {
    this.#inFlight++;
    try {
      await this.#ready;
      // Same executor, same slot layout; the buffer never leaves this thread.
      return await this.#executor.run(job, pool.view(job.slot));
    } finally {
      this.#inFlight--;
    }
  }

  setTracing(on: boolean): void {
    this.#executor.tracing = on;
  }

  cancel(epoch: number): void {
    this.#executor.cancelEpoch(epoch, new Error(`epoch ${epoch} was stopped`));
  }

  close(): void {
    this.#executor.close(new Error('the DataLoader was closed'));
  }
}
