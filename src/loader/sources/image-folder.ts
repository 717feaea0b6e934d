/**
 * ImageFolder: torchvision's `datasets.ImageFolder` for a folder the user
 * picked or dropped. Each image's class is the folder it sits in, directly
 * under the root:
 *
 *   root/cat/001.png          -> class "cat"
 *   root/cat/kittens/007.jpg  -> class "cat": deeper folders belong to their top-level folder
 *   root/dog/a.webp           -> class "dog"
 *   root/notes.txt            -> skipped: not inside a class folder
 *
 * The rules, decided from names and sizes only (no byte of any file is read
 * here; the loader's workers read and decode the Files):
 * - Classes are the top-level folders holding at least one usable image,
 *   sorted by code point as Python's `sorted()` does; a class's index is its
 *   position, as in torchvision's `class_to_idx`.
 * - Within a class, images come in torchvision's walk order: folder by folder
 *   (sorted paths), then sorted file names within each folder.
 * - An image is a file whose extension (any case) is one Chromium decodes in a
 *   worker: IMAGE_EXTENSIONS. Others are skipped: 'unsupported' for images the
 *   browser cannot decode (TIFF, SVG, HEIC...), 'not-image' for the rest.
 * - Hidden entries (a path segment starting with "."): .DS_Store, macOS's
 *   "._x.png", .git/. Skipped; a hidden folder once, with its file count.
 * - A 0-byte file is skipped as 'empty-file'; a file the browser could not
 *   open while listing a drop, as 'unreadable'.
 * - A top-level folder with no usable image is an empty class: it gets no
 *   class index and is reported ('empty-class'). torchvision raises here
 *   unless allow_empty=True, which keeps an index that no sample uses; we
 *   report and go on, and keep the label space to classes that occur.
 * - A file named like an image whose bytes are not one is found only when a
 *   worker decodes it: the loader's `onError` decides ('skip' lists it in
 *   `loader.stats().skipped` with reason 'decode'; `paths[index]` names it).
 */
import { ImageDataset, type DeclaredShape } from '../dataset.ts';
import { listFileList, pathSegments, type FolderFile, type FolderListing } from './folder-listing.ts';

/** Extensions of the formats Chromium's createImageBitmap decodes in a worker. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  'png', 'apng', 'jpg', 'jpeg', 'jpe', 'jfif', 'pjpeg', 'pjp', 'gif', 'webp', 'avif', 'bmp', 'ico',
];
/** Image formats a browser cannot decode in a worker (torchvision reads some of them). */
const UNSUPPORTED_IMAGES = ['tif', 'tiff', 'svg', 'svgz', 'heic', 'heif', 'jxl', 'ppm', 'pgm', 'pbm', 'pnm', 'psd'];

export type FolderSkipReason = 'hidden' | 'no-class' | 'not-image' | 'unsupported' | 'empty-file' | 'unreadable' | 'empty-class';

export interface SkippedEntry {
  /** Relative to the root; a folder's path ends with "/". */
  path: string;
  reason: FolderSkipReason;
  /** The reason in words, for a person. */
  detail: string;
}

export interface ImageFolderOptions {
  /** The shape the dataset declares (the loader's default output). Default: none, since images vary. */
  shape?: DeclaredShape;
  /** The dataset's name. Default: the root's name. */
  name?: string;
}

/** A listing in the short form: files alone are enough. */
export type FolderInput = Pick<FolderListing, 'files'> & Partial<FolderListing>;

export class ImageFolder {
  /** Samples: Files as sources, labels indexing `classes`. */
  readonly dataset: ImageDataset;
  readonly classes: readonly string[];
  /** counts[c]: images of classes[c]; their sum is dataset.length. */
  readonly counts: readonly number[];
  /** paths[i]: where sample i came from, relative to the root. */
  readonly paths: readonly string[];
  /** Top-level folders without a usable image; they have no class index. */
  readonly emptyClasses: readonly string[];
  /** Everything not taken, sorted by path, each with its reason. */
  readonly skipped: readonly SkippedEntry[];

  private constructor(
    readonly root: string,
    scan: Scan,
    options: ImageFolderOptions,
  ) {
    const samples = orderSamples(scan.images);
    this.classes = [...scan.images.keys()].sort(byCodePoint);
    this.counts = this.classes.map((c) => scan.images.get(c)!.length);
    this.emptyClasses = [...scan.folders].filter((f) => !scan.images.has(f)).sort(byCodePoint);
    this.skipped = [...scan.skipped, ...this.emptyClasses.map((c) => emptyClass(c, scan.skippedIn.get(c) ?? 0))].sort(
      (a, b) => byCodePoint(a.path, b.path),
    );
    this.paths = samples.map((s) => s.path);
    const index = new Map(this.classes.map((c, i) => [c, i]));
    const items = samples.map((s) => ({ src: s.file, label: index.get(s.cls)! }));
    this.dataset = ImageDataset.fromItems(items, this.classes, options.shape ?? {}, options.name ?? (root || 'folder'));
  }

  /** Applies the ImageFolder rules (above) to a listing from folder-listing.ts, or to `{ files }`. */
  static fromListing(listing: FolderInput, options: ImageFolderOptions = {}): ImageFolder {
    return new ImageFolder(listing.root ?? '', new Scan(listing), options);
  }

