export { DataLoader, sharedMemoryAvailable, type LoaderEnvironment } from './data-loader.ts';
export { ImageDataset, type DatasetItem, type DeclaredShape, type ImageSource } from './dataset.ts';
export { Batch } from './batch.ts';
export {
  ImageFolder,
  IMAGE_EXTENSIONS,
  type FolderInput,
  type FolderSkipReason,
  type ImageFolderOptions,
  type SkippedEntry,
} from './image-folder.ts';
export { listDrop, listEntries, listFileList, readAllEntries, type FolderFile, type FolderListing } from './folder-listing.ts';
export * from './errors.ts';
export { ManifestError, validateManifest, type Manifest, type ManifestItem } from './manifest.ts';
export type { CacheMode, Channels, DataLoaderOptions, Fit, ImageOptions, Normalize, OnError } from './options.ts';
export type { TraceEvent, TracePhase } from './protocol.ts';
export type { CacheStats, EpochCacheStats, EpochStats, LoaderStats, RingOccupancy, WorkerStats } from './stats.ts';
export { CacheUnavailableError, SAMPLE_CACHE_DB, clearSampleCache, sampleCacheInfo, type SampleCacheInfo } from './sample-cache.ts';
export type { RingMode } from './slot-pool.ts';
export type { PixelReader } from './decode.ts';
export { ringSlotCount } from './ring.ts';
