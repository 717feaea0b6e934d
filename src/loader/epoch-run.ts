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
 * - numWorkers 0 (LocalProducer): fill() sends a batch only against demand,
 *   a next() waiting for one (#pull), and only while no other is out, so
 *   nothing is loaded ahead: the no-prefetch baseline.
 *
 * NOTE: stopping
 *
 *   break / return() ─┐
 *   signal aborted ───┤
 *   close() ──────────┼──> stop(): the held batch is released; the producers
 *   error raised ─────┘    are told to cancel this epoch's jobs (their samples
 *                          abort, so the jobs report soon); every pending job
 *                          keeps its slot until its report arrives (the
 *                          producer may still be writing), then frees it.
 *
 * stop() fires the run's EpochStop, which ends the wait of a next() waiting at
 * that moment (EpochStop.until): done after a break, the signal's reason after
 * an abort, LoaderClosedError after close(). The epoch's stats record how it
 * ended (EpochEnd) and the samples it abandoned.
 *
 * A resumed epoch (loader-state.ts) runs only the batches not yet consumed,
 * in the same order, under their own batch numbers.
 */
import { slotBatch, type AnyBatch as Batch } from './batch.ts';
import { EpochStop, STOPPED } from './epoch-stop.ts';
import { LoaderClosedError, SampleError } from './errors.ts';
import { leastBusy, type Producer } from './producers.ts';
import type { BatchReport } from './protocol.ts';
import type { RunContext, RunOptions } from './run-context.ts';
import { EpochProgress } from './loader-state.ts';
import { S_COUNT, SlotState, readyWithoutSkips } from './ring.ts';
import type { EpochEnd } from './stats.ts';

interface Pending {
  batch: number;
  slot: number;
  producer: Producer;
  /** Settles when the producer is done with the slot (and, in transfer mode, gave it back). */
  report: Promise<BatchReport>;
  /** Settles as soon as the consumer may read the slot. */
  settled: Promise<Settled>;
}

