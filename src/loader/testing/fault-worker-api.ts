/**
 * The loader worker's API with fault injection, FOR TESTS ONLY: the real
 * createWorkerApi (worker/worker-api.ts), wrapped, plus two test-only calls.
 * workers/fault-loader.worker.ts exposes it in a browser, and
 * tests/unit/support/loader-worker.ts on worker_threads; fault-environment.ts
 * arms it. A worker that was never armed is the real API.
 */
import type { PixelReader } from '../worker/decode.ts';
import { createWorkerApi } from '../worker/worker-api.ts';
import type { ImageOptions } from '../options.ts';
import type { LoaderWorkerApi } from '../protocol.ts';
import { FaultInjector, blockUntil, type WorkerFault, type WorkerPlatform } from './faults.ts';

export interface FaultWorkerApi extends LoaderWorkerApi {
  /** Before init(): the faults this incarnation of the worker acts out. */
  arm(faults: WorkerFault[]): void;
  /** Blocks the worker's event loop until `until` (absolute ms), as a frozen page would. */
  stall(until: number): void;
}

export function createFaultWorkerApi(
  makeReader: (image: ImageOptions, maxPixels: number) => PixelReader,
  platform: WorkerPlatform,
): FaultWorkerApi {
  let armed: WorkerFault[] = [];
  let injector: FaultInjector | null = null; // set by init() when armed
  const real = createWorkerApi((image, maxPixels) => {
    const reader = makeReader(image, maxPixels);
    return injector ? injector.wrap(reader) : reader;
  });
  return {
    ...real,
    arm(faults) {
      armed = faults;
    },
    init(config) {
      // Before real.init(), which makes the reader that the injector wraps.
      injector = armed.length > 0 ? new FaultInjector(config.workerId, armed, platform) : null;
      real.init(config);
    },
    load: (job) => (injector ? injector.run(job, () => real.load(job)) : real.load(job)),
    loadInto: (job, buffer) => (injector ? injector.run(job, () => real.loadInto(job, buffer)) : real.loadInto(job, buffer)),
    stall: (until) => blockUntil(until),
  };
}
