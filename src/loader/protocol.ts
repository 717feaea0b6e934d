/**
 * What crosses between the main thread and a loader worker. Types only.
 * Times are absolute milliseconds (performance.timeOrigin + performance.now())
 * because a worker's clock origin differs from the page's.
 */
import type { SampleFailure, SampleFailureReason, SerializedError } from './errors.ts';
import type { ImageSource } from './dataset.ts';
import type { ResolvedOptions } from './options.ts';
import type { SlotGeometry } from './ring.ts';
import type { DatasetSpec } from './datasets/item-dataset.ts';

/** Sent once when a worker starts. */
export interface WorkerInit {
  /** The worker's number, 0-based; -1 is the main thread. */
  workerId: number;
  options: ResolvedOptions;
  geometry: SlotGeometry;
  /** The shared ring, or null in transfer mode. */
  ring: SharedArrayBuffer | null;
  tracing: boolean;
  /** Where samples come from when they are not images (tensor rows, a custom module); null: the image pipeline. */
  dataset?: DatasetSpec | null;
}

export interface JobSample {
  index: number;
  label: number;
  source: ImageSource;
  /** Set when the dataset's item is invalid: the sample fails with reason 'manifest', unread. */
  problem?: string;
  /** A Blob source delivered in an earlier epoch, or a shard sample: its header was checked (decode.ts ReadHints). */
  checked?: true;
  /**
   * Set when the sample failed before any worker saw it (a shard sample whose
   * shard failed, or whose bytes disagree with the index: shard-feed.ts): it
   * fails with this reason, unread and not retried again.
   */
  failure?: { reason: SampleFailureReason; message: string; attempts: number };
  /** The sample cache's key where the source alone does not make a sound one (a shard sample: shardCacheKey). */
  cacheKey?: string;
}

/** One batch to load into one slot. */
export interface BatchJob {
  epoch: number;
  batch: number;
  slot: number;
  samples: JobSample[];
}

export type TracePhase = 'dispatch' | 'fetch' | 'decode' | 'write' | 'batch' | 'wait';

/**
 * A timed event for the playground's timeline. Producers emit fetch, decode,
 * write (per sample) and batch; the consumer emits wait, always with worker -1
 * (the main thread), so tell the consumer from a numWorkers-0 producer by phase.
 * The scheduler emits dispatch (an instant: start = end) the moment it sends
 * batch `batch` into ring slot `slot` to producer `worker`, synchronously, so
 * a listener sees it before the producer can start on it.
 */
export interface TraceEvent {
  /** Worker id; -1 is the main thread. */
  worker: number;
  epoch: number;
  batch: number;
  phase: TracePhase;
  /** Dataset index for per-sample phases. */
  index?: number;
  /** The ring slot the batch goes into: dispatch only. */
  slot?: number;
  /** ms on the page's performance.now() clock (converted on arrival). */
  start: number;
  end: number;
}

/** The result of a job, besides the bytes in the slot. */
export interface BatchReport {
  worker: number;
  epoch: number;
  batch: number;
  slot: number;
  /** Samples written to the slot. */
  count: number;
  /** Samples dropped under onError 'skip', in batch order. */
  skipped: SampleFailure[];
  /** Set when a sample failed under onError 'raise': the batch is FAILED. */
  error: SampleFailure | null;
  /** Absolute ms: when the producer started and finished the job. */
  start: number;
  end: number;
  /** Only while tracing is on. */
  trace: TraceEvent[] | null;
  /** Only with the `cache: 'indexeddb'` option. */
  cache?: CacheReport;
}

/** The sample cache's part of a job's report (see cached-reader.ts). */
export interface CacheReport {
  /** Samples of this job served from the cache: no fetch, no decode. */
  hits: number;
  /** Samples of this job looked up, not found, decoded and queued for storing. */
  misses: number;
  /** Samples of this job with no sound cache key (a `blob:` URL): decoded, never stored. */
  uncacheable: number;
  /** Samples the producer committed to the cache since its previous report, and their bytes. */
  stored: number;
  storedBytes: number;
  /** False once the cache turned itself off in this producer. */
  enabled: boolean;
  /** Why it turned off; the loader shows the first it gets, once. */
  notice: string | null;
}

/** The API a loader worker exposes through Comlink. */
export interface LoaderWorkerApi {
  /** Rejects when the worker cannot load samples at all (a custom dataset's init threw). */
  init(init: WorkerInit): void | Promise<void>;
  /** Shared mode: write into ring slot job.slot, publish it, report. */
  load(job: BatchJob): Promise<BatchReport>;
  /** Transfer mode: write into `buffer` (one slot), hand it back with the report. */
  loadInto(job: BatchJob, buffer: ArrayBuffer): Promise<TransferResult>;
  setTracing(on: boolean): void;
  /** The heartbeat: answers at once unless the worker's event loop is stuck. */
  ping(): true;
  /** Aborts the samples of `epoch`'s jobs (the epoch was stopped); their jobs report at once. */
  cancel(epoch: number): void;
}

export interface TransferResult {
  report: BatchReport;
  buffer: ArrayBuffer;
}

export type { SerializedError };
