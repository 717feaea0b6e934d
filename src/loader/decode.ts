/**
 * Source -> RGBA pixels at the target size, with the browser's own decoders:
 * fetch (or a Blob as it is), createImageBitmap, then an OffscreenCanvas to
 * resize, crop or pad. Works in a worker and on the main thread; touches no
 * DOM API until it is called.
 */
import { SampleLoadError } from './errors.ts';
import type { ImageSource } from './dataset.ts';
import type { ImageOptions } from './options.ts';
import { placement } from './transforms.ts';

/** Reads one sample as RGBA bytes at the target size. Implemented per platform. */
export interface PixelReader {
  /**
   * `mark` records phase timings when tracing. Resolves with width * height * 4
   * bytes that stay valid until the next call's synchronous part runs.
   */
  read(source: ImageSource, signal: AbortSignal, mark?: PhaseMark): Promise<Uint8ClampedArray>;
  /**
   * Names the decoder for the sample cache (option `cache`): part of every
   * cache key, so readers that may give different pixels for one source must
   * have different tags. A reader without one is never cached.
   */
  readonly cacheTag?: string;
}

export type PhaseMark = (phase: 'fetch' | 'decode' | 'write', start: number) => void;

export class CanvasPixelReader implements PixelReader {
  /** Bump when this reader's pixels change (resampling, color handling). */
  readonly cacheTag = 'canvas-2d/1';
  #canvas: OffscreenCanvas | null = null;
  #context: OffscreenCanvasRenderingContext2D | null = null;

  constructor(readonly image: ImageOptions) {}

  async read(source: ImageSource, signal: AbortSignal, mark?: PhaseMark): Promise<Uint8ClampedArray> {
    let t = performance.now();
    const blob = typeof source === 'string' ? await fetchBlob(source, signal) : source;
    if (mark && typeof source === 'string') mark('fetch', t);
    if (blob.size === 0) throw new SampleLoadError('source', 'the source is empty (0 bytes)');
    t = performance.now();
    let bitmap: ImageBitmap;
    try {
      // 'none' twice: raw stored values, as PIL would read them.
      bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch (cause) {
      const type = blob.type ? ` (${blob.type}, ${blob.size} bytes)` : ` (${blob.size} bytes)`;
      throw new SampleLoadError('decode', `the browser cannot decode it as an image${type}`, cause);
    }
    if (signal.aborted) {
      bitmap.close();
      throw signal.reason;
    }
    mark?.('decode', t);
    t = performance.now();
    try {
      return this.#draw(bitmap);
    } finally {
      bitmap.close();
      mark?.('write', t);
    }
  }

  /** Synchronous: no other read can interleave between draw and readback. */
  #draw(bitmap: ImageBitmap): Uint8ClampedArray {
    const { width, height, fit } = this.image;
    const context = this.#context2d(width, height);
    const p = placement(bitmap.width, bitmap.height, width, height, fit);
    context.clearRect(0, 0, width, height);
    if (fit === 'contain') {
      context.fillStyle = '#000';
      context.fillRect(0, 0, width, height);
    }
    context.drawImage(bitmap, p.sx, p.sy, p.sw, p.sh, p.dx, p.dy, p.dw, p.dh);
    return context.getImageData(0, 0, width, height).data;
  }

  #context2d(width: number, height: number): OffscreenCanvasRenderingContext2D {
    if (!this.#canvas || !this.#context) {
      this.#canvas = new OffscreenCanvas(width, height);
      // willReadFrequently keeps the canvas on the CPU, where getImageData is cheap.
      const context = this.#canvas.getContext('2d', { willReadFrequently: true, alpha: true });
      if (!context) throw new Error('OffscreenCanvas 2D context is unavailable');
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'high';
      this.#context = context;
    }
    return this.#context;
  }
}

async function fetchBlob(url: string, signal: AbortSignal): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    throw new SampleLoadError('network', `the fetch failed (offline, or refused by CORS?): ${String(cause)}`, cause);
  }
  if (!response.ok) {
    throw new SampleLoadError('http', `the server answered ${response.status} ${response.statusText}`.trim());
  }
  try {
    return await response.blob();
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    throw new SampleLoadError('network', `the response body failed: ${String(cause)}`, cause);
  }
}