  /** From an `<input type="file" webkitdirectory>`'s files. */
  static fromFileList(files: ArrayLike<File>, options: ImageFolderOptions = {}): ImageFolder {
    return ImageFolder.fromListing(listFileList(files), options);
  }
}

/** What one pass over a listing found; ImageFolder orders and reports it. */
class Scan {
  /** Class folder -> its usable images. */
  readonly images = new Map<string, FolderFile[]>();
  /** Every visible top-level folder: the candidate classes. */
  readonly folders = new Set<string>();
  readonly skipped: SkippedEntry[] = [];
  /** Class folder -> files skipped in it, to say why a class came out empty. */
  readonly skippedIn = new Map<string, number>();
  /** Hidden folder path ("a/.git/") -> files inside it that were listed. */
  readonly #hiddenFolders = new Map<string, number>();

  constructor(listing: FolderInput) {
    for (const dir of listing.directories ?? []) this.#directory(pathSegments(dir));
    for (const { path, file } of listing.files) this.#file(pathSegments(path), file);
    for (const { path, error } of listing.unreadable ?? []) {
      this.#skip(pathSegments(path), { path, reason: 'unreadable', detail: `the browser could not open it: ${error}` });
    }
    for (const [path, count] of this.#hiddenFolders) {
      const detail = count > 0 ? `a hidden folder: its ${count} file${count === 1 ? ' was' : 's were'} not read` : 'a hidden folder: not read';
      this.skipped.push({ path, reason: 'hidden', detail });
    }
  }

  #directory(parts: string[]): void {
    const hidden = parts.findIndex(isHidden);
    if (hidden !== 0 && parts.length > 0) this.folders.add(parts[0]);
    if (hidden >= 0) {
      const key = folderPath(parts, hidden);
      this.#hiddenFolders.set(key, this.#hiddenFolders.get(key) ?? 0);
    }
  }

  #file(parts: string[], file: File): void {
    const hidden = parts.findIndex(isHidden);
    if (hidden !== 0 && parts.length >= 2) this.folders.add(parts[0]);
    if (hidden >= 0 && hidden < parts.length - 1) {
      // Inside a hidden folder: counted there, reported once for the folder.
      const key = folderPath(parts, hidden);
      this.#hiddenFolders.set(key, (this.#hiddenFolders.get(key) ?? 0) + 1);
      if (hidden > 0) this.skippedIn.set(parts[0], (this.skippedIn.get(parts[0]) ?? 0) + 1);
      return;
    }
    const why = hidden >= 0 ? entry(parts, 'hidden', 'a hidden file (its name starts with ".")') : judge(parts, file);
    if (why) return this.#skip(parts, why);
    const list = this.images.get(parts[0]) ?? [];
    list.push({ path: parts.join('/'), file });
    this.images.set(parts[0], list);
  }

  #skip(parts: string[], skipped: SkippedEntry): void {
    this.skipped.push(skipped);
    if (parts.length >= 2) this.skippedIn.set(parts[0], (this.skippedIn.get(parts[0]) ?? 0) + 1);
  }
}

/** Why a visible file is not a sample, or null if it is one. */
function judge(parts: string[], file: File): SkippedEntry | null {
  if (parts.length < 2) {
    return entry(parts, 'no-class', 'not inside a class folder: each image\u2019s class is the folder it sits in under the root');
  }
  const name = parts[parts.length - 1];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (UNSUPPORTED_IMAGES.includes(ext)) {
    return entry(parts, 'unsupported', `.${ext} images cannot be decoded by the browser in a worker`);
  }
  if (!IMAGE_EXTENSIONS.includes(ext)) {
    return entry(parts, 'not-image', ext ? `.${ext} is not an image type` : 'no file extension, so not an image');
  }
  if (file.size === 0) return entry(parts, 'empty-file', 'the file is empty (0 bytes)');
  return null;
}

function entry(parts: string[], reason: FolderSkipReason, detail: string): SkippedEntry {
  return { path: parts.join('/'), reason, detail };
}

function emptyClass(name: string, skippedFiles: number): SkippedEntry {
  const detail =
    skippedFiles > 0
      ? `no usable image among its ${skippedFiles} file${skippedFiles === 1 ? '' : 's'}, so no class index`
      : 'the folder holds no files, so no class index';
  return { path: `${name}/`, reason: 'empty-class', detail };
}

/** Samples in class order, each class in torchvision's walk order. */
function orderSamples(images: Map<string, FolderFile[]>): Array<FolderFile & { cls: string }> {
  return [...images.keys()].sort(byCodePoint).flatMap((cls) =>
    images
      .get(cls)!
      .map((f) => ({ ...f, cls, dir: f.path.slice(0, f.path.lastIndexOf('/')), name: f.path.slice(f.path.lastIndexOf('/') + 1) }))
      .sort((a, b) => byCodePoint(a.dir, b.dir) || byCodePoint(a.name, b.name))
      .map(({ path, file }) => ({ path, file, cls })),
  );
}

const isHidden = (segment: string) => segment.startsWith('.');
const folderPath = (parts: string[], last: number) => `${parts.slice(0, last + 1).join('/')}/`;

/**
 * Python's string order (by code point). JS's `<` compares UTF-16 code units,
 * which puts characters past U+FFFF (surrogate pairs, 0xD800-0xDFFF) before
 * U+E000-U+FFFF; shifting the units as below restores code-point order.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
