/**
 * The bench pages' in-memory datasets, by manifest: every image fetched into
 * a Blob once per page (2,000 requests for the shapes), then shared by every
 * measurement and part that asks for it.
 */
import { blobDataset } from '../tests/browser/blob-dataset.ts';
import { ImageDataset } from '../src/loader/index.ts';

const datasets = new Map<string, Promise<ImageDataset>>();

export function inMemoryDataset(manifest: string): Promise<ImageDataset> {
  let dataset = datasets.get(manifest);
  if (!dataset) {
    dataset = ImageDataset.fromManifest(manifest).then((d) => blobDataset(d));
    datasets.set(manifest, dataset);
  }
  return dataset;
}
