export { Trainer, OPTIMIZERS, type OptimizerName, type TrainerOptions } from './trainer.ts';
export { BACKENDS, activeBackend, backendFromUrl, currentDevice, parsePreference, selectBackend } from './backend.ts';
export type { BackendChoice, BackendFallback, BackendName, BackendPreference } from './backend.ts';
export { PRESETS, preset, type InputShape, type Preset, type PresetName } from './models.ts';
export { DefaultUploader, DirectUploader, affineFor, createUploader, type Affine, type Uploaded, type Uploader, type UploadPath } from './upload.ts';
export type { Evaluation } from './evaluate.ts';
export type { EpochEvent, FitOptions, FitResult, StepEvent, StepTiming } from './fit-types.ts';
export type { CheckpointInfo, CheckpointRecord } from './checkpoints.ts';
export * from './errors.ts';
