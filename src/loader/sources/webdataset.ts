/**
 * WebDataset's conventions for a tar shard of samples, so a user's shards
 * load unchanged:
 *
 * - The files of one sample share a key: the path up to the first dot of the
 *   file name, what follows is the extension (WebDataset's `base_plus_ext`):
 *   `a/00042.seg.png` is key `a/00042`, extension `seg.png`. Extensions are
 *   compared in lower case. A name without a key (starting with a dot, as
 *   macOS's `._x.png`) or without a dot is skipped, as WebDataset does.
 * - One image member per sample (SHARD_IMAGE_TYPES), `<key>.cls` holding the
 *   class index as ASCII text ("7", "7\n"), and any others (`.json`...)
 *   carried but unread.
 * - Shard lists are brace patterns: `train-{000000..000009}.tar`, `{a,b}`.
 *
 * Pure functions; no DOM, no fetch.
 */
import type { TarMember } from './tar-index.ts';

/** Image extensions a sample's image may have, and the type its Blob gets. */
export const SHARD_IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  avif: 'image/avif',
  ico: 'image/x-icon',
};

/** A `.cls` member longer than this is not a class index; it is not decoded. */
const MAX_CLS_BYTES = 64;

/** One sample of a shard: where its image is, what it is, its label; the manifest's index entry. */
export interface ShardSample {
  key: string;
  /** Byte offset of the image member's data in the shard. */
  offset: number;
  /** The image member's length in bytes. */
  length: number;
  /** MIME type from the image's extension ('' when it has no image). */
  type: string;
  /** Class index from `.cls`; -1 when there is none usable. */
  label: number;
}

/** A sample as read from a tar: `problem` says why it cannot load (no image, two, no label). */
export type GroupedSample = ShardSample & { problem?: string };

/** How one sample is named in sources and messages: `<shard url>#<key>`. */
export const sampleName = (shard: string, key: string): string => `${shard}#${key}`;

/** WebDataset's base_plus_ext: key and lower-case extension, or null for a name it skips. */
export function splitKey(name: string): { key: string; ext: string } | null {
  const match = /^((?:.*\/|)[^.]+)\.([^/]*)$/.exec(name);
  // "a/.hidden.png" matches with key "a/" (a hidden file); skip it rather than make a sample of it.
  if (!match || match[1].endsWith('/')) return null;
  return { key: match[1], ext: match[2].toLowerCase() };
}

/**
 * Groups a shard's members into samples by key, in order of each key's first
 * member. `bytes` are the shard's (for `.cls`); `classCount` bounds labels.
 * A sample that cannot load stays in the list with its `problem`.
 */
export function groupSamples(members: readonly TarMember[], bytes: Uint8Array, classCount: number): GroupedSample[] {
  const byKey = new Map<string, Array<TarMember & { ext: string }>>();
  for (const member of members) {
    const parts = splitKey(member.name);
    if (!parts) continue;
    const list = byKey.get(parts.key) ?? [];
    list.push({ ...member, ext: parts.ext });
    byKey.set(parts.key, list);
  }
  return [...byKey].map(([key, files]) => toSample(key, files, bytes, classCount));
}

function toSample(key: string, files: Array<TarMember & { ext: string }>, bytes: Uint8Array, classCount: number): GroupedSample {
  const images = files.filter((f) => f.ext in SHARD_IMAGE_TYPES);
  const cls = files.filter((f) => f.ext === 'cls');
  const image = images[0];
  const label = cls.length === 1 ? readLabel(bytes, cls[0], classCount) : { label: -1, problem: null };
  const sample: GroupedSample = {
    key,
    offset: image?.offset ?? 0,
    length: image?.size ?? 0,
    type: image ? SHARD_IMAGE_TYPES[image.ext] : '',
    label: label.label,
  };
  const names = (list: typeof files) => list.map((f) => f.name).join(', ');
  const exts = Object.keys(SHARD_IMAGE_TYPES).join(', ');
  const repeated = files.find((f, i) => files.findIndex((g) => g.ext === f.ext) !== i);
  const problem = repeated
    ? `it holds "${repeated.name}" twice`
    : images.length === 0
      ? `it has no image member (it has ${names(files)}); an image is <key>.<${exts}>`
      : images.length > 1
        ? `it has ${images.length} images (${names(images)}); a sample needs exactly one`
        : cls.length === 0
          ? `it has no label: no "${key}.cls" member (the class index as text)`
          : label.problem;
  return problem ? { ...sample, problem } : sample;
}

