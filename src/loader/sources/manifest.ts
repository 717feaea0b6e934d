/**
 * The dataset manifest (`public/datasets/<name>/manifest.json`) and its
 * validator. Every problem is reported with the URL, the field and the item,
 * so a broken manifest says where it is broken.
 */
import { FeedlineError } from '../errors.ts';
import { checkShardSplit, isShardSplit, type ShardSplit } from './shard-manifest.ts';

export interface ManifestItem {
  /** Relative to the manifest's URL. */
  src: string;
  label: number;
}

/** `Split` narrows the splits' form: `Manifest<ManifestItem[]>` has per-file splits only. */
export interface Manifest<Split extends ManifestItem[] | ShardSplit = ManifestItem[] | ShardSplit> {
  name: string;
  classes: string[];
  width?: number;
  height?: number;
  channels?: 1 | 3 | 4;
  /** Per split: one item per image file, or the shard form (shard-manifest.ts). */
  splits: Record<string, Split>;
}

export class ManifestError extends FeedlineError {
  override name = 'ManifestError';
  constructor(
    readonly url: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`\`ImageDataset.fromManifest\`: ${url}: ${problem}`, { cause });
  }
}

const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v));

/** An item of a split that cannot be a sample: its split, position and what is wrong. */
export interface ItemProblem {
  split: string;
  index: number;
  problem: string;
}

/** Checks the shape of a parsed manifest; throws ManifestError at the first problem. */
export function validateManifest(value: unknown, url: string): Manifest {
  const { manifest, problems } = checkManifest(value, url);
  if (problems.length > 0) throw new ManifestError(url, problems[0].problem);
  return manifest;
}

/**
 * Like validateManifest, but an invalid item (a label outside `classes`, no
 * "src", a repeated "src") does not refuse the whole manifest: it is listed
 * in `problems`, in split order, and the rest stays usable. Problems with the
 * manifest as a whole still throw.
 */
export function checkManifest(value: unknown, url: string): { manifest: Manifest; problems: ItemProblem[] } {
  const fail = (problem: string): never => {
    throw new ManifestError(url, problem);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('the manifest must be a JSON object');
  const m = value as Record<string, unknown>;
  if (typeof m.name !== 'string' || m.name === '') fail(`"name" must be a non-empty string, got ${describe(m.name)}`);
  if (!Array.isArray(m.classes) || m.classes.length === 0) fail(`"classes" must be a non-empty array of strings`);
  const classes = m.classes as unknown[];
  classes.forEach((c, i) => {
    if (typeof c !== 'string') fail(`"classes[${i}]" must be a string, got ${describe(c)}`);
  });
  const repeated = classes.find((c, i) => classes.indexOf(c) !== i);
  if (repeated !== undefined) fail(`"classes" names ${describe(repeated)} more than once`);
  for (const key of ['width', 'height'] as const) {
    if (m[key] !== undefined && !isPositiveInt(m[key])) fail(`"${key}" must be a positive integer, got ${describe(m[key])}`);
  }
  if (m.channels !== undefined && ![1, 3, 4].includes(m.channels as number)) {
    fail(`"channels" must be 1, 3 or 4, got ${describe(m.channels)}`);
  }
  if (typeof m.splits !== 'object' || m.splits === null || Array.isArray(m.splits)) {
    fail(`"splits" must be an object of arrays, e.g. { "train": [...], "test": [...] }`);
  }
  const problems: ItemProblem[] = [];
  for (const [split, items] of Object.entries(m.splits as Record<string, unknown>)) {
    const report = (index: number, problem: string) => void problems.push({ split, index, problem });
    if (isShardSplit(items)) {
      checkShardSplit(items, split, classes.length, fail, report);
      continue;
    }
    if (!Array.isArray(items)) fail(`"splits.${split}" must be an array of { src, label } items, or { "shards": ... }`);
    checkItems(items as unknown[], split, classes.length, report);
  }
  return { manifest: value as Manifest, problems };
}

/** The first problem of each bad item goes to `report`; a repeated "src" is the later one's problem. */
function checkItems(items: unknown[], split: string, classCount: number, report: (index: number, problem: string) => void): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const at = `"splits.${split}[${i}]"`;
    if (typeof item !== 'object' || item === null) return report(i, `${at} must be an object { src, label }, got ${describe(item)}`);
    const { src, label } = item as Record<string, unknown>;
    if (typeof src !== 'string' || src === '') return report(i, `${at} has no "src" (a non-empty string)`);
    if (!Number.isInteger(label) || (label as number) < 0 || (label as number) >= classCount) {
      return report(i, `${at} (${src}) has label ${describe(label)}, outside the ${classCount} classes (0..${classCount - 1})`);
    }
    const first = seen.get(src);
    if (first !== undefined) return report(i, `${at} repeats "src" ${describe(src)} of "splits.${split}[${first}]"`);
    seen.set(src, i);
  });
}
