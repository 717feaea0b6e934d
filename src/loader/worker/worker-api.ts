/**
 * The loader worker's API, apart from how it is exposed: entry.ts wraps it
 * with Comlink.expose, and tests can drive it over a MessageChannel or
 * worker_threads with a fake PixelReader.
 */
import { transfer } from 'comlink';
import { BatchExecutor } from './batch-executor.ts';
import type { PixelReader } from './decode.ts';
import { FaultInjector, blockUntil, type WorkerPlatform } from '../testing/faults.ts';
import type { ImageOptions } from '../options.ts';
import type { BatchJob, BatchReport, LoaderWorkerApi, TransferResult } from '../protocol.ts';
import { SharedRing, SlotView, slotLayout, type SlotLayout } from '../ring.ts';

/** A browser worker ends itself with self.close(); other hosts pass their own. */
const browserPlatform: WorkerPlatform = {
  exit: () => (globalThis as { close?: () => void }).close?.(),
};

export function createWorkerApi(
  makeReader: (image: ImageOptions, maxPixels: number) => PixelReader,
  platform: WorkerPlatform = browserPlatform,
): LoaderWorkerApi {
  let executor: BatchExecutor | null = null;
  let ring: SharedRing | null = null;
  let layout: SlotLayout | null = null;
  let faults: FaultInjector | null = null; // testing only: set when init carries faults

  const ready = (): BatchExecutor => {
    if (!executor) throw new Error('`LoaderWorker`: load() called before init()');
    return executor;
  };
  const execute = (job: BatchJob, view: SlotView): Promise<BatchReport> => {
    const run = ready();
    return faults ? faults.run(job, () => run.run(job, view)) : run.run(job, view);
  };

  return {
    init(config) {
      layout = slotLayout(config.geometry);
      let reader = makeReader(config.options.image, config.options.maxPixels);
      if (config.faults) {
        faults = new FaultInjector(config.workerId, config.faults, platform);
        reader = faults.wrap(reader);
      }
      executor = new BatchExecutor(config.workerId, config.options, reader);
      executor.tracing = config.tracing;
      ring = config.ring ? SharedRing.attach(config.ring, config.geometry) : null;
    },
    async load(job: BatchJob): Promise<BatchReport> {
      ready();
      if (!ring) throw new Error('`LoaderWorker`: load() needs a shared ring; use loadInto() in transfer mode');
      return execute(job, ring.slots[job.slot]);
    },
    async loadInto(job: BatchJob, buffer: ArrayBuffer): Promise<TransferResult> {
      ready();
      const view = new SlotView(buffer, 0, layout!);
      const report = await execute(job, view);
      // Comlink transfers only top-level values: the buffer goes back moved, not copied.
      return transfer({ report, buffer }, [buffer]);
    },
    setTracing(on: boolean) {
      ready().tracing = on;
    },
    ping() {
      return true;
    },
    cancel(epoch: number) {
      executor?.cancelEpoch(epoch, new Error(`epoch ${epoch} was stopped`));
    },
    stall(until: number) {
      blockUntil(until);
    },
  };
}
