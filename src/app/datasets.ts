/**
 * The datasets the dev page offers: manifests (the format in docs/guide.md) under
 * public/datasets/<name>/ (MNIST and shapes twice: packed in shards under
 * shards/, and one file per image; bad images mixed with good ones), a custom
 * dataset module whose samples are slow or fail (examples/), and the user's
 * own folder (folder-source.svelte.ts). Add an entry here to offer another.
 */
import { CustomDataset, ImageDataset, OptionError, type DataLoaderOptions } from '../loader/index.ts';
import { appUrl } from './app-url.ts';
import type { ErrorProneArgs } from '../../examples/error-prone-dataset.ts';

interface EntryBase {
  id: string;
  label: string;
  /** One line for the controls panel. */
  description: string;
}

export interface ManifestEntry extends EntryBase {
  kind: 'manifest';
  /** Path of manifest.json from the app's root (appUrl resolves it for the page). */
  manifest: string;
  split: string;
}

/** The folder the user picks or drops in the folder panel. */
export interface FolderEntry extends EntryBase {
  kind: 'folder';
}

/** A dataset module run in the workers (CustomDataset): it makes its samples, no files. */
export interface CustomEntry extends EntryBase {
  kind: 'custom';
  /** A new CustomDataset; its `worker` and `module` are written out here so the bundler sees the module. */
  open: () => CustomDataset;
}

/** A manifest by URL, typed in the dataset settings (`manifestUrl`): loader-only, split 'train'. */
export interface UrlEntry extends EntryBase {
  kind: 'url';
}

export type DatasetEntry = ManifestEntry | CustomEntry | UrlEntry | FolderEntry;

export const FOLDER_ID = 'folder';
export const URL_ID = 'url';

/** A dataset ready to load, and the loader options it needs beyond the settings (a folder's output size). */
export interface OpenedDataset {
  dataset: ImageDataset | CustomDataset;
  options?: DataLoaderOptions;
}

/** An opened dataset of images (a manifest or a folder): what a view that draws images takes. */
export interface OpenedImages extends OpenedDataset {
  dataset: ImageDataset;
}

/** A dataset of another kind than the code opening it can show (a custom module where images are drawn). */
export class DatasetKindError extends Error {
  override name = 'DatasetKindError';
  constructor(
    readonly datasetId: string,
    readonly kind: string,
    readonly wanted: string,
  ) {
    super(`the dataset "${datasetId}" is a ${kind} dataset; this view needs ${wanted}`);
  }
}

/** `opened` if it holds images, else a DatasetKindError naming it. */
export function imagesOnly(opened: OpenedDataset): OpenedImages {
  const { dataset } = opened;
  if (dataset instanceof ImageDataset) return { ...opened, dataset };
  throw new DatasetKindError(dataset.name, dataset.kind, 'images (a manifest or a folder)');
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

/**
 * The error-prone example (examples/error-prone-dataset.ts): 1,000 samples of
 * 10 floats, every 10th one slow (100 to 300 ms, what timeoutMs can cut) and
 * every 100th throwing an IOError. Its args are the playground's: the
 * example's own 2-second reads would stall a demo.
 */
export const ERROR_PRONE_ARGS: ErrorProneArgs = { sleepMs: 200, slowEvery: 10 };

const ERROR_PRONE: CustomEntry = {
  kind: 'custom',
  id: 'error-prone',
  label: 'slow and failing samples',
  description: 'a custom dataset module: 1,000 samples of 10 floats, every 10th slow (100 to 300 ms), every 100th throws an IOError',
  open: () =>
    CustomDataset.fromModule({
      name: 'error-prone',
      length: 1000,
      sample: { shape: [10], dtype: 'float32' },
      args: ERROR_PRONE_ARGS,
      worker: () => new Worker(new URL('../../examples/error-prone-dataset.ts', import.meta.url), { type: 'module' }),
      module: () => import('../../examples/error-prone-dataset.ts'),
    }) as CustomDataset,
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
  {
    kind: 'manifest',
    id: 'bad-images',
    label: 'bad images',
    manifest: '/datasets/broken/manifest.json',
    split: 'train',
    description: "28 good 12×10 PNGs mixed with a 404, HTML saved as .png, truncated files, decompression bombs and invalid manifest items: try 'skip'",
  },
  ERROR_PRONE,
  ...(import.meta.env.DEV ? [BROKEN] : []),
  {
    kind: 'url',
    id: URL_ID,
    label: 'a manifest URL',
    description: "any manifest.json by URL, one file per image or packed in shards (its 'train' split); another origin must allow this page (CORS, and CORP on an isolated page)",
  },
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
    loading = ImageDataset.fromManifest(appUrl(entry.manifest), entry.split);
    loading.catch(() => cache.delete(id));
    cache.set(id, loading);
  }
  return loading;
}

/** Opens the 'train' split of the manifest at `url`, or says what to do when there is none yet. */
export async function openManifestUrl(url: string): Promise<OpenedDataset> {
  if (!url.trim()) throw new OptionError('no manifest URL yet: type one under the dataset (a manifest.json, one file per image or packed in shards)');
  return { dataset: await ImageDataset.fromManifest(url.trim(), 'train') };
}

/** Opens a bundled dataset by id (a manifest or a custom module); the dev page wraps this to add the folder. */
export async function openBundled(id: string): Promise<OpenedDataset> {
  const entry = datasetEntry(id);
  if (entry.kind === 'custom') return { dataset: entry.open() };
  return { dataset: await loadDataset(id) };
}
