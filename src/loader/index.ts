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
export {
  ImageFolder,
  IMAGE_EXTENSIONS,
  type FolderInput,
  type FolderSkipReason,
  type ImageFolderOptions,
  type SkippedEntry,
} from './sources/image-folder.ts';
export { listDrop, listEntries, listFileList, readAllEntries, type FolderFile, type FolderListing } from './sources/folder-listing.ts';
export * from './errors.ts';
export { ManifestError, checkManifest, validateManifest, type ItemProblem, type Manifest, type ManifestItem } from './sources/manifest.ts';
export type { CacheMode, Channels, DataLoaderOptions, Fit, ImageOptions, Normalize, OnError } from './options.ts';
export { normalizeChannels } from './options.ts';
export type { TraceEvent, TracePhase } from './protocol.ts';
export type { CacheStats, EpochCacheStats, EpochEnd, EpochStats, LoaderStats, RingOccupancy, WorkerStats } from './stats.ts';
export { CacheUnavailableError, SAMPLE_CACHE_DB, clearSampleCache, sampleCacheInfo, type SampleCacheInfo } from './cache/sample-cache.ts';
export type { RingMode } from './slot-pool.ts';
export type { PixelReader, ReadHints } from './worker/decode.ts';
export type { LoaderState, StateBasis } from './loader-state.ts';
export type { RestartRecord } from './worker-supervisor.ts';
export { readImageHeader, type HeaderInfo, type ImageFormat } from './worker/image-header.ts';
export { ringSlotCount } from './ring.ts';
