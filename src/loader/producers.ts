/**
 * Producers: who fills a slot. A WorkerProducer drives one module Worker
 * through Comlink; a LocalProducer runs the same BatchExecutor on the main
 * thread (numWorkers: 0). The scheduler sees only the Producer shape.
 */
import { releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import { BatchExecutor } from './batch-executor.ts';
import type { PixelReader } from './decode.ts';
import { WorkerError } from './errors.ts';
import type { ImageOptions } from './options.ts';
import type { BatchJob, BatchReport, LoaderWorkerApi, WorkerInit } from './protocol.ts';
import type { SlotPool } from './slot-pool.ts';

export interface Producer {
  readonly id: number;
  /** Jobs sent and not yet reported; the scheduler balances on it. */
  readonly inFlight: number;
  /** Fills job.slot of `pool`; resolves with the report once the slot is back. */
  load(job: BatchJob, pool: SlotPool): Promise<BatchReport>;
  setTracing(on: boolean): void;
  close(): void;
}

/** What a loader needs of a worker: Comlink's Endpoint, plus terminate(). */
export interface WorkerLike extends Endpoint {
  terminate(): unknown;
}

/** The browser's module worker running workers/loader.worker.ts. */
export function createModuleWorker(): WorkerLike {
  // Static options: Vite bundles the worker from this exact expression.
  return new Worker(new URL('../../workers/loader.worker.ts', import.meta.url), {
    type: 'module',
    name: 'feedline-loader',
  });
}

export class WorkerProducer implements Producer {
  #inFlight = 0; // always equal to the number of load() calls not yet settled
  readonly #remote: Remote<LoaderWorkerApi>;
  readonly #ready: Promise<void>;
  /** Rejects when the worker reports an uncaught error; never resolves. */
  readonly #dead: Promise<never>;

  constructor(
    readonly id: number,
    readonly worker: WorkerLike,
    init: WorkerInit,
  ) {
    this.#dead = new Promise<never>((_, reject) => {
      const onError = (event: Event) => {
        const message = (event as ErrorEvent).message || 'the worker failed to start or threw outside a sample';
        reject(new WorkerError(id, message, (event as ErrorEvent).error));
      };
      worker.addEventListener('error', onError as EventListener);
    });
    this.#dead.catch(() => {}); // observed through load(); do not report it unhandled
    this.#remote = wrap<LoaderWorkerApi>(worker);
    this.#ready = Promise.race([this.#remote.init(init), this.#dead]);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async load(job: BatchJob, pool: SlotPool): Promise<BatchReport> {
    this.#inFlight++;
    try {
      await this.#ready;
      if (pool.mode === 'shared') return await Promise.race([this.#remote.load(job), this.#dead]);
      const buffer = pool.take(job.slot);
      const result = await Promise.race([this.#remote.loadInto(job, transfer(buffer, [buffer])), this.#dead]);
      pool.put(job.slot, result.buffer);
      return result.report;
    } finally {
      this.#inFlight--;
    }
  }

  setTracing(on: boolean): void {
    void this.#ready.then(() => this.#remote.setTracing(on)).catch(() => {});
  }

  close(): void {
    this.#remote[releaseProxy]();
    this.worker.terminate();
  }
}

export class LocalProducer implements Producer {
  readonly id = -1;
  #inFlight = 0;
  readonly #executor: BatchExecutor;

  constructor(init: WorkerInit, makeReader: (image: ImageOptions) => PixelReader) {
    this.#executor = new BatchExecutor(-1, init.options, makeReader(init.options.image));
    this.#executor.tracing = init.tracing;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async load(job: BatchJob, pool: SlotPool): Promise<BatchReport> {
    this.#inFlight++;
    try {
      // Same executor, same slot layout; the buffer never leaves this thread.
      return await this.#executor.run(job, pool.view(job.slot));
    } finally {
      this.#inFlight--;
    }
  }

  setTracing(on: boolean): void {
    this.#executor.tracing = on;
  }

  close(): void {
    this.#executor.close(new Error('the DataLoader was closed'));
  }
}
