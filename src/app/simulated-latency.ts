/**
 * The playground's slow-network knob (simulated, and labelled so in the UI):
 * each image sample waits `latencyMs` plus up to `jitterMs` (uniform) before
 * its read, as if every request crossed a slow network. The wait runs where
 * the read runs, in the loader's workers (workers/slow-network.worker.ts) or
 * on the main thread for numWorkers 0, so prefetching hides it exactly as it
 * hides a real network: the worker lanes show it as fetch time.
 *
 * It goes through the loader's own seams (`LoaderEnvironment.createWorker`
 * and `createReader`), so the library carries no simulation code. Custom and
 * tensor datasets read no images, so it applies to image datasets only.
 */
import { wrap } from 'comlink';
import { sleep } from '../loader/abortable.ts';
import type { ImageOptions, LoaderEnvironment, WorkerLike } from '../loader/index.ts';
import type { ImageSource } from '../loader/dataset.ts';
import { CanvasPixelReader, type PhaseMark, type PixelReader, type ReadHints } from '../loader/worker/decode.ts';

export interface SimulatedLatency {
  latencyMs: number;
  jitterMs: number;
}

/** What the slow-network worker exposes besides the loader worker's API. */
export interface SlowNetworkApi {
  /** Before init(): the latency this worker's reads wait. */
  simulate(latency: SimulatedLatency): void;
}

export function hasLatency(latency: SimulatedLatency): boolean {
  return latency.latencyMs > 0 || latency.jitterMs > 0;
}

/** A PixelReader that waits the simulated latency, counted as fetch time, then reads. */
export class LatencyReader implements PixelReader {
  constructor(
    readonly inner: PixelReader,
    readonly latency: () => SimulatedLatency,
    readonly random: () => number = Math.random,
  ) {}

  /** The same pixels as the inner reader: a cached sample skips the wait, as a real cache skips the network. */
  get cacheTag(): string | undefined {
    return this.inner.cacheTag;
  }

  async read(source: ImageSource, signal: AbortSignal, mark?: PhaseMark, hints?: ReadHints): Promise<Uint8ClampedArray> {
    const { latencyMs, jitterMs } = this.latency();
    const waitMs = latencyMs + this.random() * jitterMs;
    if (waitMs > 0) {
      const start = performance.now();
      await sleep(waitMs, signal);
      mark?.('fetch', start);
    }
    return this.inner.read(source, signal, mark, hints);
  }
}

/**
 * A loader environment whose reads wait `latency`, or undefined (the loader's
 * defaults) when there is none. `spawn` starts one slow-network worker.
 */
export function latencyEnvironment(latency: SimulatedLatency, spawn: () => WorkerLike = spawnSlowNetworkWorker): LoaderEnvironment | undefined {
  if (!hasLatency(latency)) return undefined;
  const fixed = { ...latency };
  return {
    createWorker: () => {
      const worker = spawn();
      // A second Comlink proxy on the worker's endpoint: posted now, so ahead of the loader's init.
      // Comlink matches replies to proxies by message id, so the two ignore each other's.
      void wrap<SlowNetworkApi>(worker).simulate(fixed);
      return worker;
    },
    createReader: (image: ImageOptions, maxPixels: number) => new LatencyReader(new CanvasPixelReader(image, maxPixels), () => fixed),
  };
}

function spawnSlowNetworkWorker(): WorkerLike {
  return new Worker(new URL('../../workers/slow-network.worker.ts', import.meta.url), { type: 'module', name: 'feedline-slow-network' });
}
