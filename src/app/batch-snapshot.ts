/**
 * A copy of a delivered batch for display. A Batch's arrays are views of its
 * ring slot, valid only until release(), so the pixels are copied out here
 * (as RGBA, ready for ImageData) before the consumer releases the slot.
 */
import type { Batch } from '../loader/index.ts';

export interface BatchSnapshot {
  /** Unique within the page: the run it came from, its epoch and index. */
  key: string;
  epoch: number;
  index: number;
  /** Worker id; -1 is the main thread; null if unknown. */
  worker: number | null;
  size: number;
  width: number;
  height: number;
  /** size * height * width * 4 bytes, sample after sample. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  labels: number[];
  indices: number[];
  /** performance.now() when it arrived. */
  at: number;
}

export function snapshotBatch(batch: Batch, run: number): BatchSnapshot {
  const image = batch.shape.length === 4;
  // A tensor or custom batch ([size, ...sample shape]) shows each sample's values as one grey row.
  const [size, height, width, channels] = image ? batch.shape : [batch.size, 1, batch.images.length / Math.max(1, batch.size), 1];
  return {
    key: `${run}:${batch.epoch}:${batch.index}`,
    epoch: batch.epoch,
    index: batch.index,
    worker: batch.worker,
    size,
    width,
    height,
    rgba: image ? toRgba(batch.images, size * height * width, channels) : valuesToRgba(batch.images),
    labels: Array.from(batch.labels),
    indices: Array.from(batch.indices),
    at: performance.now(),
  };
}

/** NHWC uint8 (0..255) or float32 (about 0..1) with 1, 3 or 4 channels -> RGBA bytes. */
function toRgba(src: Uint8Array | Float32Array, pixels: number, channels: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(pixels * 4);
  const scale = src instanceof Float32Array ? 255 : 1;
  for (let p = 0; p < pixels; p++) {
    const s = p * channels;
    const d = p * 4;
    const r = src[s] * scale;
    out[d] = r;
    out[d + 1] = channels >= 3 ? src[s + 1] * scale : r;
    out[d + 2] = channels >= 3 ? src[s + 2] * scale : r;
    out[d + 3] = channels === 4 ? src[s + 3] * scale : 255;
  }
  return out;
}

/** Any values -> grey RGBA bytes, the batch's smallest value black and its largest white. */
function valuesToRgba(src: Uint8Array | Float32Array): Uint8ClampedArray<ArrayBuffer> {
  let min = Infinity;
  let max = -Infinity;
  for (const v of src) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? 255 / (max - min) : 0;
  const out = new Uint8ClampedArray(src.length * 4);
  for (let i = 0; i < src.length; i++) {
    const g = (src[i] - min) * scale;
    out.set([g, g, g, 255], i * 4);
  }
  return out;
}

/** Who loaded a batch, in words. */
export function workerName(worker: number | null): string {
  if (worker === null) return 'unknown';
  return worker < 0 ? 'main thread' : `worker ${worker}`;
}
