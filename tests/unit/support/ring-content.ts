/**
 * What batch k of the ring test holds. The producer threads write it and the
 * consumer checks it, each computing it from k alone, so no byte of a batch
 * crosses postMessage: it all goes through the ring.
 */
import {
  S_BATCH,
  S_COUNT,
  S_EPOCH,
  S_SKIPPED,
  SLOT_HEADER_BYTES,
  type SlotLayout,
  type SlotView,
} from '../../../src/loader/ring.ts';
import { fnv1a } from '../../../src/loader/fnv1a.ts';
import { hash32 } from './random.ts';

/** Written into every word no one may touch; a change means a stray write. */
export const CANARY = 0x5afec0de | 0;
const BATCHES_PER_EPOCH = 512;

export interface BatchPlan {
  epoch: number;
  /** Samples written; varies per batch so COUNT is checked for real. */
  count: number;
  skipped: number;
  /** Every 97th batch (from 13) is published FAILED, with no samples. */
  failed: boolean;
}

export function planOf(k: number, batchSize: number): BatchPlan {
  const failed = k % 97 === 13;
  const count = failed ? 0 : 1 + (hash32(k, 1) % batchSize);
  return { epoch: Math.floor(k / BATCHES_PER_EPOCH), count, skipped: failed ? 0 : batchSize - count, failed };
}

export const labelOf = (k: number, j: number) => hash32(k, j, 2) % 10;
export const indexOf = (k: number, j: number) => k * 16 + j;

/** uint8: any byte; float32: a multiple of 1/256 in [-128, 128), exact in float32. */
export function pixelOf(k: number, j: number, e: number, dtype: SlotLayout['dtype']): number {
  const h = hash32(k, j, e, 3);
  return dtype === 'uint8' ? h & 255 : ((h & 0xffff) - 32768) / 256;
}

/** Producer side: sample j of batch k, at its position. */
export function writeSample(view: SlotView, k: number, j: number): void {
  const { sampleElements: n, dtype } = view.layout;
  view.labels[j] = labelOf(k, j);
  view.indices[j] = indexOf(k, j);
  for (let e = 0; e < n; e++) view.pixels[j * n + e] = pixelOf(k, j, e, dtype);
}

/** The first of samples [0, count) that differs from batch k, or null. */
export function checkSamples(view: SlotView, k: number, count: number): string | null {
  const { sampleElements: n, dtype } = view.layout;
  for (let j = 0; j < count; j++) {
    if (view.labels[j] !== labelOf(k, j)) return `batch ${k} sample ${j}: label ${view.labels[j]}, expected ${labelOf(k, j)}`;
    if (view.indices[j] !== indexOf(k, j)) return `batch ${k} sample ${j}: index ${view.indices[j]}, expected ${indexOf(k, j)}`;
    for (let e = 0; e < n; e++) {
      const want = pixelOf(k, j, e, dtype);
      if (view.pixels[j * n + e] !== want) return `batch ${k} sample ${j} element ${e}: ${view.pixels[j * n + e]}, expected ${want}`;
    }
  }
  return null;
}

/** Header fields and samples of a published batch k, or the first difference. */
export function checkBatch(view: SlotView, k: number): string | null {
  const plan = planOf(k, view.layout.batchSize);
  const h = view.header;
  const fields: Array<[string, number, number]> = [
    ['BATCH', h[S_BATCH], k],
    ['EPOCH', h[S_EPOCH], plan.epoch],
    ['COUNT', h[S_COUNT], plan.count],
    ['SKIPPED', h[S_SKIPPED], plan.skipped],
  ];
  for (const [name, got, want] of fields) if (got !== want) return `batch ${k}: ${name} is ${got}, expected ${want}`;
  return checkSamples(view, k, plan.count);
}

/**
 * Byte offsets, relative to a slot, of the words nobody may write: the slot
 * header's reserved words, the pad between indices and the 16-aligned pixels,
 * and the tail between the pixels' end and the next slot.
 */
export function canaryOffsets(layout: SlotLayout): number[] {
  const out: number[] = [];
  for (let b = (S_SKIPPED + 1) * 4; b < SLOT_HEADER_BYTES; b += 4) out.push(b);
  for (let b = layout.indicesOffset + 4 * layout.batchSize; b < layout.pixelsOffset; b += 4) out.push(b);
  const bytesPerElement = layout.dtype === 'float32' ? 4 : 1;
  const pixelsEnd = layout.pixelsOffset + layout.batchSize * layout.sampleElements * bytesPerElement;
  for (let b = Math.ceil(pixelsEnd / 4) * 4; b < layout.slotBytes; b += 4) out.push(b);
  return out;
}

/** Every byte of the slot except its STATE word: what a held slot must keep. */
export function slotFingerprint(view: SlotView): number {
  return fnv1a(new Uint8Array(view.buffer, view.byteOffset + 4, view.layout.slotBytes - 4));
}
