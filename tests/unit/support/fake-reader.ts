/**
 * A PixelReader without a browser: sources are 'mem://<i>' and the RGBA of
 * sample i is a formula, so a test computes the bytes it expects. Delays are
 * seeded per (seed, sample, attempt), so completion order is shuffled but the
 * same on every run and on every thread. The config is plain data: it travels
 * to worker threads as workerData.
 */
import type { PhaseMark, PixelReader, ReadHints } from '../../../src/loader/worker/decode.ts';
import type { ImageSource } from '../../../src/loader/dataset.ts';
import { ImageDataset } from '../../../src/loader/dataset.ts';
import { SampleLoadError, type SampleFailureReason } from '../../../src/loader/errors.ts';
import type { ImageOptions } from '../../../src/loader/options.ts';
import { hash32 } from './random.ts';

export interface FakeReaderConfig {
  seed?: number;
  /** Each read waits 0..maxDelayMs ms (0: the next macrotask). */
  maxDelayMs?: number;
  /** Extra fixed delay for some sources, e.g. to make batch 0 finish last. */
  slow?: Record<string, number>;
  /** Sources that always fail, with this reason. */
  fail?: Record<string, SampleFailureReason>;
  /** Sources that fail their first n reads (reason 'decode' unless flakyReason says). */
  flaky?: Record<string, number>;
  flakyReason?: SampleFailureReason;
  /** Sources that never resolve (they reject when their signal aborts). */
  hang?: string[];
  /** Sources that resolve with too few bytes. */
  short?: string[];
  /** Sources whose read throws a plain TypeError: a bug, not a classified failure. */
  crash?: string[];
  /** Sources whose read throws outside any promise (an uncaught error: it ends a worker thread), then hangs. */
  uncaught?: string[];
  /** Worker threads only: the worker script throws before it exposes its API. */
  crashAtStartup?: boolean;
}

export const memSrc = (i: number) => `mem://${i}`;

/** 'mem://i', as a string or as the name of a File. */
const sourceName = (source: ImageSource): string => (typeof source === 'string' ? source : ((source as File).name ?? ''));

/**
 * A shard sample's image bytes for the fake reader: a zero byte (so the
 * header check sees no text) then 'mem://i'. A Blob crossing to a Node
 * worker thread loses its File name; its bytes say which sample it is.
 */
export const memShardImage = (i: number): Uint8Array => new Uint8Array([0, ...new TextEncoder().encode(memSrc(i))]);

/** The source's name: its bytes' 'mem://i' for a shard slice (memShardImage), else sourceName. */
async function readName(source: ImageSource): Promise<string> {
  if (typeof source !== 'string' && source.size < 64) {
    const bytes = new Uint8Array(await source.arrayBuffer());
    const text = new TextDecoder().decode(bytes.subarray(1));
    if (bytes[0] === 0 && text.startsWith('mem://')) return text;
  }
  return sourceName(source);
}

function sampleNumber(source: ImageSource): number {
  const name = sourceName(source);
  if (!name.startsWith('mem://')) throw new SampleLoadError('source', `not a mem:// source`);
  return Number(name.slice(6));
}

/** The RGBA bytes of sample i at width x height: the reader's only formula. */
export function fakeRgba(i: number, width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    out[4 * p] = (37 * i + 11 * p) & 255;
    out[4 * p + 1] = (101 * i + 3 * p + (p >> 3)) & 255;
    out[4 * p + 2] = (7 * i * p + 59) & 255;
    out[4 * p + 3] = (255 - i - p) & 255;
  }
  return out;
}

export class FakeReader implements PixelReader {
  /** Reads started, per source: the attempt number of each read. */
  readonly attempts = new Map<string, number>();
  /** Reads in progress right now, and the most there ever were. */
  active = 0;
  maxActive = 0;
  readonly started: string[] = [];
  readonly aborted: string[] = [];
  /** Sources read with ReadHints.headerChecked. */
  readonly headerChecked: string[] = [];
  /** Every read that settled: when it started and ended (performance.now()). */
  readonly timeline: Array<{ src: string; attempt: number; start: number; end: number }> = [];

  constructor(
    readonly image: Pick<ImageOptions, 'width' | 'height'>,
    readonly config: FakeReaderConfig = {},
  ) {}

  async read(source: ImageSource, signal: AbortSignal, mark?: PhaseMark, hints?: ReadHints): Promise<Uint8ClampedArray> {
    const src = typeof source === 'string' ? source : await readName(source);
    if (hints?.headerChecked) this.headerChecked.push(src);
    const attempt = (this.attempts.get(src) ?? 0) + 1;
    this.attempts.set(src, attempt);
    this.started.push(src);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const start = performance.now();
    try {
      const rgba = await this.#read(src, attempt, signal);
      mark?.('decode', start); // as the canvas reader does, so traces carry per-sample phases
      return rgba;
    } finally {
      this.active--;
      this.timeline.push({ src, attempt, start, end: performance.now() });
    }
  }

  async #read(src: string, attempt: number, signal: AbortSignal): Promise<Uint8ClampedArray> {
    const { seed = 0, maxDelayMs = 0, slow = {}, fail = {}, flaky = {}, hang = [], short = [], crash = [] } = this.config;
    const i = sampleNumber(src);
    if (this.config.uncaught?.includes(src)) {
      setTimeout(() => {
        throw new Error(`fake uncaught error while reading ${src}`);
      });
    }
    if (hang.includes(src) || this.config.uncaught?.includes(src)) {
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          this.aborted.push(src);
          reject(signal.reason);
        });
      });
    }
    const delay = (maxDelayMs > 0 ? hash32(seed, i, attempt) % (maxDelayMs + 1) : 0) + (slow[src] ?? 0);
    await new Promise((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)));
    if (signal.aborted) {
      this.aborted.push(src);
      throw signal.reason;
    }
    if (crash.includes(src)) throw new TypeError(`fake unexpected failure for ${src}`);
    if (fail[src]) throw new SampleLoadError(fail[src], `fake ${fail[src]} failure for ${src}`);
    if (attempt <= (flaky[src] ?? 0)) {
      const reason = this.config.flakyReason ?? 'decode';
      throw new SampleLoadError(reason, `fake flaky ${reason} failure ${attempt} for ${src}`);
    }
    const rgba = fakeRgba(i, this.image.width, this.image.height);
    return short.includes(src) ? rgba.subarray(0, rgba.length - 4) : rgba;
  }
}

/** n samples 'mem://0'.. with label i % classes. */
export function memDataset(n: number, shape: { width: number; height: number; channels?: 1 | 3 | 4 }, classes = 3): ImageDataset {
  const names = Array.from({ length: classes }, (_, c) => `class${c}`);
  const items = Array.from({ length: n }, (_, i) => ({ src: memSrc(i), label: i % classes }));
  return ImageDataset.fromItems(items, names, shape);
}

export const labelOf = (i: number, classes = 3) => i % classes;

/** What the loader must deliver for sample i: RGBA to `channels` bytes (integer BT.601 luma for 1). */
export function expectedUint8(i: number, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  const rgba = fakeRgba(i, width, height);
  const out = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b, a] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]];
    if (channels === 1) out[p] = Math.floor((77 * r + 150 * g + 29 * b + 128) / 256);
    else out.set(channels === 3 ? [r, g, b] : [r, g, b, a], p * channels);
  }
  return out;
}
