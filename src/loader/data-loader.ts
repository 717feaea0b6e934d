/**
 * DataLoader: PyTorch's torch.utils.data.DataLoader for images in the browser.
 *
 *   const loader = new DataLoader(dataset, { batchSize: 64, shuffle: true, numWorkers: 2 });
 *   for await (const batch of loader) { ...; batch.release(); }   // one epoch
 *   loader.close();
 *
 * Workers start with the first epoch and live as long as the loader
 * (PyTorch's persistent_workers=True); close() ends them. A worker that dies
 * is replaced and its batches handed over (worker-supervisor.ts).
 */
import type { ImageDataset } from './dataset.ts';
import type { Batch } from './batch.ts';
import { isItemDataset, type ItemDataset } from './datasets/item-dataset.ts';
import { CanvasPixelReader } from './worker/decode.ts';
import { EpochRun } from './epoch-run.ts';
import type { RunContext } from './run-context.ts';
import { LoaderClosedError, OptionError } from './errors.ts';
import { EpochProgress, checkResume, fingerprintOf, makeState, stateBasis, type LoaderState, type StateBasis } from './loader-state.ts';
import { resolveOptions, sampleElements, type DataLoaderOptions, type ImageOptions, type ResolvedOptions } from './options.ts';
import { LocalProducer, WorkerProducer, type Producer } from './producers.ts';
import { createModuleWorker } from './worker/spawn.ts';
import type { JobSample, TraceEvent, WorkerInit } from './protocol.ts';
import { ringSlotCount, slotLayout, type SlotGeometry } from './ring.ts';
import { batchCount, batchIndices, epochOrder } from './sampler.ts';
import { SlotPool, type RingMode } from './slot-pool.ts';
import { StatsCollector, type LoaderStats } from './stats.ts';
import { SupervisedWorker } from './worker-supervisor.ts';
import { ShardFeed } from './shard-feed.ts';
import { ShardProducer } from './shard-producer.ts';
import { sharedMemoryAvailable, type IterateOptions, type LoaderEnvironment } from './loader-environment.ts';
import { Autotuner, autotuneSlots } from './autotune.ts';
import { ProducerSet } from './producer-set.ts';

export { sharedMemoryAvailable, type IterateOptions, type LoaderEnvironment } from './loader-environment.ts';

/** Any dataset the loader reads: images through the image pipeline, or a tensor or custom dataset. */
export type LoaderDataset = ImageDataset | ItemDataset;

/** The batches a loader over D yields: an image dataset's are NHWC, [size, height, width, channels]. */
export type BatchOf<D extends LoaderDataset> = D extends ImageDataset ? Batch : Batch<number[]>;

export class DataLoader<D extends LoaderDataset = ImageDataset> implements AsyncIterable<BatchOf<D>> {
  readonly options: Readonly<ResolvedOptions>;
  /** 'shared': SharedArrayBuffer ring; 'transfer': ArrayBuffers moved with Comlink.transfer. */
  readonly mode: RingMode;
  /** Ring slots: max(2, numWorkers * prefetchFactor); with 'auto', what it may grow to, within a memory budget. */
  readonly slots: number;
  #epoch = 0; // the epoch the next iteration runs
  #closed = false;
  #pool: SlotPool;
  #producers: ProducerSet | null = null; // started by the first iteration
  readonly #tuner: Autotuner | null; // numWorkers or prefetchFactor 'auto'
  #run: EpochRun | null = null; // the latest epoch, active or not; kept after close() for state()
  #resume: { epoch: number; consumed: number[] } | null = null; // from resumeFrom, until its epoch runs
  #identity: { basis: StateBasis; seed: number; fingerprint: string } | null = null; // computed on first use
  #checked: Uint8Array | null = null; // [index] = 1 once delivered: a Blob source's header needs no second check
  readonly #stats: StatsCollector;
  readonly #env: LoaderEnvironment;
  readonly #shards: ShardFeed | null;
  #specCache: WorkerInit['dataset'] = null; // set for a dataset packed in shards: its store and order

