/** Draws a batch snapshot as a grid of pixel-exact, scaled-up thumbnails. */
import type { BatchSnapshot } from '../app/batch-snapshot.ts';

const THUMB_BOX = 40; // css px the longer side of a thumbnail aims for
const GAP = 2;

export interface GridGeometry {
  columns: number;
  rows: number;
  /** Thumbnail size in canvas px. */
  thumbWidth: number;
  thumbHeight: number;
  width: number;
  height: number;
}

export function gridGeometry(batch: BatchSnapshot, columns: number): GridGeometry {
  const fit = THUMB_BOX / Math.max(batch.width, batch.height);
  const scale = fit >= 1 ? Math.floor(fit) : fit; // whole pixels when scaling up
  const thumbWidth = Math.max(1, Math.round(batch.width * scale));
  const thumbHeight = Math.max(1, Math.round(batch.height * scale));
  const cols = Math.max(1, Math.min(columns, batch.size));
  const rows = Math.ceil(batch.size / cols);
  return {
    columns: cols,
    rows,
    thumbWidth,
    thumbHeight,
    width: cols * thumbWidth + (cols - 1) * GAP,
    height: rows * thumbHeight + (rows - 1) * GAP,
  };
}

/** Paints every sample of `batch` onto `canvas`, sized by `grid`. */
export function paintBatch(canvas: HTMLCanvasElement, batch: BatchSnapshot, grid: GridGeometry): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height, size, rgba } = batch;
  const scratch = new OffscreenCanvas(width, height);
  const scratchCtx = scratch.getContext('2d')!;
  const sampleBytes = width * height * 4;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = grid.thumbWidth < width; // only when shrinking
  for (let i = 0; i < size; i++) {
    const pixels = rgba.subarray(i * sampleBytes, (i + 1) * sampleBytes);
    scratchCtx.putImageData(new ImageData(pixels, width, height), 0, 0);
    const x = (i % grid.columns) * (grid.thumbWidth + GAP);
    const y = Math.floor(i / grid.columns) * (grid.thumbHeight + GAP);
    ctx.drawImage(scratch, x, y, grid.thumbWidth, grid.thumbHeight);
  }
}
