/**
 * The loader worker's API, apart from how it is exposed: entry.ts wraps it
 * with Comlink.expose, and tests can drive it over a MessageChannel or
 * worker_threads with a fake PixelReader (or wrap it with fault injection:
 * src/loader/testing/fault-worker-api.ts).
 */
import { transfer } from 'comlink';
import { BatchExecutor } from './batch-executor.ts';
import type { PixelReader } from './decode.ts';
import type { ImageOptions } from '../options.ts';
import type { BatchJob, BatchReport, LoaderWorkerApi, TransferResult } from '../protocol.ts';
import { SharedRing, SlotView, slotLayout, type SlotLayout } from '../ring.ts';
import type { DatasetDefinition } from '../datasets/define-dataset.ts';
import { itemSourceFor } from './item-sources.ts';

/** `definition`: the custom dataset this worker's module defined (defineDataset), if any. */
export function createWorkerApi(
  makeReader: (image: ImageOptions, maxPixels: number) => PixelReader,
  definition: DatasetDefinition | null = null,
): LoaderWorkerApi {
  let executor: BatchExecutor | null = null;
  let ring: SharedRing | null = null;
  let layout: SlotLayout | null = null;

  const ready = (): BatchExecutor => {
    if (!executor) throw new Error('`LoaderWorker`: load() called before init()');
    return executor;
  };

  return {
    async init(config) {
      layout = slotLayout(config.geometry);
      const items = itemSourceFor(config, definition);
      const reader = makeReader(config.options.image, config.options.maxPixels);
      executor = new BatchExecutor(config.workerId, config.options, reader, items);
      executor.tracing = config.tracing;
      ring = config.ring ? SharedRing.attach(config.ring, config.geometry) : null;
      // A custom dataset's init() runs here, before the first sample: its throw fails this worker's start.
      await items?.ready;
    },
    async load(job: BatchJob): Promise<BatchReport> {
      const batches = ready();
      if (!ring) throw new Error('`LoaderWorker`: load() needs a shared ring; use loadInto() in transfer mode');
      return batches.run(job, ring.slots[job.slot]);
    },
    async loadInto(job: BatchJob, buffer: ArrayBuffer): Promise<TransferResult> {
      const report = await ready().run(job, new SlotView(buffer, 0, layout!));
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
  };
}
