/**
 * The user's own folder of images for the dev page: picked with
 * `<input type="file" webkitdirectory>` or dropped, scanned with the library's
 * ImageFolder rules, and offered as the "your folder" dataset.
 *
 * Nothing here reads a file's bytes: the Files go to the loader's workers,
 * which decode them. Images vary in size, so the dataset declares none and
 * the panel's `size` (a square, default 64) and `fit` (default 'cover':
 * torchvision's Resize + CenterCrop) pick the loader's output. Files named
 * like images that do not decode are skipped by the loader (`onError:
 * 'skip'`) and listed from its stats.
 */
import {
  ImageFolder,
  listDrop,
  listFileList,
  type DataLoaderOptions,
  type Fit,
  type FolderListing,
  type SampleFailure,
} from '../loader/index.ts';
import { FOLDER_ID, type OpenedDataset } from './datasets.ts';
import type { LoaderSettings } from './settings.svelte.ts';

export type FolderStatus = 'none' | 'listing' | 'ready' | 'error';

export const DEFAULT_FOLDER_SIZE = 64;

/** A sample of the folder that the loader skipped, by its path in the folder. */
export interface LoadFailure {
  path: string;
  reason: SampleFailure['reason'];
  detail: string;
}

export class FolderSource {
  status = $state<FolderStatus>('none');
  /** The latest scan; null before the first pick. A drop being listed keeps the previous one. */
  folder = $state.raw<ImageFolder | null>(null);
  error = $state<string | null>(null);
  /** Output width and height of every image, in pixels. */
  size = $state(DEFAULT_FOLDER_SIZE);
  fit = $state<Fit>('cover');

  #picks = 0; // bumped by every pick or drop; only the latest one's listing is accepted
  #accepted = $state(0); // bumped when a listing becomes `folder`

  /** Changes when a running loader on the folder must restart: a new folder, size or fit. */
  readonly restartKey = $derived(JSON.stringify([this.#accepted, this.size, this.fit]));

  constructor(readonly settings: LoaderSettings) {}

  /** From the file input's `change`. */
  pick(files: FileList | null): void {
    if (!files || files.length === 0) return;
    this.#accept(++this.#picks, listFileList(files));
  }

  /** From a `drop` event: takes the entries synchronously, then walks them. */
  async drop(dataTransfer: DataTransfer | null): Promise<void> {
    if (!dataTransfer) return;
    const pick = ++this.#picks;
    const listing = listDrop(dataTransfer);
    this.status = 'listing';
    this.error = null;
    try {
      this.#accept(pick, await listing);
    } catch (error) {
      if (pick !== this.#picks) return;
      this.status = 'error';
      this.error = `could not read the dropped folder: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** The loader options the folder needs: an output size, and skipping what will not decode. */
  loaderOptions(): DataLoaderOptions {
    return { image: { width: this.size, height: this.size, channels: 3, fit: this.fit }, onError: 'skip' };
  }

  /** For the session: the folder's dataset, or an error that says what to do. */
  async open(): Promise<OpenedDataset> {
    const folder = this.folder;
    if (!folder) throw new Error('no folder yet: pick or drop a folder of images in the "Your folder" panel');
    if (folder.dataset.length === 0) throw new Error(`"${folder.root}" has no usable images: see its skipped files`);
    return { dataset: folder.dataset, options: this.loaderOptions() };
  }

  /** Files the loader skipped in `failures` (say, a .png that is not one), by path. */
  loadFailures(failures: readonly SampleFailure[]): LoadFailure[] {
    const paths = this.folder?.paths ?? [];
    return failures.map((f) => ({ path: paths[f.index] ?? f.source, reason: f.reason, detail: f.error.message }));
  }

  #accept(pick: number, listing: FolderListing): void {
    if (pick !== this.#picks) return; // a newer pick or drop came in meanwhile
    const folder = ImageFolder.fromListing(listing, { name: listing.root || 'dropped items' });
    this.folder = folder;
    this.#accepted++;
    this.error = null;
    this.status = 'ready';
    // The folder becomes the active dataset once it holds something to load.
    if (folder.dataset.length > 0) this.settings.dataset = FOLDER_ID;
  }
}
