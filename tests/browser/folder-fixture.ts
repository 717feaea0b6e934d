/**
 * A temporary folder of images a person might pick: class folders of PNGs
 * with known pixels (encoded with fast-png), plus the things ImageFolder must
 * skip. Runs in Node, on the Playwright side.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encode } from 'fast-png';

export const PICK = { width: 9, height: 7 };

/** The RGB bytes of picked image `k`: every pixel differs, so a swap or a shift shows. */
export function pickedRgb(k: number): Uint8Array {
  const { width, height } = PICK;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      data[p] = (x * 29 + k * 61) & 255;
      data[p + 1] = (y * 37 + k * 17 + 5) & 255;
      data[p + 2] = (x * y * 7 + k * 43 + 90) & 255;
    }
  }
  return data;
}

export interface PickedFolder {
  /** The folder to hand to setInputFiles; its name is the root. */
  dir: string;
  root: string;
  /** Class -> the pattern numbers of its PNGs, in the order ImageFolder gives them. */
  images: Record<string, number[]>;
  remove(): void;
}

/**
 * root/
 *   cat/1.png cat/2.png cat/3.png   patterns 0, 1, 2
 *   cat/blank.png                   0 bytes: skipped, unreadable
 *   dog/1.png dog/2.png             patterns 3, 4
 *   dog/notes.txt                   not an image
 *   dog/zz-broken.png               text named .png: counted, then skipped by the loader at decode
 *   eel/readme.txt                  eel has no image: an empty class
 *   fish/                           an empty folder: an empty class where a drop shows it
 *                                   (a webkitdirectory FileList lists files only)
 *   top.png                         at the root: no class folder
 *   .DS_Store                       hidden
 */
export function makePickedFolder(): PickedFolder {
  const base = mkdtempSync(join(tmpdir(), 'feedline-pick-'));
  const dir = join(base, 'pets');
  const put = (path: string, bytes: Uint8Array | string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  };
  const png = (k: number) => encode({ ...PICK, data: pickedRgb(k), channels: 3, depth: 8 });
  const images = { cat: [0, 1, 2], dog: [3, 4] };
  images.cat.forEach((k, i) => put(`cat/${i + 1}.png`, png(k)));
  images.dog.forEach((k, i) => put(`dog/${i + 1}.png`, png(k)));
  put('cat/blank.png', new Uint8Array(0));
  put('dog/notes.txt', 'not an image\n');
  put('dog/zz-broken.png', 'this is text, not a PNG\n');
  put('eel/readme.txt', 'no eels yet\n');
  put('top.png', png(9));
  put('.DS_Store', new Uint8Array([0, 0, 0, 1]));
  mkdirSync(join(dir, 'fish'));
  return { dir, root: 'pets', images, remove: () => rmSync(base, { recursive: true, force: true }) };
}
