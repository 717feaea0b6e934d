/**
 * Source -> RGBA pixels at the target size, with the browser's own decoders:
 * fetch (or a Blob as it is), createImageBitmap, then an OffscreenCanvas to
 * resize, crop or pad. Works in a worker and on the main thread; touches no
 * DOM API until it is called.
 */
import { SampleLoadError } from '../errors.ts';
import type { ImageSource } from '../dataset.ts';
import { HEADER_MAX_BYTES, HEADER_PREFIX_BYTES, describeSize, readImageHeader, type HeaderInfo, type TextKind } from './image-header.ts';
import { DEFAULT_MAX_PIXELS, type ImageOptions } from '../options.ts';
import { placement, type Placement } from './transforms.ts';
import { planAugment } from '../augment/plan.ts';
import { jitterPixels } from '../augment/color-jitter.ts';
import type { ResolvedAugmentation } from '../augment/spec.ts';
import type { SampleRandom } from '../sample-random.ts';

/** Reads one sample as RGBA bytes at the target size. Implemented per platform. */
export interface PixelReader {
  /**
   * `mark` records phase timings when tracing. Resolves with width * height * 4
   * bytes that stay valid until the next call's synchronous part runs.
   */
  read(source: ImageSource, signal: AbortSignal, mark?: PhaseMark, hints?: ReadHints): Promise<Uint8ClampedArray>;
  /**
   * Names the decoder for the sample cache (option `cache`): part of every
   * cache key, so readers that may give different pixels for one source must
   * have different tags. A reader without one is never cached.
   */
  readonly cacheTag?: string;
}

export interface ReadHints {
  /**
   * The source is a Blob whose header passed this loader's check in an earlier
   * epoch; a Blob's bytes cannot change, so the reader may skip the check
   * (each check is one more read of the Blob, which costs as much as a decode).
   */
  headerChecked?: boolean;
  /** The sample's augmentation: the loader's `augment` list and the sample's own generator. */
  augment?: { list: readonly ResolvedAugmentation[]; random: SampleRandom };
  /**
   * The Blob's first bytes, read together with other samples' (one composite
   * read per batch, header-reads.ts); null: the reader reads them itself.
   */
  prefix?: () => Promise<Uint8Array | null>;
}

export type PhaseMark = (phase: 'fetch' | 'decode' | 'write', start: number) => void;

export class CanvasPixelReader implements PixelReader {
  /** Bump when this reader's pixels change (resampling, color handling). */
  readonly cacheTag = 'canvas-2d/1';
  #context: OffscreenCanvasRenderingContext2D | null = null;
  #augmentContext: OffscreenCanvasRenderingContext2D | null = null;

  /** `maxPixels`: a larger image is refused, from its header when it declares its size. */
  constructor(
    readonly image: ImageOptions,
    readonly maxPixels: number = DEFAULT_MAX_PIXELS,
  ) {}

  async read(source: ImageSource, signal: AbortSignal, mark?: PhaseMark, hints?: ReadHints): Promise<Uint8ClampedArray> {
    let t = performance.now();
    // A URL's body is in memory once fetched: its header is checked there, with no second read.
    const body = typeof source === 'string' ? await fetchBody(source, signal) : null;
    if (mark && body) mark('fetch', t);
    if ((body ? body.bytes.byteLength : (source as Blob).size) === 0) throw new SampleLoadError('source', 'the source is empty (0 bytes)');
    t = performance.now();
    let header: HeaderInfo | null = null;
    let blob: Blob;
    if (body) {
      header = inspectBytes(body.bytes, this.maxPixels);
      blob = new Blob([body.bytes], { type: body.type });
    } else {
      blob = source as Blob;
      if (!hints?.headerChecked) header = await inspect(blob, this.maxPixels, await hints?.prefix?.());
    }
    let bitmap: ImageBitmap;
    try {
      // 'none' twice: raw stored values, as PIL would read them.
      bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch (cause) {
      throw new SampleLoadError('decode', undecodable(blob, header), cause);
    }
    if (signal.aborted) {
      bitmap.close();
      throw signal.reason;
    }
    if (bitmap.width * bitmap.height > this.maxPixels) {
      // A format whose header we do not read (TIFF, ICO, SVG): refused after decoding.
      const size = describeSize(bitmap.width, bitmap.height);
      bitmap.close();
      throw new SampleLoadError('oversize', `it decodes to ${size}, more than \`maxPixels\` (${this.maxPixels})`);
    }
    mark?.('decode', t);
    t = performance.now();
    try {
      return this.#draw(bitmap, hints?.augment);
    } finally {
      bitmap.close();
      mark?.('write', t);
    }
  }

  /**
   * Synchronous: no other read can interleave between draw and readback.
   * With `augment`: the source rectangle of RandomResizedCrop replaces the
   * fit; the other geometric transforms redraw the result through one matrix
   * on a second canvas (zeros outside, torchvision's fill); ColorJitter then
   * changes the bytes read back.
   */
  #draw(bitmap: ImageBitmap, augment?: ReadHints['augment']): Uint8ClampedArray {
    const { width, height, fit } = this.image;
    const plan = augment ? planAugment(augment.list, augment.random, bitmap.width, bitmap.height, width, height) : null;
    const context = this.#context2d(width, height);
    const crop = plan?.crop;
    const p: Placement = crop
      ? { sx: crop.left, sy: crop.top, sw: crop.width, sh: crop.height, dx: 0, dy: 0, dw: width, dh: height }
      : placement(bitmap.width, bitmap.height, width, height, fit);
    context.clearRect(0, 0, width, height);
    if (fit === 'contain' && !crop) {
      context.fillStyle = '#000';
      context.fillRect(0, 0, width, height);
    }
    context.drawImage(bitmap, p.sx, p.sy, p.sw, p.sh, p.dx, p.dy, p.dw, p.dh);
    let out = context;
    if (plan?.matrix) {
      out = this.#redraw(width, height);
      out.clearRect(0, 0, width, height);
      out.imageSmoothingEnabled = plan.interpolation === 'bilinear';
      out.setTransform(...plan.matrix);
      out.drawImage(context.canvas, 0, 0);
      out.setTransform(1, 0, 0, 1, 0, 0);
    }
    const data = out.getImageData(0, 0, width, height).data;
    if (plan && plan.jitter.length > 0) jitterPixels(data, plan.jitter);
    return data;
  }

