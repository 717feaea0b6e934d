/**
 * What each playground setting may hold, in one table: the URL parser
 * (url-state.ts) reads text with it, the presets' tests check their values
 * with it. A setting's rule is its kind and bounds; the bounds are what a
 * laptop tab can run, tighter than the loader's own (it takes 64 workers).
 */
import type { PlaygroundValues } from './playground-values.ts';
import { DATASETS, FOLDER_ID } from './datasets.ts';

type Rule =
  | { kind: 'enum'; options: readonly string[] }
  | { kind: 'int'; min: number; max: number; /** 'auto' is allowed too (the loader tunes it) */ auto?: boolean }
  | { kind: 'number'; min: number; max: number; /** the minimum itself is refused (a learning rate of 0) */ openMin?: boolean }
  | { kind: 'bool' }
  | { kind: 'url' }
  | { kind: 'dataset' };

/** The model presets of src/train/models.ts (kept here as names so the page's URL code does not import tfjs). */
export const MODEL_NAMES = ['linear', 'mlp', 'cnn', 'cnn-tiny'] as const;

/** A link may ask for up to this many workers (each is a thread); the picker offers up to the device's cores. */
export const MAX_PLAYGROUND_WORKERS = 16;
/** The deepest ring a link or the prefetchFactor field may ask for, per worker. */
export const MAX_PREFETCH = 16;

export const RULES: { readonly [K in keyof PlaygroundValues]: Rule } = {
  dataset: { kind: 'dataset' },
  manifestUrl: { kind: 'url' },
  consumer: { kind: 'enum', options: ['train', 'simulated'] },
  model: { kind: 'enum', options: MODEL_NAMES },
  backend: { kind: 'enum', options: ['auto', 'webgpu', 'webgl', 'cpu'] },
  optimizer: { kind: 'enum', options: ['adam', 'sgd'] },
  learningRate: { kind: 'number', min: 0, max: 10, openMin: true },
  epochs: { kind: 'int', min: 1, max: 100 },
  batchSize: { kind: 'int', min: 1, max: 1024 },
  numWorkers: { kind: 'int', min: 0, max: MAX_PLAYGROUND_WORKERS, auto: true },
  prefetchFactor: { kind: 'int', min: 1, max: MAX_PREFETCH, auto: true },
  shuffle: { kind: 'bool' },
  // The loader uses the seed's low 32 bits: any larger one repeats a smaller one.
  seed: { kind: 'int', min: 0, max: 2 ** 32 - 1 },
  inOrder: { kind: 'bool' },
  cache: { kind: 'bool' },
  onError: { kind: 'enum', options: ['raise', 'skip', 'retry'] },
  timeoutMs: { kind: 'int', min: 0, max: 600_000 },
  augment: { kind: 'enum', options: ['none', 'flip', 'crop-flip', 'jitter'] },
  latencyMs: { kind: 'int', min: 0, max: 10_000 },
  jitterMs: { kind: 'int', min: 0, max: 10_000 },
  extraComputeMs: { kind: 'int', min: 0, max: 10_000 },
  stepMs: { kind: 'int', min: 0, max: 10_000 },
};

export const VALUE_KEYS = Object.keys(RULES) as (keyof PlaygroundValues)[];

export function isValueKey(key: string): key is keyof PlaygroundValues {
  return Object.hasOwn(RULES, key);
}

/**
 * Why `value` cannot be setting `key`, or null when it can. The folder is
 * refused: a link or a preset cannot carry the user's own files.
 */
export function valueProblem(key: keyof PlaygroundValues, value: unknown): string | null {
  const rule = RULES[key];
  const got = JSON.stringify(value) ?? String(value);
  switch (rule.kind) {
    case 'dataset': {
      if (value === FOLDER_ID) return `${key} "${FOLDER_ID}" is the user's own folder, which a link or a preset cannot carry`;
      const ids = DATASETS.filter((d) => d.id !== FOLDER_ID).map((d) => d.id);
      return typeof value === 'string' && ids.includes(value) ? null : `${key} must be one of ${ids.join(', ')}; got ${got}`;
    }
    case 'url':
      return typeof value === 'string' && value.length <= 2000 ? null : `${key} must be a URL of at most 2,000 characters; got ${got}`;
    case 'enum':
      return typeof value === 'string' && rule.options.includes(value) ? null : `${key} must be one of ${rule.options.join(', ')}; got ${got}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `${key} must be true or false; got ${got}`;
    case 'int':
      return (Number.isInteger(value) && (value as number) >= rule.min && (value as number) <= rule.max) || (rule.auto && value === 'auto')
        ? null
        : `${key} must be a whole number from ${rule.min} to ${rule.max}${rule.auto ? ", or 'auto'" : ''}; got ${got}`;
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && value <= rule.max && (rule.openMin ? value > rule.min : value >= rule.min);
      return ok ? null : `${key} must be a number ${rule.openMin ? 'above' : 'from'} ${rule.min} ${rule.openMin ? 'and at most' : 'to'} ${rule.max}; got ${got}`;
    }
  }
}

/** Words a link may write for true (any case); the embed's `autostart` reads them too. */
export const TRUE = ['1', 'true', 'on', 'yes'];
const FALSE = ['0', 'false', 'off', 'no'];

/** A setting read from URL text: the value, or why not. */
export function parseValue<K extends keyof PlaygroundValues>(key: K, text: string): { value: PlaygroundValues[K] } | { problem: string } {
  const rule = RULES[key];
  let value: unknown = text;
  if (rule.kind === 'bool') {
    const lower = text.toLowerCase();
    value = TRUE.includes(lower) ? true : FALSE.includes(lower) ? false : text;
  } else if (rule.kind === 'int' || rule.kind === 'number') {
    // Number('') is 0 and Number(' 4') is 4: only plain decimal text counts.
    value = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(text) ? Number(text) : text;
  }
  const problem = valueProblem(key, value);
  return problem ? { problem } : { value: value as PlaygroundValues[K] };
}

/** A setting as URL text: booleans as 1 and 0, numbers as JavaScript writes them (0.001, 1e-7). */
export function formatValue(value: PlaygroundValues[keyof PlaygroundValues]): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}
