/**
 * Loads one batch into one slot: the producer side of the ring. The same code
 * runs in every worker and, for numWorkers 0, on the main thread, which is
 * what makes the two paths give identical batches.
 *
 * Must hold for every job:
 * - every sample of the job ends up either written to the slot or in the
 *   report (skipped, or the batch's error): none is lost;
 * - written samples are packed at the front in batch order, whatever order
 *   their decodes finished in, so results do not depend on timing;
 * - under 'raise' the error is the failure with the lowest batch position, for
 *   the same reason;
 * - the slot's state is published last, exactly once;
 * - the sample cache never costs a sample: a cache failure turns the cache
 *   off and the decoded pixels go on, and its writes are settled only after
 *   the slot is published.
 */
import {
  SampleLoadError,
  describeSource,
  serializeError,
  type SampleFailure,
} from '../errors.ts';
import { newTally, sampleSource, type CacheTally, type SampleSource } from '../cache/cached-reader.ts';
import type { PixelReader, PhaseMark, ReadHints } from './decode.ts';
import { sampleRandom } from '../sample-random.ts';
import { headerReadsFor, type HeaderReads } from './header-reads.ts';
import { Limiter } from './limiter.ts';
import type { ResolvedOptions } from '../options.ts';
import type { BatchJob, BatchReport, JobSample, TraceEvent } from '../protocol.ts';
import { SlotState, type SlotView } from '../ring.ts';
import { normalizeTable, rgbaToFloat32, rgbaToUint8 } from './transforms.ts';
import { sampleElements } from '../sample-shape.ts';
import { writeItem, type ItemSource } from './item-source.ts';
import { withTimeout } from './sample-timeout.ts';
import { NEVER_RETRY, backoffMs } from '../retry-policy.ts';

/** Absolute time in ms, comparable across threads. */
export const absoluteNow = () => performance.timeOrigin + performance.now();

type Outcome = { ok: true } | { ok: false; failure: SampleFailure };
const CHECKED: ReadHints = { headerChecked: true };

export class BatchExecutor {
  tracing = false;
  readonly #limiter: Limiter;
  readonly #elements: number; // per sample
  readonly #table: Float32Array | null;
  readonly #scratch: Uint8Array;
  readonly #source: SampleSource; // `reader`, behind the sample cache when the option is on
  #cancel = new AbortController(); // cancelAll(): every job
  readonly #epochs = new Map<number, { cancel: AbortController; jobs: number }>(); // cancelEpoch(): one epoch's jobs
  readonly #cancelled: number[] = []; // cancelled epochs, oldest first: their #epochs entries stay, up to 8

  constructor(
    readonly workerId: number,
    readonly options: ResolvedOptions,
    readonly reader: PixelReader,
    /** Set for a dataset whose samples are not images (tensor, custom): it replaces the reader (item-source.ts). */
    readonly items: ItemSource | null = null,
  ) {
    const { channels } = options.image;
    this.#elements = sampleElements(options);
    this.#limiter = new Limiter(options.decodeConcurrency);
    this.#table = options.mean && options.std ? normalizeTable(channels, options.mean, options.std) : null;
    this.#scratch = new Uint8Array(this.#elements);
    this.#source = sampleSource(reader, options, workerId < 0 ? 'the main thread' : `worker ${workerId}`);
  }

  /** Aborts every sample in flight; their jobs finish as failed. */
  cancelAll(reason: unknown): void {
    this.#cancel.abort(reason);
    this.#cancel = new AbortController();
  }

