/**
 * Typed errors of the loader. Errors cross the worker boundary as data
 * (`SerializedError`) and are rebuilt on the main thread with where they
 * happened; the original error stays reachable as `cause`.
 */

/** Why a sample could not be delivered. */
export type SampleFailureReason =
  | 'http' // the server answered with a non-2xx status
  | 'network' // fetch failed: offline, CORS refusal, connection reset
  | 'decode' // the bytes are not an image the browser can decode
  | 'timeout' // the sample took longer than `timeoutMs`
  | 'oversize' // the image has more pixels than `maxPixels` (refused from its header where it tells)
  | 'manifest' // the manifest item itself is invalid: label outside `classes`, no "src", a duplicate
  | 'source' // the source itself is unusable (wrong type, empty)
  | 'dataset'; // a custom dataset's getItem threw, or gave values that are not the declared shape and dtype

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

export function deserializeError(data: SerializedError): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}

/** Base class: every error the loader throws is a `FeedlineError`. */
export class FeedlineError extends Error {
  override name = 'FeedlineError';
}

/** An option or argument is invalid; thrown by constructors. */
export class OptionError extends FeedlineError {
  override name = 'OptionError';
}

/** The loader was closed; it cannot be iterated again. */
export class LoaderClosedError extends FeedlineError {
  override name = 'LoaderClosedError';
}

/** Where a sample failure happened; travels as data between threads. */
export interface SampleFailure {
  /** Index into the dataset. */
  index: number;
  /** The sample's URL, or the file name of a Blob/File source. */
  source: string;
  reason: SampleFailureReason;
  /** Worker id, or -1 for the main thread (numWorkers: 0). */
  worker: number;
  epoch: number;
  batch: number;
  /** How many times it was tried (1 + retries). */
  attempts: number;
  error: SerializedError;
}

/** A sample could not be loaded and `onError` said 'raise'. */
export class SampleError extends FeedlineError {
  override name = 'SampleError';
  readonly index: number;
  readonly source: string;
  readonly reason: SampleFailureReason;
  readonly worker: number;
  readonly epoch: number;
  readonly batch: number;

  constructor(failure: SampleFailure) {
    const where = failure.worker < 0 ? 'the main thread' : `DataLoader worker ${failure.worker}`;
    // A SampleLoadError is our own classification; anything else is an unexpected throw worth naming.
    const what =
      failure.error.name === 'SampleLoadError'
        ? `${capitalize(where)} could not load`
        : `Caught ${failure.error.name} in ${where} loading`;
    super(
      `${what} sample ${failure.index} (${failure.source}) ` +
        `of batch ${failure.batch}, epoch ${failure.epoch}: ${failure.reason}: ${failure.error.message}` +
        (failure.attempts > 1 ? ` (after ${failure.attempts} attempts)` : ''),
      { cause: deserializeError(failure.error) },
    );
    this.index = failure.index;
    this.source = failure.source;
    this.reason = failure.reason;
    this.worker = failure.worker;
    this.epoch = failure.epoch;
    this.batch = failure.batch;
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A worker failed outside any sample (it threw, or died). */
export class WorkerError extends FeedlineError {
  override name = 'WorkerError';
  constructor(
    readonly worker: number,
    /** What happened, without the "DataLoader worker N: " prefix. */
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`DataLoader worker ${worker}: ${problem}`, { cause });
  }
}

/** Thrown inside the sample path; carries the reason for the failure record. */
export class SampleLoadError extends Error {
  override name = 'SampleLoadError';
  constructor(
    readonly reason: SampleFailureReason,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** A readable name for a sample source: the URL, or a File's name. */
export function describeSource(source: string | Blob): string {
  if (typeof source === 'string') return source;
  const name = (source as Blob & { name?: string }).name;
  const path = (source as Blob & { webkitRelativePath?: string }).webkitRelativePath;
  return path || name || `<Blob ${source.type || 'untyped'}, ${source.size} bytes>`;
}
