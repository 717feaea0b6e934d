/**
 * Keys of the decoded-sample cache (see sample-cache.ts). A cached sample is
 * found by two parts:
 *
 * - the pixel fingerprint: everything besides the source that decides the
 *   bytes a loader delivers (size, fit, channels, dtype, normalization, the
 *   decoder, the stored format, and `maxPixels`, which decides which images
 *   decode at all), so a changed option never meets pixels made under another;
 * - the source key: which image, without reading it where that is cheap
 *   (a URL, a File's name, size and date), by a hash of its bytes where not.
 *
 * Pure functions over plain values (WebCrypto for hashes): Node tests them.
 */
import type { ImageSource } from '../dataset.ts';
import type { ResolvedOptions } from '../options.ts';

/** What one cache entry holds; bump when that changes: 1 = the loader's channels, uint8, at the target size (sample-pack.ts). */
export const CACHE_FORMAT = 1;

/** URLs longer than this (data: URLs) are keyed by their SHA-256 instead. */
export const MAX_URL_KEY = 2048;

export type PixelOptions = Pick<ResolvedOptions, 'image' | 'dtype' | 'mean' | 'std' | 'maxPixels'>;

/**
 * The options that change a sample's pixels, as one canonical string. The
 * stored bytes depend on size, fit, channels and decoder; dtype and
 * normalization are in the key too, though applied after the cache: the
 * contract is that any change to what a batch holds is a different key,
 * whatever the cache stores. `maxPixels` is in it because a lowered limit
 * must refuse an image it had decoded before, not serve it from the cache.
 * `readerTag` names the decoder (PixelReader.cacheTag).
 */
export function pixelFingerprint(options: PixelOptions, readerTag: string): string {
  const { width, height, channels, fit } = options.image;
  // JSON: unambiguous, readable in devtools, and numbers print exactly (0.1 stays "0.1").
  return JSON.stringify([`px/${CACHE_FORMAT}`, readerTag, width, height, fit, channels, options.dtype, options.mean, options.std, options.maxPixels]);
}

interface FileLike extends Blob {
  name: string;
  lastModified: number;
  webkitRelativePath?: string;
}

const isFile = (blob: Blob): blob is FileLike =>
  typeof (blob as Partial<FileLike>).name === 'string' && typeof (blob as Partial<FileLike>).lastModified === 'number';

/**
 * A key for one source, or null where none is sound:
 * - a URL is its own key; a `blob:` URL is not cached (it names a Blob that
 *   dies with its document, so its entry could never be hit again);
 * - a File: folder path, name, size, modification time and type, like a
 *   file-sync quick check; its bytes are not read;
 * - a Blob without a name: the SHA-256 of its bytes (reading them costs
 *   about a quarter of a small JPEG's decode; wrap a Blob in a named File for
 *   a key that costs nothing);
 * - where WebCrypto is missing (an insecure page), hashed keys are null.
 */
export async function sourceKey(source: ImageSource): Promise<string | null> {
  if (typeof source === 'string') {
    if (source.startsWith('blob:')) return null;
    if (source.length <= MAX_URL_KEY) return `url:${source}`;
    const hash = await sha256(new TextEncoder().encode(source));
    return hash && `url-sha256:${hash}`;
  }
  if (isFile(source)) {
    const path = source.webkitRelativePath || '';
    return `file:${JSON.stringify([path, source.name, source.size, source.lastModified, source.type])}`;
  }
  let key = blobKeys.get(source);
  if (!key) {
    key = source.arrayBuffer().then(async (bytes) => {
      const hash = await sha256(new Uint8Array(bytes));
      return hash && `blob-sha256:${hash}`;
    });
    blobKeys.set(source, key);
  }
  return key;
}

/**
 * Hashes of Blobs already seen on this thread. Reading a Blob is the costly
 * part (about 0.25 ms for 14 KB in Chromium, an IPC); the same Blob object
 * comes back every epoch on the main thread, while workers get a fresh clone
 * with every job and hash again.
 */
const blobKeys = new WeakMap<Blob, Promise<string | null>>();

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