  #context2d(width: number, height: number): OffscreenCanvasRenderingContext2D {
    this.#context ??= canvas2d(width, height);
    return this.#context;
  }

  /** The second canvas of a geometric augmentation, made on first use. */
  #redraw(width: number, height: number): OffscreenCanvasRenderingContext2D {
    this.#augmentContext ??= canvas2d(width, height);
    return this.#augmentContext;
  }
}

function canvas2d(width: number, height: number): OffscreenCanvasRenderingContext2D {
  // willReadFrequently keeps the canvas on the CPU, where getImageData is cheap.
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true, alpha: true });
  if (!context) throw new Error('OffscreenCanvas 2D context is unavailable');
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  return context;
}

const TEXT_KINDS: Record<TextKind, string> = {
  html: 'an HTML page (a server error page saved as an image?)',
  svg: 'an SVG document',
  xml: 'XML',
  json: 'JSON',
  text: 'plain text',
};

/**
 * Reads the header from the first bytes (more only if the size lies further
 * in; the first bytes may come read already as `prefix`) and refuses what must not reach the decoder: text, and images that
 * declare more than `maxPixels`. Returns what it found, for messages.
 */
export async function inspect(blob: Blob, maxPixels: number, prefix?: Uint8Array | null): Promise<HeaderInfo> {
  // `prefix`: the first bytes, already read (header-reads.ts); else the first HEADER_PREFIX_BYTES.
  let have = prefix?.byteLength || Math.min(blob.size, HEADER_PREFIX_BYTES);
  let header = readImageHeader(prefix?.byteLength ? prefix : new Uint8Array(await blob.slice(0, have).arrayBuffer()));
  while (header.kind === 'image' && header.width === null && header.needBytes !== null && have < blob.size) {
    // At least HEADER_PREFIX_BYTES: past a short prefix, one read of the usual extent.
    const next = Math.min(blob.size, HEADER_MAX_BYTES, Math.max(header.needBytes, 2 * have, HEADER_PREFIX_BYTES));
    if (next <= have) break;
    have = next;
    header = readImageHeader(new Uint8Array(await blob.slice(0, have).arrayBuffer()));
  }
  refuseHeader(header, maxPixels);
  return header;
}

/**
 * inspect() for bytes already in memory (a fetched shard or URL body): the same refusals
 * without reading anything again. Looks at most HEADER_MAX_BYTES in, as
 * inspect() does.
 */
export function inspectBytes(bytes: Uint8Array, maxPixels: number): HeaderInfo {
  const header = readImageHeader(bytes.subarray(0, HEADER_MAX_BYTES));
  refuseHeader(header, maxPixels);
  return header;
}

/** Throws the SampleLoadError for a header that must not reach the decoder: text, or more than `maxPixels`. */
function refuseHeader(header: HeaderInfo, maxPixels: number): void {
  if (header.kind === 'text') {
    const what = TEXT_KINDS[header.text];
    const svg = header.text === 'svg' ? ': createImageBitmap cannot decode SVG from a Blob, rasterize it first' : '';
    throw new SampleLoadError('decode', `the bytes are not an image but ${what}, starting "${header.excerpt}"${svg}`);
  }
  if (header.kind === 'image' && header.width !== null && header.width * header.height > maxPixels) {
    throw new SampleLoadError(
      'oversize',
      `its ${header.format.toUpperCase()} header declares ${describeSize(header.width, header.height)}, ` +
        `more than \`maxPixels\` (${maxPixels}); refused before decoding (raise \`maxPixels\` if it is meant to be this big)`,
    );
  }
}

/** Why createImageBitmap refused the bytes, as far as their header tells. */
function undecodable(blob: Blob, header: HeaderInfo | null): string {
  const bytes = blob.type ? `${blob.type}, ${blob.size} bytes` : `${blob.size} bytes`;
  if (!header) return `the browser cannot decode it as an image (${bytes})`;
  if (header.kind === 'image') {
    const format = header.format.toUpperCase();
    if (header.format === 'tiff' || header.format === 'heif') return `this browser cannot decode ${format} images (${bytes})`;
    return `the browser cannot decode it as ${format} (${bytes}): truncated or corrupt`;
  }
  const first = header.kind === 'unknown' ? `; first bytes ${header.firstBytes}` : '';
  return `the browser cannot decode it as an image: not a format it knows (${bytes}${first})`;
}

async function fetchBody(url: string, signal: AbortSignal): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
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
    return { bytes: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type') ?? '' };
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    throw new SampleLoadError('network', `the response body failed: ${String(cause)}`, cause);
  }
}
