/**
 * Walking dropped entries (src/loader/folder-listing.ts) over objects shaped
 * like Chromium's FileSystemEntry family: readEntries hands children out in
 * chunks and ends with an empty array, file() calls back with a File.
 */
import { describe, expect, it } from 'vitest';
import { listDrop, listEntries, readAllEntries } from '../../src/loader/sources/folder-listing.ts';
import { ImageFolder } from '../../src/loader/sources/image-folder.ts';

type Tree = { [name: string]: Tree | File | Error };

/** The readEntries calls made, per directory path: proves the walker reads until the empty chunk. */
const reads = new Map<string, number>();

/** A fake entry over `node` at `fullPath`; directories answer readEntries `chunk` children at a time, asynchronously. */
function fakeEntry(name: string, node: Tree | File | Error, fullPath: string, chunk = 2): FileSystemEntry {
  const isDirectory = !(node instanceof File) && !(node instanceof Error);
  const base = { name, fullPath, isFile: !isDirectory, isDirectory };
  if (!isDirectory) {
    const file = (ok: (f: File) => void, fail?: (e: Error) => void) =>
      setTimeout(() => (node instanceof Error ? fail?.(node) : ok(node as File)));
    return { ...base, file } as unknown as FileSystemFileEntry;
  }
  const createReader = () => {
    const children = Object.entries(node as Tree).map(([n, child]) => fakeEntry(n, child, `${fullPath}/${n}`, chunk));
    let at = 0;
    return {
      readEntries(ok: (entries: FileSystemEntry[]) => void) {
        reads.set(fullPath, (reads.get(fullPath) ?? 0) + 1);
        setTimeout(() => ok(children.slice(at, (at += chunk))));
      },
    };
  };
  return { ...base, createReader } as unknown as FileSystemDirectoryEntry;
}

const png = (name: string) => new File([new Uint8Array(8)], name, { type: 'image/png' });
const paths = (listing: { files: { path: string }[] }) => listing.files.map((f) => f.path).sort();

describe('listEntries (a drop)', () => {
  it('reads a directory until readEntries returns an empty chunk', async () => {
    reads.clear();
    const tree: Tree = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${i}.png`, png(`${i}.png`)]));
    const entries = await readAllEntries(fakeEntry('cat', tree, '/cat', 2) as FileSystemDirectoryEntry);
    expect(entries.map((e) => e.name)).toEqual(['0.png', '1.png', '2.png', '3.png', '4.png']);
    expect(reads.get('/cat')).toBe(4); // 2 + 2 + 1, then the empty chunk
  });

  it("makes one dropped folder the root and lists every file and folder under it, empty ones too", async () => {
    const tree: Tree = {
      cat: { '1.png': png('1.png'), deep: { '2.png': png('2.png') } },
      dog: { 'a.png': png('a.png') },
      empty: {},
      'notes.txt': new File(['hi'], 'notes.txt'),
    };
    const listing = await listEntries([fakeEntry('pets', tree, '/pets')]);
    expect(listing.root).toBe('pets');
    expect(paths(listing)).toEqual(['cat/1.png', 'cat/deep/2.png', 'dog/a.png', 'notes.txt']);
    expect(listing.directories.sort()).toEqual(['cat', 'cat/deep', 'dog', 'empty']);
    expect(listing.files.find((f) => f.path === 'dog/a.png')!.file).toBe((tree.dog as Tree)['a.png']);

    const folder = ImageFolder.fromListing(listing);
    expect(folder.classes).toEqual(['cat', 'dog']);
    expect(folder.counts).toEqual([2, 1]);
    expect(folder.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['empty/', 'empty-class'],
      ['notes.txt', 'no-class'],
    ]);
  });

  it('puts several dropped items under an unnamed root, so dropped class folders become the classes', async () => {
    const listing = await listEntries([
      fakeEntry('cat', { '1.png': png('1.png') }, '/cat'),
      fakeEntry('dog', { '2.png': png('2.png') }, '/dog'),
      fakeEntry('loose.png', png('loose.png'), '/loose.png'),
    ]);
    expect(listing.root).toBe('');
    expect(paths(listing)).toEqual(['cat/1.png', 'dog/2.png', 'loose.png']);
    expect(ImageFolder.fromListing(listing).classes).toEqual(['cat', 'dog']);
  });

  it('does not walk into hidden folders, and lists files it cannot open as unreadable', async () => {
    reads.clear();
    const denied = Object.assign(new Error('gone'), { name: 'NotFoundError' });
    const tree: Tree = { '.git': { HEAD: new File(['x'], 'HEAD') }, cat: { '1.png': png('1.png'), '2.png': denied } };
    const listing = await listEntries([fakeEntry('root', tree, '/root')]);
    expect(reads.has('/root/.git')).toBe(false);
    expect(listing.directories.sort()).toEqual(['.git', 'cat']);
    expect(listing.unreadable).toEqual([{ path: 'cat/2.png', error: 'NotFoundError: gone' }]);
    const folder = ImageFolder.fromListing(listing);
    expect(folder.skipped).toEqual([
      { path: '.git/', reason: 'hidden', detail: 'a hidden folder: not read' },
      { path: 'cat/2.png', reason: 'unreadable', detail: 'the browser could not open it: NotFoundError: gone' },
    ]);
  });

  it('listDrop takes the entries of file items before its first await', async () => {
    const entry = fakeEntry('cat', { '1.png': png('1.png') }, '/cat');
    let usable = true;
    const item = (kind: string, e: FileSystemEntry | null) => ({ kind, webkitGetAsEntry: () => (usable ? e : null) });
    const dataTransfer = { items: [item('string', null), item('file', entry)] } as unknown as DataTransfer;
    const listing = listDrop(dataTransfer);
    usable = false; // what the browser does once the drop handler returns
    expect(paths(await listing)).toEqual(['1.png']);
    expect((await listing).root).toBe('cat');
  });
});
