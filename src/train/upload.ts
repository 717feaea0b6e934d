/// <reference types="@webgpu/types" />
/**
 * From a ring slot to input tensors: the browser's pin_memory.
 *
 * Both paths release the batch's slot as soon as its bytes are safe
 * elsewhere, before the step runs, so a worker can refill it while the GPU
 * computes.
 *
 * - 'default' (every backend): a tensor from the batch view (tfjs copies the
 *   bytes into an Int32Array), then cast, scale, mean/std as tfjs ops.
 * - 'direct' (WebGPU, uint8 batches): `GPUQueue.writeBuffer` straight from
 *   the SharedArrayBuffer view into one reusable GPU buffer, wrapped as an
 *   int32 tensor without a copy (`zeroCopy`), then one WGSL pass
 *   (unpack-program.ts) makes the normalized float32 NHWC tensor.
 *
 * NOTE: direct path buffer reuse
 *
 *   step k:   writeBuffer(packed, slot k bytes) ── release slot k
 *             unpack(packed) ──> x_k   (recorded in tfjs's command encoder)
 *             submit ─────────────────── the unpack now precedes any later
 *   step k+1: writeBuffer(packed, slot k+1 bytes)     queue operation
 *
 * - writeBuffer copies `data` when it is called (WebGPU: "get a copy of the
 *   buffer source"), so the slot may be released right after it; the browser
 *   test checks this.
 * - tfjs batches dispatches and submits them later. A writeBuffer issued
 *   before that submit would run *before* the unpack of the previous step and
 *   overwrite its input, so the uploader submits right after recording the
 *   unpack.
 * - `zeroCopy: true` marks the tensor's buffer as external: disposing the
 *   tensor never destroys it (backend_webgpu.js `releaseResource`). The
 *   uploader owns `packed` and destroys it in dispose().
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { OptionError, normalizeChannels, type Batch, type Normalize } from '../loader/index.ts';
import { UnpackBytesProgram } from './unpack-program.ts';

export type UploadPath = 'default' | 'direct';

export interface Uploaded {
  /** float32 NHWC, normalized. */
  x: tf.Tensor4D;
  /** int32 class indices. */
  y: tf.Tensor1D;
}

export interface Uploader {
  readonly path: UploadPath;
  /** Input tensors for `batch`; releases the batch's slot. The caller disposes the tensors. */
  upload(batch: Batch): Uploaded;
  /** Frees what the uploader keeps between steps. */
  dispose(): void;
}

/** Per-channel ToTensor + Normalize as `x * scale + offset`. */
export interface Affine {
  scale: number[];
  offset: number[];
}

/** mean/std on the 0..1 scale (torchvision's), one value or one per channel, as `x * scale + offset` on bytes. */
export function affineFor(normalize: Normalize | undefined, channels: number): Affine {
  const { mean, std } = normalizeChannels(normalize, channels, 'Trainer');
  return { scale: std.map((s) => 1 / (255 * s)), offset: mean.map((m, c) => -m / std[c]) };
}

/** The class indices, copied out of the slot (a tensor may keep a view of its input). */
function labelsOf(batch: Batch): tf.Tensor1D {
  return tf.tensor1d(batch.labels.slice(), 'int32');
}

export class DefaultUploader implements Uploader {
  readonly path = 'default';
  #scale: tf.Tensor1D;
  #offset: tf.Tensor1D;

  constructor(affine: Affine) {
    this.#scale = tf.tensor1d(affine.scale, 'float32');
    this.#offset = tf.tensor1d(affine.offset, 'float32');
  }

