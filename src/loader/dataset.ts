/**
 * ImageDataset: PyTorch's map-style Dataset for images. It holds sources and
 * labels only; pixels are made by the loader's workers.
 */
import { OptionError } from './errors.ts';
import { ManifestError, checkManifest } from './sources/manifest.ts';
import { loadShardSplit, type ShardLayout } from './sources/shard-dataset.ts';
import { isShardSplit } from './sources/shard-manifest.ts';

/** A URL (absolute, or relative to the page) or a Blob/File. */
export type ImageSource = string | Blob;

export interface DatasetItem {
  src: ImageSource;
  label: number;
}

/** The image shape a dataset declares; the loader's default output shape. */
export interface DeclaredShape {
  width?: number;
  height?: number;
  channels?: 1 | 3 | 4;
}

/** `url` resolved against the page (or worker) that runs this; unchanged where there is none (Node). */
function absoluteUrl(url: string): string {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** A manifest item that cannot be a sample, kept so that the loader accounts for it. */
export interface InvalidItem {
  /** Its index in the dataset (its position in the split). */
  index: number;
  /** What is wrong, naming the item: 'label outside classes', 'no "src"', a repeated "src". */
  problem: string;
}

export interface FromManifestOptions {
  /**
   * false (default): an invalid item (label outside `classes`, no "src", a
   * repeated "src") stays in the dataset as a sample that fails with reason
   * 'manifest', so the loader's `onError` decides: 'skip' lists it in
   * `stats().skipped`, 'raise' throws at its batch. true: the first invalid
   * item refuses the whole manifest with a ManifestError.
   */
  strict?: boolean;
}

export class ImageDataset {
  readonly #sources: ImageSource[];
  readonly #labels: Int32Array;
  readonly #invalid: ReadonlyMap<number, string>; // index -> problem, for items kept though invalid
  /**
   * Set when the samples are packed in shards (a manifest's shard form):
   * where each lies. Then source(i) is the name "<shard url>#<key>", and the
   * loader reads the sample from its shard, never that name as a URL.
   */
  readonly shards: ShardLayout | null;

  private constructor(
    items: readonly DatasetItem[],
    readonly classes: readonly string[],
    readonly shape: DeclaredShape,
    readonly name: string,
    invalid: ReadonlyMap<number, string> = new Map(),
    shards: ShardLayout | null = null,
  ) {
    this.#sources = items.map((item) => item.src);
    this.#labels = Int32Array.from(items, (item) => item.label);
    this.#invalid = invalid;
    this.shards = shards;
  }

  /** Manifest items that cannot load (see FromManifestOptions.strict), in index order. */
  get invalidItems(): InvalidItem[] {
    return [...this.#invalid].map(([index, problem]) => ({ index, problem }));
  }

  /** Why sample i cannot load, if its manifest item is invalid; else null. */
  problem(i: number): string | null {
    this.#check(i);
    return this.#invalid.get(i) ?? null;
  }

  /** Number of samples (PyTorch's len(dataset)). */
  get length(): number {
    return this.#sources.length;
  }

  /** Sample i's source: a URL, a Blob/File, or for a shard dataset "<shard url>#<key>". */
  source(i: number): ImageSource {
    this.#check(i);
    return this.#sources[i];
  }

  label(i: number): number {
    this.#check(i);
    return this.#labels[i];
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`\`ImageDataset\`: index ${i} is out of range for a dataset of ${this.length} samples`);
    }
  }

  /**
   * An in-memory dataset. `src` is a URL or a Blob/File; labels index `classes`.
   * `shape` declares the images' size, used when the loader is given none.
   */
  static fromItems(
    items: readonly DatasetItem[],
    classes: readonly string[],
    shape: DeclaredShape = {},
    name = 'items',
  ): ImageDataset {
    items.forEach((item, i) => {
      const ok = typeof item.src === 'string' ? item.src !== '' : typeof Blob !== 'undefined' && item.src instanceof Blob;
      if (!ok) throw new OptionError(`\`ImageDataset.fromItems\`: item ${i} has no usable "src" (a URL string or a Blob/File)`);
      if (!Number.isInteger(item.label) || item.label < 0 || item.label >= classes.length) {
        throw new OptionError(
          `\`ImageDataset.fromItems\`: item ${i} has label ${item.label}, outside the ${classes.length} classes`,
        );
      }
    });
    // A worker resolves a relative URL against its own script's URL, not the
    // page's: resolve here, on the thread that knows the page.
    const resolved = items.map((item) => (typeof item.src === 'string' ? { ...item, src: absoluteUrl(item.src) } : item));
    return new ImageDataset(resolved, classes, shape, name);
  }

  /**
   * Loads `manifest.json` (the format in docs/guide.md) and takes one split. Each
   * item's `src` is resolved against the manifest's own URL, so a manifest
   * works from any folder or origin. A split in shard form (samples packed
   * in tar shards) loads too; without an index in the manifest, each shard
   * is fetched once here to read its tar headers.
   */
  static async fromManifest(url: string | URL, split = 'train', options: FromManifestOptions = {}): Promise<ImageDataset> {
    const absolute = absoluteUrl(String(url));
    let response: Response;
    try {
      response = await fetch(absolute);
    } catch (cause) {
      throw new ManifestError(absolute, `the fetch failed (offline, or refused by CORS?): ${String(cause)}`, cause);
    }
    if (!response.ok) throw new ManifestError(absolute, `the server answered ${response.status} ${response.statusText}`);
    let json: unknown;
    try {
      json = await response.json();
    } catch (cause) {
      throw new ManifestError(absolute, `the response is not valid JSON: ${String(cause)}`, cause);
    }
    const { manifest, problems } = checkManifest(json, absolute);
    const items = manifest.splits[split];
    if (!items) {
      const known = Object.keys(manifest.splits).join(', ') || 'none';
      throw new ManifestError(absolute, `it has no split "${split}" (splits: ${known})`);
    }
    const invalid = new Map(problems.filter((p) => p.split === split).map((p) => [p.index, p.problem]));
    if (options.strict && invalid.size > 0) throw new ManifestError(absolute, invalid.values().next().value!);
    const { width, height, channels } = manifest;
    const name = `${manifest.name}/${split}`;
    if (isShardSplit(items)) {
      const loaded = await loadShardSplit(items, absolute, manifest.classes.length, invalid);
      if (options.strict && loaded.invalid.size > 0) throw new ManifestError(absolute, loaded.invalid.values().next().value!);
      return new ImageDataset(loaded.items, manifest.classes, { width, height, channels }, name, loaded.invalid, loaded.layout);
    }
    const resolved = items.map((item, i) => {
      if (!invalid.has(i)) return { src: new URL(item.src, absolute).href, label: item.label };
      // Kept so the loader can account for it: the source names the item when it has no usable "src".
      const { src, label } = (typeof item === 'object' && item !== null ? item : {}) as Partial<Record<string, unknown>>;
      const source = typeof src === 'string' && src !== '' ? new URL(src, absolute).href : `${absolute}#splits.${split}[${i}]`;
      return { src: source, label: Number.isInteger(label) ? (label as number) : -1 };
    });
    return new ImageDataset(resolved, manifest.classes, { width, height, channels }, name, invalid);
  }
}

