export {
  DataLoader,
  sharedMemoryAvailable,
  type BatchOf,
  type IterateOptions,
  type LoaderDataset,
  type LoaderEnvironment,
} from './data-loader.ts';
export { TensorDataset, type TensorDatasetOptions, type TensorValues } from './datasets/tensor-dataset.ts';
export { CustomDataset, type CustomDatasetOptions } from './datasets/custom-dataset.ts';
export {
  defineDataset,
  type DatasetDefinition,
  type DatasetItemValue,
  type DecodeImageOptions,
  type ItemContext,
  type WorkerInfo,
} from './datasets/define-dataset.ts';
export type { ItemDataset } from './datasets/item-dataset.ts';
export type { SampleDeclaration } from './sample-shape.ts';
export type { SampleRandom } from './sample-random.ts';
export type { WorkerLike } from './producers.ts';
export {
  ImageDataset,
  type DatasetItem,
  type DeclaredShape,
  type FromManifestOptions,
  type ImageSource,
  type InvalidItem,
} from './dataset.ts';
export { Batch, type ImageBatchShape } from './batch.ts';
export {
  ImageFolder,
  type FolderInput,
  type FolderSkipReason,
  type ImageFolderOptions,
  type SkippedEntry,
} from './sources/image-folder.ts';
export { listDrop, listFileList, type FolderFile, type FolderListing } from './sources/folder-listing.ts';
export {
  FeedlineError,
  LoaderClosedError,
  OptionError,
  SampleError,
  WorkerError,
  type SampleFailure,
  type SampleFailureReason,
  type SerializedError,
} from './errors.ts';
export { ManifestError, type ItemProblem, type Manifest, type ManifestItem } from './sources/manifest.ts';
export type { ShardEntry, ShardSample, ShardSplit } from './sources/shard-manifest.ts';
export type { ShardLayout } from './sources/shard-dataset.ts';
export type { ShardStats } from './shard-feed.ts';
export type { CacheMode, Channels, DataLoaderOptions, Fit, ImageOptions, Normalize, OnError } from './options.ts';
export type { Augmentation } from './augment/spec.ts';
export { normalizeChannels } from './options.ts';
export type { TraceEvent, TracePhase } from './protocol.ts';
export type { CacheStats, EpochCacheStats, EpochEnd, EpochStats, LoaderStats, RingOccupancy, WorkerStats } from './stats.ts';
export { clearSampleCache, sampleCacheInfo, type SampleCacheInfo } from './cache/sample-cache.ts';
export type { RingMode } from './slot-pool.ts';
export type { AutotuneDecision, AutotuneStats } from './autotune.ts';
export type { PixelReader, ReadHints } from './worker/decode.ts';
export type { LoaderState, StateBasis } from './loader-state.ts';
export type { RestartRecord } from './worker-supervisor.ts';
export { ringSlotCount } from './ring.ts';
