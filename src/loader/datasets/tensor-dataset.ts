/**
 * TensorDataset: PyTorch's torch.utils.data.TensorDataset. Samples are rows
 * of a tensor already in memory, with one label each; a worker copies row i
 * into the ring slot, nothing is fetched or decoded.
 *
 * Memory: where the page is cross-origin isolated, `from` copies values and
 * labels once into one SharedArrayBuffer, which every worker reads in place
 * (no copy per worker). Elsewhere each worker gets its own copy at start
 * (the structured clone of WorkerInit), as PyTorch's workers get theirs.
 */
import { OptionError } from '../errors.ts';
import { FNV_OFFSET, FNV_PRIME } from '../fnv1a.ts';
import { checkSampleDeclaration, type SampleDeclaration } from '../sample-shape.ts';
import { TensorItems } from '../worker/tensor-items.ts';
import type { DatasetSpec, ItemDataset } from './item-dataset.ts';

export type TensorValues = Float32Array | Uint8Array;

export interface TensorDatasetOptions {
  /** Names the dataset in `state()` and errors; default 'tensor'. */
  name?: string;
  /** false: keep the arrays as given (each worker copies them once); default: shared where the page is isolated. */
  shared?: boolean;
}

const canShare = (): boolean =>
  typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;

export class TensorDataset implements ItemDataset {
  readonly kind = 'tensor' as const;
  readonly sample: SampleDeclaration;
  readonly #values: TensorValues;
  readonly #labels: Int32Array;
  #digest: string | null = null;

  private constructor(values: TensorValues, labels: Int32Array, sample: SampleDeclaration, readonly name: string) {
    this.#values = values;
    this.#labels = labels;
    this.sample = sample;
  }

  /**
   * `values` holds n samples of `sampleShape`, row-major (length n *
   * product(sampleShape)); `labels` one integer per sample. The dataset's
   * dtype is the values' type: Float32Array gives float32 batches,
   * Uint8Array uint8. The arrays are copied (into shared memory where it
   * exists): changing them afterwards changes nothing.
   */
  static from(values: TensorValues, labels: Int32Array | readonly number[], sampleShape: readonly number[], options: TensorDatasetOptions = {}): TensorDataset {
    const api = 'TensorDataset.from';
    const dtype = values instanceof Float32Array ? 'float32' : values instanceof Uint8Array ? 'uint8' : null;
    if (dtype === null) {
      throw new OptionError(`\`${api}\`: values must be a Float32Array or a Uint8Array; got ${Object.prototype.toString.call(values)}`);
    }
    const sample = checkSampleDeclaration({ shape: sampleShape, dtype }, api);
    const n = labels.length;
    const elements = sample.shape.reduce((a, d) => a * d, 1);
    if (values.length !== n * elements) {
      throw new OptionError(
        `\`${api}\`: ${n} labels and sample shape [${sample.shape.join(', ')}] need ${n * elements} values; got ${values.length}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      if (!Number.isInteger(label) || label < -(2 ** 31) || label >= 2 ** 31) {
        throw new OptionError(`\`${api}\`: label ${i} is ${label}; labels must be int32 integers`);
      }
    }
    const share = options.shared ?? canShare();
    const copy = <T extends TensorValues | Int32Array>(array: T, Type: { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }): T => {
      const out = new Type(share ? new SharedArrayBuffer(array.length * Type.BYTES_PER_ELEMENT) : new ArrayBuffer(array.length * Type.BYTES_PER_ELEMENT));
      out.set(array as never);
      return out;
    };
    const ownValues = dtype === 'float32' ? copy(values as Float32Array, Float32Array) : copy(values as Uint8Array, Uint8Array);
    const ownLabels = copy(Int32Array.from(labels), Int32Array);
    return new TensorDataset(ownValues, ownLabels, sample, options.name ?? 'tensor');
  }

  /** Number of samples (len(dataset)). */
  get length(): number {
    return this.#labels.length;
  }

  /** True when the values live in a SharedArrayBuffer that the workers read in place. */
  get shared(): boolean {
    return typeof SharedArrayBuffer !== 'undefined' && this.#values.buffer instanceof SharedArrayBuffer;
  }

  source(i: number): string {
    this.#check(i);
    return `${this.name}[${i}]`;
  }

  label(i: number): number {
    this.#check(i);
    return this.#labels[i];
  }

  /** A copy of sample i's values. */
  values(i: number): TensorValues {
    this.#check(i);
    const e = this.#values.length / Math.max(1, this.length);
    return this.#values.slice(i * e, (i + 1) * e);
  }

  /** 64 bits of FNV-1a over the bytes of values and labels and the shape, computed once. */
  digest(): string {
    if (this.#digest) return this.#digest;
    let a = FNV_OFFSET;
    let b = FNV_PRIME;
    const mix = (bytes: Uint8Array) => {
      for (let k = 0; k < bytes.length; k++) {
        a = Math.imul(a ^ bytes[k], 0x01000193) >>> 0;
        b = Math.imul(b ^ bytes[k], 0x5bd1e995) >>> 0;
      }
    };
    const bytesOf = (v: TensorValues | Int32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    mix(new TextEncoder().encode(`${this.sample.dtype}[${this.sample.shape}]`));
    mix(bytesOf(this.#values));
    mix(bytesOf(this.#labels));
    this.#digest = a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
    return this.#digest;
  }

  spec(): DatasetSpec {
    const elements = this.sample.shape.reduce((a, d) => a * d, 1);
    return { kind: 'tensor', values: this.#values, labels: this.#labels, elements };
  }

  localItems(): TensorItems {
    return new TensorItems(this.spec() as Extract<DatasetSpec, { kind: 'tensor' }>);
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`\`TensorDataset\`: index ${i} is out of range for a dataset of ${this.length} samples`);
    }
  }
}
