/** ImageFolder (src/loader/image-folder.ts): the rules that turn a picked folder into classes and samples. */
import { describe, expect, it } from 'vitest';
import { ImageFolder, byCodePoint } from '../../src/loader/sources/image-folder.ts';
import { listFileList } from '../../src/loader/sources/folder-listing.ts';
import { below, prng } from './support/random.ts';

/** A File of `size` bytes (the scan reads sizes, never bytes). */
const file = (name: string, size = 3) => new File([new Uint8Array(size)], name);
/** `{ path, file }` entries for the given paths; a path ending in "#0" is a 0-byte file. */
const files = (...paths: string[]) =>
  paths.map((p) => (p.endsWith('#0') ? { path: p.slice(0, -2), file: file(p, 0) } : { path: p, file: file(p) }));
const skips = (folder: ImageFolder) => folder.skipped.map((s) => [s.path, s.reason]);

describe('ImageFolder.fromListing', () => {
  it('takes classes from the top-level folders, sorted, and counts their images', () => {
    const folder = ImageFolder.fromListing({
      root: 'pets',
      files: files('dog/b.png', 'cat/2.jpg', 'dog/a.JPEG', 'bird/x.webp', 'cat/1.gif', 'Zebra/z.avif'),
    });
    // Code-point order: upper case sorts before lower case, as Python's sorted() does.
    expect(folder.classes).toEqual(['Zebra', 'bird', 'cat', 'dog']);
    expect(folder.counts).toEqual([1, 1, 2, 2]);
    expect(folder.dataset.length).toBe(6);
    expect(folder.dataset.classes).toEqual(folder.classes);
    expect(folder.dataset.name).toBe('pets');
    expect(folder.skipped).toEqual([]);
  });

  it('orders samples by class, then in torchvision walk order, and labels each with its class index', () => {
    const folder = ImageFolder.fromListing({
      files: files('b/z.png', 'b/sub/a.png', 'a/2.png', 'b/a.png', 'a/10.png', 'b/a-b/c.png'),
    });
    // Files of a folder before its subfolders' ("b" < "b/a-b" < "b/sub"); names sorted as strings ("10" < "2").
    expect(folder.paths).toEqual(['a/10.png', 'a/2.png', 'b/a.png', 'b/z.png', 'b/a-b/c.png', 'b/sub/a.png']);
    const labels = Array.from({ length: folder.dataset.length }, (_, i) => folder.dataset.label(i));
    expect(labels).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('keeps the File objects themselves as sources', () => {
    const entries = files('cat/1.png', 'dog/1.png');
    const folder = ImageFolder.fromListing({ files: entries });
    expect(folder.dataset.source(0)).toBe(entries[0].file);
    expect(folder.dataset.source(1)).toBe(entries[1].file);
  });

  it('counts images in deeper folders toward their top-level folder', () => {
    const folder = ImageFolder.fromListing({ files: files('cat/indoor/a.png', 'cat/outdoor/night/b.png', 'cat/c.png') });
    expect(folder.classes).toEqual(['cat']);
    expect(folder.counts).toEqual([3]);
  });

  it('skips files at the root, non-images, unsupported images and empty files, each with its reason', () => {
    const folder = ImageFolder.fromListing({
      files: files('readme.md', 'cover.png', 'cat/1.png', 'cat/notes.txt', 'cat/LICENSE', 'cat/scan.TIFF', 'cat/logo.svg', 'cat/blank.png#0'),
    });
    expect(folder.counts).toEqual([1]);
    expect(skips(folder)).toEqual([
      ['cat/LICENSE', 'not-image'],
      ['cat/blank.png', 'empty-file'],
      ['cat/logo.svg', 'unsupported'],
      ['cat/notes.txt', 'not-image'],
      ['cat/scan.TIFF', 'unsupported'],
      ['cover.png', 'no-class'],
      ['readme.md', 'no-class'],
    ]);
    const detail = (path: string) => folder.skipped.find((s) => s.path === path)!.detail;
    expect(detail('cat/notes.txt')).toBe('.txt is not an image type');
    expect(detail('cat/LICENSE')).toBe('no file extension, so not an image');
    expect(detail('cat/scan.TIFF')).toBe('.tiff images cannot be decoded by the browser in a worker');
    expect(detail('cat/blank.png')).toBe('the file is empty (0 bytes)');
    expect(detail('cover.png')).toMatch(/^not inside a class folder/);
  });

  it('skips hidden files, and a hidden folder once with the number of files in it', () => {
    const folder = ImageFolder.fromListing({
      files: files('.DS_Store', 'cat/.DS_Store', 'cat/._1.png', 'cat/1.png', '.git/HEAD', '.git/objects/ab', 'cat/.thumbs/1.png'),
    });
    expect(folder.classes).toEqual(['cat']);
    expect(folder.counts).toEqual([1]);
    expect(folder.skipped).toEqual([
      { path: '.DS_Store', reason: 'hidden', detail: 'a hidden file (its name starts with ".")' },
      { path: '.git/', reason: 'hidden', detail: 'a hidden folder: its 2 files were not read' },
      { path: 'cat/.DS_Store', reason: 'hidden', detail: 'a hidden file (its name starts with ".")' },
      { path: 'cat/._1.png', reason: 'hidden', detail: 'a hidden file (its name starts with ".")' },
      { path: 'cat/.thumbs/', reason: 'hidden', detail: 'a hidden folder: its 1 file was not read' },
    ]);
  });

  it('reports a class folder without usable images as an empty class, with no class index', () => {
    const folder = ImageFolder.fromListing({
      files: files('cat/1.png', 'dog/notes.txt', 'dog/.DS_Store', 'eel/1.png'),
      directories: ['cat', 'dog', 'fish', 'eel', 'eel/old'],
    });
    expect(folder.classes).toEqual(['cat', 'eel']);
    expect(folder.emptyClasses).toEqual(['dog', 'fish']);
    expect(folder.dataset.label(1)).toBe(1); // eel is index 1: empty classes take no index
    expect(folder.skipped.filter((s) => s.reason === 'empty-class')).toEqual([
      { path: 'dog/', reason: 'empty-class', detail: 'no usable image among its 2 files, so no class index' },
      { path: 'fish/', reason: 'empty-class', detail: 'the folder holds no files, so no class index' },
    ]);
  });

  it('reports files the browser could not open while listing as unreadable', () => {
    const folder = ImageFolder.fromListing({
      files: files('cat/1.png'),
      unreadable: [{ path: 'cat/2.png', error: 'NotReadableError: gone' }, { path: 'dog/1.png', error: 'NotFoundError' }],
      directories: ['cat', 'dog'],
    });
    expect(skips(folder)).toEqual([
      ['cat/2.png', 'unreadable'],
      ['dog/', 'empty-class'],
      ['dog/1.png', 'unreadable'],
    ]);
    expect(folder.skipped[0].detail).toBe('the browser could not open it: NotReadableError: gone');
    expect(folder.skipped[1].detail).toBe('no usable image among its 1 file, so no class index');
  });

  it('declares no image shape unless asked to, and takes a name', () => {
    expect(ImageFolder.fromListing({ files: files('a/1.png') }).dataset.shape).toEqual({});
    const sized = ImageFolder.fromListing({ files: files('a/1.png') }, { shape: { width: 64, height: 64, channels: 3 }, name: 'mine' });
    expect(sized.dataset.shape).toEqual({ width: 64, height: 64, channels: 3 });
    expect(sized.dataset.name).toBe('mine');
    expect(ImageFolder.fromListing({ files: files('a/1.png') }).dataset.name).toBe('folder');
  });

  it('gives an empty dataset with no classes for a folder without images', () => {
    const folder = ImageFolder.fromListing({ files: files('notes.txt', 'a/b.txt') });
    expect(folder.dataset.length).toBe(0);
    expect(folder.classes).toEqual([]);
    expect(folder.emptyClasses).toEqual(['a']);
  });
});

describe('ImageFolder.fromFileList (webkitdirectory)', () => {
  /** A File as an `<input webkitdirectory>` gives it: webkitRelativePath starts with the root's name. */
  const picked = (relative: string, size = 3) => {
    const f = file(relative.split('/').pop()!, size);
    Object.defineProperty(f, 'webkitRelativePath', { value: relative });
    return f;
  };

  it("strips the picked folder's name and applies the same rules", () => {
    const list = [picked('shots/dog/1.png'), picked('shots/cat/2.png'), picked('shots/cat/notes.txt'), picked('shots/x.png')];
    const folder = ImageFolder.fromFileList(list);
    expect(folder.root).toBe('shots');
    expect(folder.classes).toEqual(['cat', 'dog']);
    expect(folder.paths).toEqual(['cat/2.png', 'dog/1.png']);
    expect(folder.dataset.source(0)).toBe(list[1]);
    expect(skips(folder)).toEqual([
      ['cat/notes.txt', 'not-image'],
      ['x.png', 'no-class'],
    ]);
  });

  it('lists files without a relative path (a plain multi-file input) at the root', () => {
    const listing = listFileList([file('a.png'), file('b.png')]);
    expect(listing).toMatchObject({ root: '', directories: [], unreadable: [] });
    expect(listing.files.map((f) => f.path)).toEqual(['a.png', 'b.png']);
    expect(ImageFolder.fromListing(listing).skipped.map((s) => s.reason)).toEqual(['no-class', 'no-class']);
  });
});

describe('byCodePoint', () => {
  it("orders as Python's sorted() does, also past U+FFFF where UTF-16 order differs", () => {
    const names = ['b', 'B', '\u{1F600}', '\uFF21', 'a', 'ab', ''];
    expect([...names].sort(byCodePoint)).toEqual(['', 'B', 'a', 'ab', 'b', '\uFF21', '\u{1F600}']);
    // JS's default order puts the emoji (a surrogate pair, 0xD83D...) before U+FF21.
    expect([...names].sort().slice(-2)).toEqual(['\u{1F600}', '\uFF21']);
  });

  it('agrees with comparing code point arrays on 2,000 random pairs mixing ASCII, BMP and astral characters', () => {
    const random = prng(11);
    const pool = [0x41, 0x61, 0x7a, 0xe9, 0x4e2d, 0xd7ff, 0xe000, 0xff21, 0xfffd, 0x10000, 0x1f600, 0x1f601, 0x10ffff];
    const text = () => String.fromCodePoint(...Array.from({ length: below(random, 4) }, () => pool[below(random, pool.length)]));
    const reference = (a: string, b: string) => {
      const [x, y] = [Array.from(a, (c) => c.codePointAt(0)!), Array.from(b, (c) => c.codePointAt(0)!)];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i] - y[i]);
      return Math.sign(x.length - y.length);
    };
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [text(), text()];
      expect(Math.sign(byCodePoint(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(reference(a, b));
    }
  });
});
