/**
 * One epoch of a DataLoader: the scheduler and the consumer's iterator.
 * PyTorch's _MultiProcessingDataLoaderIter, split into named steps:
 * fill() (_try_put_index), next() (_next_data) and #deliver() (_process_data).
 *
 * NOTE: scheduling
 *
 *   sampler order ──> batch k ──fill()──> free slot s ──> least busy producer
 *                                 ^                              │ load(k, s)
 *                                 │ slot freed                   v
 *   consumer <──#deliver()── slot s READY <──── producer writes, publishes
 *      └── release() / next() ──────┘
 *
 * - Only fill() hands out slots, and only free ones: at most `slots` batches
 *   are in flight or held, however slow the consumer (backpressure).
 * - inOrder: next() waits for batch #delivered exactly; otherwise for
 *   whichever pending batch settles first.
 * - numWorkers 0 (LocalProducer): fill() sends a batch only while next() waits
 *   for it, so nothing is loaded ahead: the no-prefetch baseline.
 *
 * NOTE: stopping
 *
 *   break / return() ─┐
 *   close() ──────────┼──> stop(): the held batch is released; every pending
 *   error raised ─────┘    job keeps its slot until its report arrives (the
 *                          producer may still be writing), then frees it.
 *
 * A next() waiting at that moment wakes up: done after a break, or
 * LoaderClosedError after close().
 */
