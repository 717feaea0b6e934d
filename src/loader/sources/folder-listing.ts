/**
 * A folder's files as the browser hands them over, before any rule is
 * applied: from an `<input type="file" webkitdirectory>` FileList, or from the
 * entries of a drop. `ImageFolder` (image-folder.ts) turns a listing into a
 * dataset. Nothing here reads a file's bytes: a File is a handle, and the
 * loader's workers read it.
 *
 * These functions use DOM objects only when called (Node imports the module).
 */

/** One file, with its path inside the picked folder. */
export interface FolderFile {
  /** Relative to the root, '/'-separated, without the root's own name: "cat/001.png". */
  path: string;
  file: File;
}

export interface FolderListing {
  /** The picked or dropped folder's name; '' when several items were dropped at once. */
  root: string;
  files: FolderFile[];
  /**
   * Folders seen, relative to the root. A drop lists every folder, empty ones
   * too; a FileList cannot (the browser lists files only), so it gives none.
   */
  directories: string[];
  /** Entries the browser could not open while listing, with its error. */
  unreadable: { path: string; error: string }[];
}

/** A listing path's folder and file names: '/'-separated, without empty and '.' segments. */
export const pathSegments = (path: string): string[] => path.split('/').filter((s) => s !== '' && s !== '.');

/**
 * From an `<input type="file" webkitdirectory>`'s FileList. Each File's
 * `webkitRelativePath` starts with the picked folder's name, which becomes
 * `root`. Files without one (a plain multi-file input) are listed by name,
 * at the root.
 */
export function listFileList(files: ArrayLike<File>): FolderListing {
  const all = Array.from(files, (file) => ({ file, parts: pathSegments(file.webkitRelativePath || file.name) }));
  const first = all[0]?.parts[0];
  // webkitdirectory gives every file the same first segment: the root's name.
  const rooted = first !== undefined && all.every(({ parts }) => parts.length >= 2 && parts[0] === first);
  return {
    root: rooted ? first : '',
    files: all.map(({ file, parts }) => ({ file, path: (rooted ? parts.slice(1) : parts).join('/') })),
    directories: [],
    unreadable: [],
  };
}

/**
 * From a drop. Call it synchronously in the `drop` handler: the browser
 * empties `dataTransfer` when the handler returns, so the entries are taken
 * before the first await.
 */
export function listDrop(dataTransfer: DataTransfer): Promise<FolderListing> {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dataTransfer.items)) {
    const entry = item.kind === 'file' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  return listEntries(entries);
}

/**
 * Walks dropped entries. One dropped folder is the root; several dropped
 * items (say, the class folders themselves) sit under an unnamed root.
 * Hidden folders (".git") are listed but not walked into.
 */
export async function listEntries(entries: readonly FileSystemEntry[]): Promise<FolderListing> {
  const listing: FolderListing = { root: '', files: [], directories: [], unreadable: [] };
  if (entries.length === 1 && entries[0].isDirectory) {
    listing.root = entries[0].name;
    await walk(entries[0] as FileSystemDirectoryEntry, '', listing);
  } else {
    await Promise.all(entries.map((entry) => visit(entry, '', listing)));
  }
  return listing;
}

async function visit(entry: FileSystemEntry, parent: string, listing: FolderListing): Promise<void> {
  const path = parent ? `${parent}/${entry.name}` : entry.name;
  if (entry.isDirectory) {
    listing.directories.push(path);
    if (!entry.name.startsWith('.')) await walk(entry as FileSystemDirectoryEntry, path, listing);
  } else if (entry.isFile) {
    try {
      listing.files.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
    } catch (error) {
      listing.unreadable.push({ path, error: describe(error) });
    }
  }
}

async function walk(directory: FileSystemDirectoryEntry, path: string, listing: FolderListing): Promise<void> {
  let children: FileSystemEntry[];
  try {
    children = await readAllEntries(directory);
  } catch (error) {
    listing.unreadable.push({ path: `${path || directory.name}/`, error: describe(error) });
    return;
  }
  await Promise.all(children.map((child) => visit(child, path, listing)));
}

/**
 * Every child of a directory. `readEntries` hands them out in chunks (100 at
 * a time in Chromium) and signals the end with an empty array, so it is
 * called until one comes back empty.
 */
export async function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) return all;
    all.push(...chunk);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function describe(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error && 'message' in error)) {
    const { name, message } = error as { name: string; message: string };
    return message ? `${name}: ${message}` : name;
  }
  return String(error);
}
