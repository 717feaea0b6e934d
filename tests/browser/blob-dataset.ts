/**
 * A copy of a dataset (or of its first `limit` samples) whose sources are
 * in-memory Blobs, so timed epochs measure the loader and the trainer rather
 * than the dev server (about 300 files/s on two cores). Runs in the page;
 * used by the browser tests and the bench pages.
 */
import { ImageDataset } from '../../src/loader/index.ts';

/** Fetches every source once, 16 at a time (thousands at once make Chromium refuse). */
export async function blobDataset(dataset: ImageDataset, limit = Infinity, name = dataset.name): Promise<ImageDataset> {
  const count = Math.min(limit, dataset.length);
  const items = new Array<{ src: Blob; label: number }>(count);
  let next = 0;
  const fetchOne = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      items[i] = { src: await (await fetch(dataset.source(i) as string)).blob(), label: dataset.label(i) };
    }
  };
  await Promise.all(Array.from({ length: 16 }, fetchOne));
  return ImageDataset.fromItems(items, dataset.classes, dataset.shape, name);
}