  upload(batch: Batch): Uploaded {
    const y = labelsOf(batch);
    if (batch.images instanceof Float32Array) {
      // Normalized in the worker already ('float32' loader): copy and go.
      const x = tf.tensor4d(batch.images.slice(), batch.shape, 'float32');
      batch.release();
      return { x, y };
    }
    // int32 from uint8: tfjs converts into a new Int32Array, so the slot is free after this.
    const raw = tf.tensor4d(batch.images, batch.shape, 'int32');
    batch.release();
    const x = tf.tidy(() => raw.cast('float32').mul(this.#scale).add(this.#offset)) as tf.Tensor4D;
    raw.dispose();
    return { x, y };
  }

  dispose(): void {
    this.#scale.dispose();
    this.#offset.dispose();
  }
}

export class DirectUploader implements Uploader {
  readonly path = 'direct';
  readonly #backend: WebGPUBackend;
  readonly #uniforms: Array<{ type: string; data: number[] }>;
  readonly #channels: number;
  #packed: GPUBuffer | null = null; // reused across steps; grows when a batch needs more
  readonly #tail = new Uint8Array(4); // the last 1-3 bytes of a batch, padded to a word

  constructor(affine: Affine) {
    if (tf.getBackend() !== 'webgpu') {
      throw new OptionError(`\`Trainer\` option \`upload: 'direct'\` needs the webgpu backend; the active one is ${tf.getBackend()}.`);
    }
    this.#backend = tf.backend() as WebGPUBackend;
    this.#channels = affine.scale.length;
    const pad = (v: number[]) => [...v, 0, 0, 0, 0].slice(0, 4);
    this.#uniforms = [
      { type: 'float32', data: pad(affine.scale) },
      { type: 'float32', data: pad(affine.offset) },
    ];
  }

  upload(batch: Batch): Uploaded {
    const { images } = batch;
    if (!(images instanceof Uint8Array)) {
      throw new OptionError("`Trainer` option `upload: 'direct'` needs uint8 batches: create the DataLoader with dtype 'uint8'.");
    }
    const backend = this.#backend;
    const words = Math.ceil(images.byteLength / 4);
    const packed = this.#buffer(words * 4);
    const whole = images.byteLength & ~3; // writeBuffer sizes must be multiples of 4
    // The spec takes an AllowSharedBufferSource; the bundled @webgpu/types predate that.
    if (whole > 0) backend.queue.writeBuffer(packed, 0, images as Uint8Array<ArrayBuffer>, 0, whole);
    if (whole < images.byteLength) {
      this.#tail.fill(0).set(images.subarray(whole));
      backend.queue.writeBuffer(packed, whole, this.#tail);
    }
    const y = labelsOf(batch);
    batch.release(); // the bytes were copied at the writeBuffer calls (see NOTE)
    const input = tf.tensor({ buffer: packed, zeroCopy: true }, [words], 'int32');
    const program = new UnpackBytesProgram(batch.shape, this.#channels);
    const info = backend.runWebGPUProgram(program, [input], 'float32', this.#uniforms);
    const x = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
    input.dispose();
    this.#submit(); // see NOTE: direct path buffer reuse
    return { x, y };
  }

  #buffer(bytes: number): GPUBuffer {
    if (this.#packed && this.#packed.size >= bytes) return this.#packed;
    this.#submit();
    this.#packed?.destroy(); // destroy() waits for submitted work that uses it
    this.#packed = this.#backend.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      label: 'feedline ring upload',
    });
    return this.#packed;
  }

  /** Submits what tfjs has recorded so far. */
  #submit(): void {
    const backend = this.#backend;
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
  }

  dispose(): void {
    if (this.#packed) this.#submit();
    this.#packed?.destroy();
    this.#packed = null;
  }
}

/**
 * The uploader for `path`. 'auto' takes the direct path wherever it can run
 * (WebGPU, uint8 batches): `BENCH_ONLY=upload npm run bench` measured it faster on the
 * same batches (README: Training); elsewhere the default path.
 */
export function createUploader(path: UploadPath | 'auto', affine: Affine, batch: Batch): Uploader {
  const directCanRun = tf.getBackend() === 'webgpu' && batch.images instanceof Uint8Array;
  if (path === 'direct' || (path === 'auto' && directCanRun)) return new DirectUploader(affine);
  return new DefaultUploader(affine);
}
