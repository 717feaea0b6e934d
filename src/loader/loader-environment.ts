/**
 * What a DataLoader is given besides its dataset and options: the seams
 * tests and benchmarks use (how workers and readers start, which ring mode),
 * and what one iteration takes.
 */
import type { WorkerLike } from './producers.ts';
import type { RingMode } from './slot-pool.ts';
import type { ImageOptions } from './options.ts';
import type { PixelReader } from './worker/decode.ts';

export interface LoaderEnvironment {
  /**
   * Starts loader worker number `id` (again, under the same id, to replace a
   * dead one); default: worker/entry.ts as a module Worker. Tests start
   * workers that act out faults here (src/loader/testing/fault-environment.ts).
   */
  createWorker?: (id: number) => WorkerLike;
  /** Pixel reader for numWorkers 0; default: fetch + createImageBitmap + OffscreenCanvas. */
  createReader?: (image: ImageOptions, maxPixels: number) => PixelReader;
  /**
   * 'auto' (default) uses the shared ring when the page is cross-origin
   * isolated, else transfer mode; the others force one, for comparisons.
   */
  mode?: 'auto' | RingMode;
}

/** What `iterate()` takes. */
export interface IterateOptions {
  /** Aborting it stops the epoch: in-flight work is cancelled and next() throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * false (default): a SampleError (onError 'raise') stops the epoch. true:
   * as PyTorch's iterator, next() throws it and the epoch goes on, the next
   * next() giving the next batch; catch it around next() to log and carry on.
   */
  continueAfterError?: boolean;
}

/** True where SharedArrayBuffer can be shared with workers. */
export function sharedMemoryAvailable(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer !== 'undefined' && isolated !== false;
}