import { Batch } from './batch.ts';
import { LoaderClosedError, SampleError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import type { Producer } from './producers.ts';
import type { BatchReport, JobSample } from './protocol.ts';
import { S_COUNT, S_SKIPPED, SlotState } from './ring.ts';
import type { SlotPool } from './slot-pool.ts';
import type { StatsCollector } from './stats.ts';

/** What a run needs from its loader. */
export interface RunContext {
  readonly options: ResolvedOptions;
  readonly pool: SlotPool;
  readonly producers: readonly Producer[];
  readonly stats: StatsCollector;
  sample(index: number): JobSample;
  /** Give a slot back to the pool and let the active run dispatch into it. */
  freeSlot(slot: number): void;
}

interface Pending {
  batch: number;
  slot: number;
  producer: Producer;
  /** Settles when the producer is done with the slot (and, in transfer mode, gave it back). */
  report: Promise<BatchReport>;
  /** Settles as soon as the consumer may read the slot; null report: the shared-ring fast path. */
  settled: Promise<{ pending: Pending; report: BatchReport | null }>;
}

type StopReason = 'break' | 'closed' | 'error';
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class EpochRun implements AsyncIterableIterator<Batch> {
  #nextDispatch = 0; // batches [0, #nextDispatch) were sent to a producer
  #delivered = 0; // batches settled for the consumer: yielded, empty, or raised
  readonly #pending = new Map<number, Pending>(); // dispatched, not yet delivered
  #held: { batch: Batch; slot: number } | null = null; // yielded and not yet released
  #awaiting = false; // next() is waiting for a batch
  #stopped: StopReason | null = null;
  #slotWaiters: Array<() => void> = []; // next() calls waiting for any slot to free up
  readonly #reports: Array<Promise<unknown>> = []; // every job's report this epoch, settled or not
  #turn = 0; // where the search for the least busy producer starts: ties rotate
  #wake: (reason: StopReason) => void = () => {};
  readonly #stop: Promise<StopReason>;

  constructor(
    readonly ctx: RunContext,
    readonly epoch: number,
    readonly batches: readonly Int32Array[],
  ) {
    this.#stop = new Promise((resolve) => (this.#wake = resolve));
    ctx.stats.beginEpoch(epoch, batches.reduce((n, b) => n + b.length, 0));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get stopped(): boolean {
    return this.#stopped !== null;
  }

  /** Sends batches to producers while slots are free (see NOTE: scheduling). */
  fill(): void {
    const { pool, options } = this.ctx;
    while (!this.#stopped && this.#nextDispatch < this.batches.length) {
      if (options.numWorkers === 0 && (!this.#awaiting || this.#pending.size > 0)) break;
      const slot = pool.acquire();
      if (slot === null) break;
      this.#dispatch(this.#nextDispatch++, slot);
    }
    for (const wake of this.#slotWaiters.splice(0)) wake();
  }

  #dispatch(batch: number, slot: number): void {
    const { ctx } = this;
    const producer = this.#leastBusy();
    const samples = Array.from(this.batches[batch], (index) => ctx.sample(index));
    const report = producer.load({ epoch: this.epoch, batch, slot, samples }, ctx.pool);
    this.#reports.push(report.then((r) => ctx.stats.addReport(r), () => {}));
    const pending = { batch, slot, producer, report } as Pending;
    let ready: Promise<BatchReport | null> = report;
    if (ctx.pool.mode === 'shared' && producer.id >= 0) {
      // Fast path: the ring says READY with nothing skipped before the report
      // arrives; the report then only feeds stats and the trace.
      const view = ctx.pool.view(slot);
      const published = view
        .waitWhileFilling()
        .then((state) => (state === SlotState.READY && view.header[S_SKIPPED] === 0 ? null : report));
      ready = Promise.race([published, report]);
    }
    pending.settled = ready.then((r) => ({ pending, report: r }));
    pending.settled.catch(() => {}); // a rejection is raised by next(), if anyone still waits
    this.#pending.set(batch, pending);
  }

  /** The producer with the fewest jobs in flight; among equals, the next in turn. */
  #leastBusy(): Producer {
    const { producers } = this.ctx;
    let best = this.#turn % producers.length;
    for (let k = 1; k < producers.length; k++) {
      const i = (this.#turn + k) % producers.length;
      if (producers[i].inFlight < producers[best].inFlight) best = i;
    }
    this.#turn = best + 1;
    return producers[best];
  }

  async next(): Promise<IteratorResult<Batch>> {
    this.#releaseHeld();
    while (!this.#stopped) {
      if (this.#delivered === this.batches.length) {
        // The shared-ring fast path yields batches before their reports
        // arrive; wait for them so stats() is complete when the epoch ends.
        await Promise.race([Promise.all(this.#reports), this.#stop]);
        this.stop('break');
        break;
      }
      const batch = await this.#nextSettled();
      if (batch) return { done: false, value: batch };
    }
    if (this.#stopped === 'closed') throw new LoaderClosedError('`DataLoader` was closed while iterating');
    return DONE;
  }

  /** Waits for the next batch (see NOTE: scheduling); null for an empty one. */
  async #nextSettled(): Promise<Batch | null> {
    this.#awaiting = true;
    this.fill();
    // Every slot may still belong to jobs of an epoch that was stopped early:
    // they free up as those producers report (see NOTE: stopping).
    while (!this.#stopped && !this.#dispatchedNext()) {
      await Promise.race([new Promise<void>((wake) => this.#slotWaiters.push(wake)), this.#stop]);
    }
    if (this.#stopped) {
      this.#awaiting = false;
      return null;
    }
    const waitFor = this.ctx.options.inOrder
      ? this.#pending.get(this.#delivered)!.settled
      : Promise.race([...this.#pending.values()].map((p) => p.settled));
    const start = performance.now();
    let settled: Awaited<Pending['settled']> | StopReason;
    try {
      settled = await Promise.race([waitFor, this.#stop]);
    } catch (error) {
      this.stop('error');
      throw error;
    } finally {
      this.#awaiting = false;
    }
    if (typeof settled === 'string') return null; // stopped while waiting
    this.ctx.stats.addWait(this.epoch, settled.pending.batch, start, performance.now());
    return this.#deliver(settled.pending, settled.report);
  }

  /** Whatever next() will wait for has been sent to a producer. */
  #dispatchedNext(): boolean {
    return this.ctx.options.inOrder ? this.#pending.has(this.#delivered) : this.#pending.size > 0;
  }

  /** Turns a settled slot into a Batch, an empty skip, or a raised error. */
  async #deliver(pending: Pending, fastReport: BatchReport | null): Promise<Batch | null> {
    const { ctx } = this;
    this.#pending.delete(pending.batch);
    this.#delivered++;
    const view = ctx.pool.view(pending.slot);
    if (view.state === SlotState.FAILED) {
      const report = fastReport ?? (await pending.report);
      ctx.freeSlot(pending.slot);
      this.stop('error');
      throw new SampleError(report.error!);
    }
    const count = view.header[S_COUNT];
    const skipped = fastReport?.skipped ?? [];
    ctx.stats.addDelivered(this.epoch, count, skipped);
    if (count === 0) {
      ctx.freeSlot(pending.slot); // every sample skipped: nothing to yield
      return null;
    }
    const { width, height, channels } = ctx.options.image;
    const elements = width * height * channels;
    const batch = new Batch({
      epoch: this.epoch,
      index: pending.batch,
      shape: [count, height, width, channels],
      images: view.pixels.subarray(0, count * elements),
      labels: view.labels.subarray(0, count),
      indices: view.indices.subarray(0, count),
      skipped,
      worker: pending.producer.id,
      onRelease: () => {
        if (this.#held?.batch === batch) this.#held = null;
        ctx.freeSlot(pending.slot);
      },
    });
    this.#held = { batch, slot: pending.slot };
    return batch;
  }

  #releaseHeld(): void {
    this.#held?.batch.release();
    this.#held = null;
  }

  /** Ends the epoch early (see NOTE: stopping). Idempotent. */
  stop(reason: StopReason): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    this.#releaseHeld();
    for (const pending of this.#pending.values()) {
      pending.report.then(
        () => this.ctx.freeSlot(pending.slot),
        () => this.ctx.freeSlot(pending.slot),
      );
    }
    this.#pending.clear();
    this.#wake(reason);
  }

  async return(): Promise<IteratorResult<Batch>> {
    this.stop('break');
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<Batch>> {
    this.stop('break');
    throw error;
  }

  /** The slot of the batch the consumer holds, or -1. */
  get heldSlot(): number {
    return this.#held?.slot ?? -1;
  }
}
