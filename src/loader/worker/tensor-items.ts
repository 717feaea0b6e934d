/**
 * A TensorDataset's item source: row i of the values, read in place (a view,
 * no copy; the executor copies it into the slot) and its label.
 */
import type { DatasetSpec } from '../datasets/item-dataset.ts';
import type { ItemSource, Item } from './item-source.ts';

export class TensorItems implements ItemSource {
  readonly #values: Float32Array | Uint8Array;
  readonly #labels: Int32Array;
  readonly #elements: number;

  constructor(spec: Extract<DatasetSpec, { kind: 'tensor' }>) {
    this.#values = spec.values;
    this.#labels = spec.labels;
    this.#elements = spec.elements;
  }

  read(sample: { index: number }): Item {
    const i = sample.index;
    const e = this.#elements;
    return { values: this.#values.subarray(i * e, (i + 1) * e), label: this.#labels[i] };
  }
}
