/**
 * Runs in the upload bench page: ring slot -> normalized float32 tensor on
 * the GPU, through the default path and the direct path, over the same
 * batches (the same loader, epoch after epoch, unshuffled).
 *
 * One measurement per batch: from `upload()` until the GPU has finished the
 * work it was given (tfjs's recorded commands submitted, then
 * `queue.onSubmittedWorkDone()`), so a path cannot look fast by leaving its
 * copy for later. Then, end to end: a `Trainer.fit` epoch per path.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DataLoader, ImageDataset, type DataLoaderOptions } from '../src/loader/index.ts';
import { blobDataset } from '../tests/browser/blob-dataset.ts';
import { Trainer, selectBackend, type UploadPath } from '../src/train/index.ts';
import { DefaultUploader, DirectUploader, affineFor } from '../src/train/upload.ts';

export interface UploadRun {
  path: UploadPath;
  batches: number;
  bytes: number;
  /** Mean ms per batch, from upload() to the GPU being done. */
  msPerBatch: number;
}

export interface FitRun {
  path: UploadPath;
  steps: number;
  ms: number;
  timing: { waitMs: number; uploadMs: number; computeMs: number; syncMs: number };
}

/** Submits what tfjs recorded and waits until the GPU has run it. */
async function drain(): Promise<void> {
  const backend = tf.backend() as WebGPUBackend;
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}

async function uploadEpoch(loader: DataLoader, path: UploadPath, channels: number): Promise<UploadRun> {
  const affine = affineFor({ mean: 0.5, std: 0.25 }, channels);
  const uploader = path === 'direct' ? new DirectUploader(affine) : new DefaultUploader(affine);
  let ms = 0;
  let batches = 0;
  let bytes = 0;
  try {
    for await (const batch of loader) {
      bytes += batch.images.byteLength;
      const start = performance.now();
      const { x, y } = uploader.upload(batch);
      await drain();
      ms += performance.now() - start;
      batches++;
      tf.dispose([x, y]);
    }
  } finally {
    uploader.dispose();
  }
  return { path, batches, bytes, msPerBatch: ms / batches };
}

/**
 * `rounds` rounds of (default, direct) or (direct, default), alternating the
 * order, after one warm-up epoch of each (shader compilation).
 */
async function measureUpload(manifest: string, limit: number, options: DataLoaderOptions, rounds: number): Promise<UploadRun[]> {
  await selectBackend('webgpu', 'the upload bench');
  const dataset = await inMemory(manifest, limit);
  const loader = new DataLoader(dataset, { numWorkers: 2, ...options });
  const channels = loader.options.image.channels;
  try {
    await uploadEpoch(loader, 'default', channels);
    await uploadEpoch(loader, 'direct', channels);
    const runs: UploadRun[] = [];
    for (let r = 0; r < rounds; r++) {
      const order: UploadPath[] = r % 2 ? ['direct', 'default'] : ['default', 'direct'];
      for (const path of order) runs.push(await uploadEpoch(loader, path, channels));
    }
    return runs;
  } finally {
    loader.close();
  }
}

/**
 * Fit epochs per path with the same preset and batches: one trainer and
 * loader per path, a warm-up epoch each (pipelines compile), then `rounds`
 * rounds alternating which path goes first.
 */
async function measureFit(manifest: string, limit: number, options: DataLoaderOptions, model: string, rounds: number): Promise<FitRun[]> {
  const dataset = await inMemory(manifest, limit);
  const paths: UploadPath[] = ['default', 'direct'];
  const setups = paths.map((path) => ({
    path,
    trainer: new Trainer({ model, backend: 'webgpu', upload: path }),
    loader: new DataLoader(dataset, { numWorkers: 2, ...options }),
  }));
  const runs: FitRun[] = [];
  try {
    for (const { trainer, loader } of setups) await trainer.fit(loader);
    for (let r = 0; r < rounds; r++) {
      for (const { path, trainer, loader } of r % 2 ? [...setups].reverse() : setups) {
        const start = performance.now();
        const result = await trainer.fit(loader);
        runs.push({ path, steps: result.steps, ms: performance.now() - start, timing: result.timing });
      }
    }
    return runs;
  } finally {
    for (const { trainer, loader } of setups) {
      trainer.dispose();
      loader.close();
    }
  }
}

/** The first `limit` samples as in-memory Blobs: no HTTP in the timed epochs. */
async function inMemory(manifest: string, limit: number): Promise<ImageDataset> {
  return blobDataset(await ImageDataset.fromManifest(manifest), limit);
}

async function adapter(): Promise<string> {
  const choice = await selectBackend('webgpu', 'the upload bench');
  return choice.adapter ?? 'unknown';
}

declare global {
  interface Window {
    uploadBench: { measureUpload: typeof measureUpload; measureFit: typeof measureFit; adapter: typeof adapter };
  }
}
window.uploadBench = { measureUpload, measureFit, adapter };
document.title = 'Feedline upload bench (ready)';
