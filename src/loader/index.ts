export { DataLoader, sharedMemoryAvailable, type IterateOptions, type LoaderEnvironment } from './data-loader.ts';
export {
  ImageDataset,
  type DatasetItem,
  type DeclaredShape,
  type FromManifestOptions,
  type ImageSource,
  type InvalidItem,
} from './dataset.ts';
export { Batch } from './batch.ts';
export * from './errors.ts';
export { ManifestError, checkManifest, validateManifest, type ItemProblem, type Manifest, type ManifestItem } from './manifest.ts';
export type { Channels, DataLoaderOptions, Fit, ImageOptions, Normalize, OnError } from './options.ts';
export type { TraceEvent, TracePhase } from './protocol.ts';
export type { EpochEnd, EpochStats, LoaderStats, RingOccupancy, WorkerStats } from './stats.ts';
export type { RingMode } from './slot-pool.ts';
export type { PixelReader, ReadHints } from './decode.ts';
export type { LoaderState, StateBasis } from './loader-state.ts';
export type { RestartRecord } from './worker-supervisor.ts';
export type { Fault, FreezeFault, WorkerFault } from './faults.ts';
export { readImageHeader, type HeaderInfo, type ImageFormat } from './image-header.ts';
export { ringSlotCount } from './ring.ts';
