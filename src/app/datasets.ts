/**
 * The datasets the dev page offers. Each is a manifest (the format in
 * DESIGN.md) under public/datasets/<name>/; add an entry here to offer another.
 */
import { ImageDataset } from '../loader/index.ts';

export interface DatasetEntry {
  id: string;
  label: string;
  /** URL of manifest.json, relative to the page. */
  manifest: string;
  split: string;
  /** One line for the controls panel. */
  description: string;
}

/**
 * The broken corpus of the reliability tests (tests/fixtures/broken.ts): good
 * images with every kind of bad input mixed in, served by the dev server's
 * test routes only, so it is offered in `npm run dev` and not in a build. The
 * key keeps this visit's flaky URLs apart from earlier ones.
 */
const BROKEN: DatasetEntry = {
  id: 'broken',
  label: 'broken (dev server only)',
  manifest: `/__test__/broken/manifest.json?key=dev-${Date.now().toString(36)}`,
  split: 'train',
  description: "good 12×10 PNGs mixed with 404s, a 500, a refused fetch, HTML as .png, truncated files, bombs, a hang and invalid manifest items: try 'skip'",
};

export const DATASETS: readonly DatasetEntry[] = [
  {
    id: 'fixtures',
    label: 'fixtures',
    manifest: '/datasets/fixtures/manifest.json',
    split: 'train',
    description: '50 tiny 12×10 RGB PNGs with known pixels: what the tests check against',
  },
  {
    id: 'mnist',
    label: 'mnist',
    manifest: '/datasets/mnist/manifest.json',
    split: 'train',
    description: '8,000 real handwritten digits, 28×28 grayscale PNGs',
  },
  {
    id: 'shapes',
    label: 'shapes (decode-heavy)',
    manifest: '/datasets/shapes/manifest.json',
    split: 'train',
    description: '2,000 JPEGs of six shapes, 160×160 RGB: decoding is the bottleneck',
  },
  ...(import.meta.env.DEV ? [BROKEN] : []),
];

export function datasetEntry(id: string): DatasetEntry {
  const entry = DATASETS.find((d) => d.id === id);
  if (!entry) throw new Error(`unknown dataset "${id}" (known: ${DATASETS.map((d) => d.id).join(', ')})`);
  return entry;
}

const cache = new Map<string, Promise<ImageDataset>>();

/** Loads a dataset's manifest once per page; a failed load is retried next time. */
export function loadDataset(id: string): Promise<ImageDataset> {
  let loading = cache.get(id);
  if (!loading) {
    const entry = datasetEntry(id);
    loading = ImageDataset.fromManifest(entry.manifest, entry.split);
    loading.catch(() => cache.delete(id));
    cache.set(id, loading);
  }
  return loading;
}