  /**
   * Aborts the samples of one epoch's jobs, running or queued (the epoch was
   * stopped: nobody will read them); their jobs finish at once, as failed.
   */
  cancelEpoch(epoch: number, reason: unknown): void {
    const entry = this.#epochs.get(epoch) ?? { cancel: new AbortController(), jobs: 0 };
    entry.cancel.abort(reason);
    // Kept while jobs run, and for a job of this epoch that arrives after the cancel (messages can cross).
    this.#epochs.set(epoch, entry);
    if (!this.#cancelled.includes(epoch)) this.#cancelled.push(epoch);
    while (this.#cancelled.length > 8) this.#epochs.delete(this.#cancelled.shift()!);
  }

  /** For good: aborts what is in flight and closes the sample cache's connection. */
  close(reason: unknown): void {
    this.cancelAll(reason);
    this.#source.close();
  }

  async run(job: BatchJob, view: SlotView): Promise<BatchReport> {
    const start = absoluteNow();
    const trace: TraceEvent[] | null = this.tracing ? [] : null;
    const epoch = this.#epochs.get(job.epoch) ?? { cancel: new AbortController(), jobs: 0 };
    this.#epochs.set(job.epoch, epoch);
    epoch.jobs++;
    const signal = AbortSignal.any([this.#cancel.signal, epoch.cancel.signal]);
    const tally = newTally();
    // An invalid manifest item is never read, so never looked up either.
    const readable = job.samples.filter((s) => !s.problem && !s.failure);
    this.#source.expect(readable.map((s) => s.source), readable.map((s) => s.cacheKey));
    // The unchecked Blobs' headers, read together: now, or with the sample cache on when first needed (header-reads.ts).
    const reads = headerReadsFor(job.samples, this.options.cache === 'none');
    let outcomes: Outcome[];
    try {
      outcomes = await Promise.all(
        job.samples.map((sample, j) => this.#limiter.run(() => this.#loadSample(job, sample, j, view, signal, trace, tally, reads))),
      );
    } finally {
      if (--epoch.jobs === 0 && !epoch.cancel.signal.aborted) this.#epochs.delete(job.epoch);
    }
    const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.failure]));
    const raise = failures.length > 0 && this.options.onError.then === 'raise';
    const count = raise ? 0 : this.#compact(outcomes, view);
    const end = absoluteNow();
    trace?.push({ worker: this.workerId, epoch: job.epoch, batch: job.batch, phase: 'batch', start, end });
    view.publish(raise ? SlotState.FAILED : SlotState.READY, {
      epoch: job.epoch,
      batch: job.batch,
      count,
      skipped: raise ? 0 : failures.length,
    });
    // After publishing, so a shared-ring consumer never waits for cache writes (see NOTE: cache reads and writes).
    const cache = await this.#source.settle(tally);
    return {
      worker: this.workerId,
      epoch: job.epoch,
      batch: job.batch,
      slot: job.slot,
      count,
      skipped: raise ? [] : failures,
      error: raise ? failures[0] : null,
      start,
      end,
      trace,
      ...(cache && { cache }),
    };
  }

  async #loadSample(
    job: BatchJob,
    sample: JobSample,
    position: number,
    view: SlotView,
    signal: AbortSignal,
    trace: TraceEvent[] | null,
    tally: CacheTally,
    reads: HeaderReads | null,
  ): Promise<Outcome> {
    const { retry } = this.options.onError;
    const mark: PhaseMark | undefined = trace
      ? (phase, start) =>
          trace.push({
            worker: this.workerId,
            epoch: job.epoch,
            batch: job.batch,
            phase,
            index: sample.index,
            start: performance.timeOrigin + start,
            end: absoluteNow(),
          })
      : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        if (signal.aborted) throw signal.reason; // cancelled while queued: do not start it
        if (sample.problem) throw new SampleLoadError('manifest', sample.problem);
        if (sample.failure) throw new SampleLoadError(sample.failure.reason, sample.failure.message);
        if (this.items) {
          await this.#loadItem(this.items, job.epoch, sample, position, view, signal, mark);
          return { ok: true };
        }
        const rgba = await this.#readWithTimeout(sample, signal, tally, this.#hints(sample, job.epoch, position, reads), mark);
        this.#write(rgba, sample, position, view);
        return { ok: true };
      } catch (error) {
        const reason = signal.aborted ? 'source' : error instanceof SampleLoadError ? error.reason : this.items ? 'dataset' : 'decode';
        // A failure found before the job (sample.failure) was retried where it was found.
        if (attempt <= retry && !signal.aborted && !NEVER_RETRY.has(reason) && !sample.failure) {
          const wait = backoffMs(reason, attempt);
          if (wait > 0) await sleep(wait);
          continue;
        }
        const failure: SampleFailure = {
          index: sample.index,
          source: describeSource(sample.source),
          reason,
          worker: this.workerId,
          epoch: job.epoch,
          batch: job.batch,
          attempts: sample.failure?.attempts ?? attempt,
          error: serializeError(signal.aborted ? signal.reason : error),
        };
        return { ok: false, failure };
      }
    }
  }

  /** One image sample under timeoutMs (active time: a frozen page coming back does not time out what it froze). */
  #readWithTimeout(sample: JobSample, signal: AbortSignal, tally: CacheTally, hints: ReadHints | undefined, mark?: PhaseMark): Promise<Uint8ClampedArray> {
    return withTimeout(this.options.timeoutMs, signal, (bounded) => this.#source.read(sample.source, bounded, mark, tally, hints));
  }

  /** A tensor row or a custom getItem, under timeoutMs, into the slot (the item-source seam). */
  /** A tensor row or a custom getItem: traced as 'decode' (making the sample) and 'write' (into the slot). */
  async #loadItem(items: ItemSource, epoch: number, sample: JobSample, position: number, view: SlotView, signal: AbortSignal, mark?: PhaseMark): Promise<void> {
    let t = performance.now();
    const item = await withTimeout(this.options.timeoutMs, signal, (bounded) => items.read(sample, epoch, bounded));
    if (signal.aborted) throw signal.reason;
    mark?.('decode', t);
    t = performance.now();
    writeItem(item, sample, position, view, this.options.sample);
    mark?.('write', t);
  }

  /** The reader's hints; a fresh SampleRandom per read: a retry draws the same augmentation as the first try. */
  #hints(sample: JobSample, epoch: number, position: number, reads: HeaderReads | null): ReadHints | undefined {
    const { augment, seed } = this.options;
    const check: ReadHints | undefined = sample.checked ? CHECKED : reads ? { prefix: () => reads.prefix(position) } : undefined;
    if (augment.length === 0) return check;
    return { ...check, augment: { list: augment, random: sampleRandom(seed, epoch, sample.index) } };
  }

  /** Writes at the sample's own batch position; #compact closes gaps later. */
  #write(rgba: Uint8ClampedArray, sample: JobSample, position: number, view: SlotView): void {
    const { channels } = this.options.image;
    const expected = (this.#elements / channels) * 4;
    if (rgba.length !== expected) {
      throw new SampleLoadError('decode', `expected ${expected} RGBA bytes, got ${rgba.length}`);
    }
    const offset = position * this.#elements;
    if (this.#table) rgbaToFloat32(rgba, channels, this.#table, view.pixels as Float32Array, offset, this.#scratch);
    else rgbaToUint8(rgba, channels, view.pixels as Uint8Array, offset);
    view.labels[position] = sample.label;
    view.indices[position] = sample.index;
  }

  /** Packs the written samples to the front, in batch order; returns how many. */
  #compact(outcomes: Outcome[], view: SlotView): number {
    const e = this.#elements;
    let count = 0;
    outcomes.forEach((outcome, j) => {
      if (!outcome.ok) return;
      if (count !== j) {
        view.labels[count] = view.labels[j];
        view.indices[count] = view.indices[j];
        view.pixels.copyWithin(count * e, j * e, (j + 1) * e);
      }
      count++;
    });
    return count;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
