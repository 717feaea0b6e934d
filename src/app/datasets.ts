/**
 * The datasets the dev page offers: manifests (the format in docs/guide.md) under
 * public/datasets/<name>/ (MNIST and shapes twice: packed in shards under
 * shards/, and one file per image), and the user's own folder (folder-source.svelte.ts).
 * Add an entry here to offer another manifest.
 */
import { ImageDataset, type DataLoaderOptions } from '../loader/index.ts';

interface EntryBase {
  id: string;
  label: string;
  /** One line for the controls panel. */
  description: string;
}

export interface ManifestEntry extends EntryBase {
  kind: 'manifest';
  /** URL of manifest.json, relative to the page. */
  manifest: string;
  split: string;
}

/** The folder the user picks or drops in the folder panel. */
export interface FolderEntry extends EntryBase {
  kind: 'folder';
}

export type DatasetEntry = ManifestEntry | FolderEntry;

export const FOLDER_ID = 'folder';

/** A dataset ready to load, and the loader options it needs beyond the settings (a folder's output size). */
export interface OpenedDataset {
  dataset: ImageDataset;
  options?: DataLoaderOptions;
}

/**
 * The broken corpus of the reliability tests (tests/fixtures/broken.ts): good
 * images with every kind of bad input mixed in, served by the dev server's
 * test routes only, so it is offered in `npm run dev` and not in a build. The
 * key keeps this visit's flaky URLs apart from earlier ones.
 */
const BROKEN: ManifestEntry = {
  kind: 'manifest',
  id: 'broken',
  label: 'broken (dev server only)',
  manifest: `/__test__/broken/manifest.json?key=dev-${Date.now().toString(36)}`,
  split: 'train',
  description: "good 12×10 PNGs mixed with 404s, a 500, a refused fetch, HTML as .png, truncated files, bombs, a hang and invalid manifest items: try 'skip'",
};

export const DATASETS: readonly DatasetEntry[] = [
  {
    kind: 'manifest',
    id: 'fixtures',
    label: 'fixtures',
    manifest: '/datasets/fixtures/manifest.json',
    split: 'train',
    description: '50 tiny 12×10 RGB PNGs with known pixels: what the tests check against',
  },
  {
    kind: 'manifest',
    id: 'mnist',
    label: 'mnist',
    manifest: '/datasets/mnist/shards/manifest.json',
    split: 'train',
    description: '8,000 real handwritten digits, 28×28 grayscale PNGs packed in 4 shards',
  },
  {
    kind: 'manifest',
    id: 'mnist-files',
    label: 'mnist (one file each)',
    manifest: '/datasets/mnist/manifest.json',
    split: 'train',
    description: 'the same 8,000 digits, one request per image: compare with the shards',
  },
  {
    kind: 'manifest',
    id: 'shapes',
    label: 'shapes (decode-heavy)',
    manifest: '/datasets/shapes/shards/manifest.json',
    split: 'train',
    description: '2,000 JPEGs of six shapes, 160×160 RGB, packed in 8 shards: decoding is the bottleneck',
  },
  {
    kind: 'manifest',
    id: 'shapes-files',
    label: 'shapes (one file each)',
    manifest: '/datasets/shapes/manifest.json',
    split: 'train',
    description: 'the same 2,000 JPEGs, one request per image',
  },
  ...(import.meta.env.DEV ? [BROKEN] : []),
  {
    kind: 'folder',
    id: FOLDER_ID,
    label: 'your folder',
    description: 'your own images: pick or drop a folder in the "Your folder" panel; each subfolder is a class',
  },
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
    if (entry.kind !== 'manifest') return Promise.reject(new Error(`"${id}" is not a bundled dataset: it has no manifest`));
    loading = ImageDataset.fromManifest(entry.manifest, entry.split);
    loading.catch(() => cache.delete(id));
    cache.set(id, loading);
  }
  return loading;
}

/** Opens a bundled dataset by id; the dev page wraps this to add the folder. */
export async function openBundled(id: string): Promise<OpenedDataset> {
  return { dataset: await loadDataset(id) };
}