  constructor(
    readonly dataset: D,
    options: DataLoaderOptions = {},
    env: LoaderEnvironment = {},
  ) {
    if (!dataset || typeof dataset.length !== 'number') {
      throw new OptionError('`DataLoader` needs a dataset as its first argument: an ImageDataset, TensorDataset or CustomDataset');
    }
    const items = isItemDataset(dataset) ? dataset : null;
    this.options = items ? resolveOptions(options, {}, { kind: items.kind, sample: items.sample }) : resolveOptions(options, (dataset as ImageDataset).shape);
    items?.checkOptions?.(this.options);
    this.#env = env;
    const wanted = env.mode ?? 'auto';
    if (wanted === 'shared' && !sharedMemoryAvailable()) {
      throw new OptionError(
        "`DataLoader` mode 'shared' needs SharedArrayBuffer: serve the page with COOP same-origin and COEP require-corp, or use mode 'auto'",
      );
    }
    this.mode = wanted === 'auto' ? (sharedMemoryAvailable() ? 'shared' : 'transfer') : wanted;
    const { autotune } = this.options;
    this.slots = autotune ? autotuneSlots(autotune, slotLayout(this.#geometry()).slotBytes) : ringSlotCount(this.options.numWorkers, this.options.prefetchFactor);
    this.#pool = new SlotPool(this.mode, this.slots, this.#geometry());
    this.#tuner = autotune ? new Autotuner(autotune, this.slots) : null;
    if (this.#tuner) this.#pool.limit = this.#tuner.slotLimit;
    const image = items ? null : (dataset as ImageDataset);
    this.#shards = image?.shards ? new ShardFeed(image.shards, this.options, image.classes.length) : null;
    this.#stats = new StatsCollector(
      (on) => this.#producers?.started.forEach((p) => p.setTracing(on)),
      this.options.cache === 'indexeddb',
    );
    if (options.resumeFrom !== undefined) {
      this.#resume = checkResume(options.resumeFrom, this.#stateIdentity());
      this.#epoch = this.#resume.epoch;
    }
  }

  /** Batches in one epoch: PyTorch's len(loader). */
  get length(): number {
    return batchCount(this.dataset.length, this.options.batchSize, this.options.dropLast);
  }

  /** The epoch the next iteration will run (0 before the first). */
  get epoch(): number {
    return this.#epoch;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * One epoch. Each call starts the next epoch, reshuffled from (seed, epoch);
   * starting one while another is active stops the older one.
   */
  [Symbol.asyncIterator](): AsyncIterator<BatchOf<D>> {
    return this.iterate();
  }

  /**
   * The next epoch, like `for await (const batch of loader)`, with options:
   * `for await (const batch of loader.iterate({ signal }))`.
   */
  iterate(options: IterateOptions = {}): AsyncIterableIterator<BatchOf<D>> {
    if (this.#closed) throw new LoaderClosedError('`DataLoader` is closed: create a new one to iterate again');
    this.#run?.stop('break');
    const { shuffle, seed, batchSize, dropLast } = this.options;
    const epoch = this.#epoch++;
    const consumed = this.#resume?.epoch === epoch ? this.#resume.consumed : undefined;
    this.#resume = null;
    const order = this.#shards?.order(epoch) ?? epochOrder(this.dataset.length, shuffle, seed, epoch);
    const run = new EpochRun(this.#context(), epoch, batchIndices(order, batchSize, dropLast), {
      consumed,
      signal: options.signal,
      continueAfterError: options.continueAfterError,
    });
    this.#run = run;
    // The run yields [size, ...sample shape]: the 4-tuple NHWC exactly when D is an image dataset.
    return run as unknown as AsyncIterableIterator<BatchOf<D>>;
  }

  /**
   * Where the loader is, as small plain JSON: the epoch in progress (or the
   * next one, once an epoch has finished) and which of its batches the
   * consumer received. Pass it as `resumeFrom` to a new DataLoader over the
   * same dataset with the same options to continue from there. Take it when
   * you save a checkpoint, after the step on the last batch you received.
   */
  state(): LoaderState {
    const identity = this.#stateIdentity();
    const run = this.#run;
    if (this.#resume) return makeState(this.#resume.epoch, new EpochProgress(this.length, this.#resume.consumed), identity);
    if (!run) return makeState(this.#epoch, null, identity);
    return run.progress.complete ? makeState(run.epoch + 1, null, identity) : makeState(run.epoch, run.progress, identity);
  }

  stats(): LoaderStats {
    const inFlight = new Map((this.#producers?.started ?? []).map((p) => [p.id, p.inFlight]));
    const heldSlot = this.#run?.heldSlot ?? -1;
    const states = this.#pool.states().map((state, slot) => (slot === heldSlot ? 'held' : state));
    const count = (name: string) => states.filter((s) => s === name).length;
    const stats = this.#stats.snapshot(this.mode, inFlight, {
      slots: this.slots,
      free: count('free'),
      filling: count('filling'),
      ready: count('ready'),
      failed: count('failed'),
      held: count('held'),
      states,
    });
    if (this.#tuner) stats.autotune = this.#tuner.stats();
    return this.#shards ? { ...stats, shards: this.#shards.stats() } : stats;
  }

  /**
   * Timed events (fetch, decode, write, batch per worker; wait for the
   * consumer; dispatch, as the scheduler sends a batch to a producer) for a
   * timeline. Workers measure phases only while someone listens. Returns the
   * unsubscribe function.
   */
  onTrace(listener: (event: TraceEvent) => void): () => void {
    return this.#stats.subscribe(listener);
  }

  /** Ends the workers and frees the ring. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#run?.stop('closed');
    this.#producers?.started.forEach((p) => p.close());
    this.#producers = null;
    this.#shards?.close();
  }

  #stateIdentity(): { basis: StateBasis; seed: number; fingerprint: string } {
    if (!this.#identity) {
      const basis = stateBasis(this.options, this.dataset, this.length, this.#shards?.orderName);
      const seed = this.options.seed;
      this.#identity = { basis, seed, fingerprint: fingerprintOf(basis, seed, this.dataset) };
    }
    return this.#identity;
  }

  /** What workers need to know of a tensor or custom dataset; made once (a tensor's arrays are not copied here). */
  get #spec() {
    if (!isItemDataset(this.dataset)) return null;
    this.#specCache ??= this.dataset.spec();
    return this.#specCache;
  }

  #geometry(): SlotGeometry {
    return { batchSize: this.options.batchSize, sampleElements: sampleElements(this.options), dtype: this.options.dtype };
  }

  #context(): RunContext {
    const loader = this;
    return {
      options: this.options,
      pool: this.#pool,
      get producers() {
        return loader.#startProducers().active;
      },
      stats: this.#stats,
      sample: (index: number): JobSample => {
        const sample: JobSample = { index, label: this.dataset.label(index), source: this.dataset.source(index) };
        const problem = isItemDataset(this.dataset) ? null : this.dataset.problem(index);
        if (problem !== null) sample.problem = problem;
        if (this.#checked?.[index] && typeof sample.source !== 'string') sample.checked = true;
        return sample;
      },
      delivered: (indices: Int32Array) => {
        this.#checked ??= new Uint8Array(this.dataset.length);
        for (const i of indices) this.#checked[i] = 1;
      },
      freeSlot: (slot: number) => {
        if (this.#closed) return;
        this.#pool.release(slot);
        this.#run?.fill();
      },
      cancel: (epoch: number) => this.#producers?.started.forEach((p) => p.cancel(epoch)),
      waited: (ms: number) => this.#tune(ms),
    };
  }

  /** A batch reached the consumer: let 'auto' measure, and apply what it decides. */
  #tune(waitMs: number): void {
    const tuner = this.#tuner;
    if (!tuner || !tuner.delivered(waitMs, performance.now())) return;
    this.#pool.limit = tuner.slotLimit;
    this.#producers?.setActive(tuner.workers);
    this.#run?.fill();
  }

  #startProducers(): ProducerSet {
    if (this.#producers) return this.#producers;
    const init = (workerId: number): WorkerInit => ({
      workerId,
      options: this.options,
      geometry: this.#geometry(),
      ring: this.#pool.ring?.buffer ?? null,
      tracing: this.#stats.tracing,
      dataset: this.#spec,
    });
    const { numWorkers, maxPixels } = this.options;
    const items = isItemDataset(this.dataset) ? this.dataset : null;
    const createWorker = this.#env.createWorker ?? items?.createWorker ?? createModuleWorker;
    const createReader = this.#env.createReader ?? ((image: ImageOptions) => new CanvasPixelReader(image, maxPixels));
    const supervised = (id: number) =>
      new SupervisedWorker(id, () => new WorkerProducer(id, createWorker(id), init(id)), this.options, (restart) =>
        this.#stats.restarts.push(restart),
      );
    const shards = this.#shards;
    const make = (id: number): Producer => {
      const producer =
        numWorkers === 0 ? new LocalProducer(init(-1), (image) => createReader(image, maxPixels), items?.localItems(this.options)) : supervised(id);
      return shards ? new ShardProducer(producer, shards) : producer;
    };
    this.#producers = new ProducerSet(make, this.#tuner?.workers ?? Math.max(1, numWorkers));
    return this.#producers;
  }
}