function readLabel(bytes: Uint8Array, cls: TarMember, classCount: number): { label: number; problem: string | null } {
  const text = cls.size <= MAX_CLS_BYTES ? new TextDecoder().decode(bytes.subarray(cls.offset, cls.offset + cls.size)).trim() : null;
  const label = text !== null && /^\d+$/.test(text) ? Number(text) : NaN;
  if (label >= 0 && label < classCount) return { label, problem: null };
  const shown = text === null ? `${cls.size} bytes` : JSON.stringify(text);
  return { label: -1, problem: `its "${cls.name}" holds ${shown}, not a class index in 0..${classCount - 1}` };
}

/** Most URLs one brace pattern may expand to; a pattern past it is surely a typo. */
export const MAX_BRACE_EXPANSION = 100_000;

/**
 * Expands brace patterns as bash and WebDataset's braceexpand do:
 * `{000..012}` counts (zero-padded to the wider end when either end has a
 * leading zero; backwards when the first is larger), `{a,b}` lists, several
 * groups multiply, left to right. Throws a RangeError naming the pattern for
 * an unclosed brace or an expansion past MAX_BRACE_EXPANSION.
 */
export function expandBraces(pattern: string): string[] {
  let results = [''];
  let i = 0;
  while (i < pattern.length) {
    const open = pattern.indexOf('{', i);
    if (open < 0) {
      results = results.map((r) => r + pattern.slice(i));
      break;
    }
    const close = pattern.indexOf('}', open);
    if (close < 0) throw new RangeError(`the pattern ${JSON.stringify(pattern)} has a "{" at ${open} with no "}" after it`);
    const head = pattern.slice(i, open);
    const choices = braceChoices(pattern.slice(open + 1, close), pattern);
    if (results.length * choices.length > MAX_BRACE_EXPANSION) {
      throw new RangeError(`the pattern ${JSON.stringify(pattern)} expands to more than ${MAX_BRACE_EXPANSION} names`);
    }
    results = results.flatMap((r) => choices.map((c) => r + head + c));
    i = close + 1;
  }
  return results;
}

/** The choices of one group's inside: a range "a..b" or a list "x,y". */
function braceChoices(inside: string, pattern: string): string[] {
  const range = /^(-?\d+)\.\.(-?\d+)$/.exec(inside);
  if (!range) {
    if (inside.includes('{')) throw new RangeError(`the pattern ${JSON.stringify(pattern)} nests braces, which is not supported`);
    return inside.split(',');
  }
  const [from, to] = [Number(range[1]), Number(range[2])];
  if (Math.abs(to - from) + 1 > MAX_BRACE_EXPANSION) {
    throw new RangeError(`the pattern ${JSON.stringify(pattern)} expands to more than ${MAX_BRACE_EXPANSION} names`);
  }
  const padded = /^-?0\d/.test(range[1]) || /^-?0\d/.test(range[2]);
  const width = padded ? Math.max(range[1].length, range[2].length) : 0;
  const step = to >= from ? 1 : -1;
  const out: string[] = [];
  for (let n = from; n !== to + step; n += step) {
    const digits = String(Math.abs(n)).padStart(width - (n < 0 ? 1 : 0), '0');
    out.push(n < 0 ? `-${digits}` : digits);
  }
  return out;
}
