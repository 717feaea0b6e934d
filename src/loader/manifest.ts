/**
 * The dataset manifest (`public/datasets/<name>/manifest.json`) and its
 * validator. Every problem is reported with the URL, the field and the item,
 * so a broken manifest says where it is broken.
 */
import { FeedlineError } from './errors.ts';

export interface ManifestItem {
  /** Relative to the manifest's URL. */
  src: string;
  label: number;
}

export interface Manifest {
  name: string;
  classes: string[];
  width?: number;
  height?: number;
  channels?: 1 | 3 | 4;
  splits: Record<string, ManifestItem[]>;
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

/** Checks the shape of a parsed manifest; throws ManifestError at the first problem. */
export function validateManifest(value: unknown, url: string): Manifest {
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
  for (const [split, items] of Object.entries(m.splits as Record<string, unknown>)) {
    if (!Array.isArray(items)) fail(`"splits.${split}" must be an array of { src, label } items`);
    validateItems(items as unknown[], `splits.${split}`, classes.length, fail);
  }
  return value as Manifest;
}

function validateItems(items: unknown[], path: string, classCount: number, fail: (p: string) => never): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const at = `"${path}[${i}]"`;
    if (typeof item !== 'object' || item === null) fail(`${at} must be an object { src, label }, got ${describe(item)}`);
    const { src, label } = item as Record<string, unknown>;
    if (typeof src !== 'string' || src === '') fail(`${at} has no "src" (a non-empty string)`);
    if (!Number.isInteger(label) || (label as number) < 0 || (label as number) >= classCount) {
      fail(`${at} (${src}) has label ${describe(label)}, outside the ${classCount} classes (0..${classCount - 1})`);
    }
    const first = seen.get(src as string);
    if (first !== undefined) fail(`${at} repeats "src" ${describe(src)} of "${path}[${first}]"`);
    seen.set(src as string, i);
  });
}