/** A batch the consumer may read; a null report: the shared-ring fast path, its report still to come. */
interface Settled {
  pending: Pending;
  report: BatchReport | null;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class EpochRun implements AsyncIterableIterator<Batch> {
  /** Which batches of the epoch the consumer got; state() reads it. */
  readonly progress: EpochProgress;
  readonly #order: number[]; // batch numbers this run delivers, in sampler order
  #nextDispatch = 0; // #order[0, #nextDispatch) were sent to a producer
  #delivered = 0; // #order entries settled for the consumer: yielded, empty, or raised
  readonly #pending = new Map<number, Pending>(); // by batch number: dispatched, not yet delivered
  #held: { batch: Batch; slot: number } | null = null; // yielded and not yet released
  #demand = 0; // next() calls waiting for a batch (#pull); all that lets numWorkers 0 dispatch
  readonly #stop = new EpochStop(); // fired once, by stop()
  #slotWaiters: Array<() => void> = []; // next() calls waiting for any slot to free up
  readonly #reports: Array<Promise<unknown>> = []; // every job's report this epoch, settled or not
  #turn = 0; // where the search for the least busy producer starts: ties rotate
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.stop('abort');

  constructor(
    readonly ctx: RunContext,
    readonly epoch: number,
    readonly batches: readonly Int32Array[],
    readonly runOptions: RunOptions = {},
  ) {
    this.progress = new EpochProgress(batches.length, runOptions.consumed);
    this.#order = batches.map((_, k) => k).filter((k) => !this.progress.has(k));
    ctx.stats.beginEpoch(epoch, this.#order.reduce((n, k) => n + batches[k].length, 0));
    this.#signal = runOptions.signal;
    if (this.#signal?.aborted) this.stop('abort');
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get stopped(): boolean {
    return this.#stop.reason !== null;
  }

  /** Sends batches to producers while slots are free (see NOTE: scheduling). */
  fill(): void {
    while (this.#mayDispatch()) {
      const slot = this.ctx.pool.acquire();
      if (slot === null) break;
      this.#dispatch(this.#order[this.#nextDispatch++], slot);
    }
    for (const wake of this.#slotWaiters.splice(0)) wake();
  }

  /** A batch is left to send and the producers may take it: numWorkers 0 only against demand, one at a time. */
  #mayDispatch(): boolean {
    if (this.stopped || this.#nextDispatch === this.#order.length) return false;
    return this.ctx.options.numWorkers > 0 || (this.#demand > 0 && this.#pending.size === 0);
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
      const published = view.waitWhileFilling().then(() => (readyWithoutSkips(view) ? null : report));
      ready = Promise.race([published, report]);
    }
    pending.settled = ready.then((r) => ({ pending, report: r }));
    pending.settled.catch(() => {}); // a rejection is raised by next(), if anyone still waits
    this.#pending.set(batch, pending);
    ctx.stats.addDispatch(this.epoch, batch, slot, producer.id);
  }

  /** The producer with the fewest jobs in flight; among equals, the next in turn. */
  #leastBusy(): Producer {
    const { producers } = this.ctx;
    const best = leastBusy(producers, this.#turn);
    this.#turn = best + 1;
    return producers[best];
  }

  async next(): Promise<IteratorResult<Batch>> {
    this.#releaseHeld();
    while (!this.stopped) {
      if (this.#delivered === this.#order.length) {
        // The shared-ring fast path yields batches before their reports
        // arrive; wait for them so stats() is complete when the epoch ends.
        await this.#stop.until(Promise.all(this.#reports));
        this.stop('complete');
        break;
      }
      const settled = await this.#pull();
      if (settled === STOPPED) break;
      const batch = await this.#deliver(settled.pending, settled.report);
      if (batch) return { done: false, value: batch };
    }
    const reason = this.#stop.reason;
    if (reason === 'closed') throw new LoaderClosedError('`DataLoader` was closed while iterating');
    if (reason === 'abort') throw this.#signal!.reason;
    return DONE;
  }

  /**
   * The consumer's pull: waits for the next batch to settle (see NOTE:
   * scheduling), counting as demand meanwhile; STOPPED if the epoch stops
   * first (see NOTE: stopping). A failed job rejects, and stops the epoch.
   */
  async #pull(): Promise<Settled | typeof STOPPED> {
    this.#demand++;
    try {
      this.fill();
      // Every slot may still belong to jobs of an epoch that was stopped early:
      // they free up as those producers report (see NOTE: stopping).
      while (!this.stopped && !this.#dispatchedNext()) {
        await this.#stop.until(new Promise<void>((wake) => this.#slotWaiters.push(wake)));
      }
      if (this.stopped) return STOPPED;
      const start = performance.now();
      const settled = await this.#stop.until(this.#nextToSettle()).catch((error: unknown) => {
        this.stop('error');
        throw error;
      });
      if (settled !== STOPPED) {
        const end = performance.now();
        this.ctx.stats.addWait(this.epoch, settled.pending.batch, start, end);
        this.ctx.waited?.(end - start);
      }
      return settled;
    } finally {
      this.#demand--;
    }
  }

  /** What next() waits for: batch #delivered when inOrder, else whichever pending batch settles first. */
  #nextToSettle(): Promise<Settled> {
    if (this.ctx.options.inOrder) return this.#pending.get(this.#order[this.#delivered])!.settled;
    return Promise.race([...this.#pending.values()].map((p) => p.settled));
  }

  /** Whatever next() will wait for has been sent to a producer. */
  #dispatchedNext(): boolean {
    return this.ctx.options.inOrder ? this.#pending.has(this.#order[this.#delivered]) : this.#pending.size > 0;
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
      if (this.runOptions.continueAfterError) this.progress.mark(pending.batch); // PyTorch's iterator: the failed batch is passed
      else this.stop('error');
      throw new SampleError(report.error!);
    }
    const count = view.header[S_COUNT];
    const skipped = fastReport?.skipped ?? [];
    ctx.stats.addDelivered(this.epoch, count, skipped);
    ctx.delivered?.(view.indices.subarray(0, count));
    this.progress.mark(pending.batch);
    if (count === 0) {
      ctx.freeSlot(pending.slot); // every sample skipped: nothing to yield
      return null;
    }
    const batch = slotBatch(view, count, ctx.options.sample.shape, {
      epoch: this.epoch,
      index: pending.batch,
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

  /** Ends the epoch, early unless reason is 'complete' (see NOTE: stopping). Idempotent: the first reason stands. */
  stop(reason: EpochEnd): void {
    if (!this.#stop.fire(reason)) return;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#releaseHeld();
    if (this.#pending.size > 0) this.ctx.cancel(this.epoch);
    for (const pending of this.#pending.values()) {
      pending.report.then(
        () => this.ctx.freeSlot(pending.slot),
        () => this.ctx.freeSlot(pending.slot),
      );
    }
    this.#pending.clear();
    this.ctx.stats.endEpoch(this.epoch, reason);
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
