/**
 * The playground's settings in the URL, as TensorFlow Playground keeps its
 * own: a link reproduces the page. Only what differs from the defaults is
 * written (`?workers=4&prefetch=4`), so links stay short and a default
 * changed later still applies to links that never set it.
 *
 *   preset=<id>          applies a preset (presets.ts) first; explicit params override it
 *   <param>=<value>      one setting each, named in PARAMS below
 *   hide=workers,cache   hides control groups (CONTROL_GROUPS): a classroom or an embed
 *   theme=light|dark     forces a theme; absent: the system's
 *
 * Reading never throws: an unknown param, or a value a setting cannot hold,
 * is dropped and reported in `warnings`, and the rest applies. Page params
 * that are not settings (`coi`, which turns cross-origin isolation off) are
 * passed over in silence.
 */
import { CONTROL_GROUPS, DEFAULT_VALUES, type ControlGroup, type PlaygroundValues, type ThemeSetting } from './playground-values.ts';
import { presetById, PRESETS } from './presets.ts';
import { formatValue, parseValue } from './value-checks.ts';
import { FOLDER_ID } from './datasets.ts';

/** Each setting's URL name: short, and reads like PyTorch's argument where there is one. Stable: links depend on them. */
export const PARAMS: { readonly [K in keyof PlaygroundValues]: string } = {
  dataset: 'dataset',
  manifestUrl: 'manifest',
  consumer: 'consumer',
  model: 'model',
  backend: 'backend',
  optimizer: 'optimizer',
  learningRate: 'lr',
  epochs: 'epochs',
  batchSize: 'batch',
  numWorkers: 'workers',
  prefetchFactor: 'prefetch',
  shuffle: 'shuffle',
  seed: 'seed',
  inOrder: 'inorder',
  cache: 'cache',
  onError: 'onerror',
  timeoutMs: 'timeout',
  augment: 'augment',
  latencyMs: 'latency',
  jitterMs: 'jitter',
  extraComputeMs: 'compute',
  stepMs: 'step',
};

const KEYS = Object.keys(PARAMS) as (keyof PlaygroundValues)[];
const KEY_OF_PARAM = new Map(KEYS.map((k) => [PARAMS[k], k]));
/** Params of the page that are not settings, read elsewhere (page-url.ts carries them over). */
export const PAGE_PARAMS: readonly string[] = ['coi'];
const THEMES: readonly ThemeSetting[] = ['system', 'light', 'dark'];

export interface UrlExtras {
  /** The preset the values started from: written as `preset=`, and only what differs from it follows. */
  preset?: string | null;
  hide?: readonly ControlGroup[];
  theme?: ThemeSetting;
}

export interface UrlState {
  values: PlaygroundValues;
  /** The preset named by `preset=`, when it exists. */
  preset: string | null;
  hide: ControlGroup[];
  theme: ThemeSetting;
  /** One line per param dropped, saying why. */
  warnings: string[];
}

/** The values a preset starts from: the defaults with the preset's own on top. */
export function presetValues(id: string | null | undefined): PlaygroundValues {
  const preset = id ? presetById(id) : undefined;
  return { ...DEFAULT_VALUES, ...preset?.values };
}

/**
 * The query string (with its `?`, or '' when everything is default) for
 * `values`. The user's own folder is not written: a link cannot carry files,
 * so it opens on the default dataset.
 */
export function toSearch(values: PlaygroundValues, extras: UrlExtras = {}): string {
  const params = new URLSearchParams();
  const preset = extras.preset && presetById(extras.preset) ? extras.preset : null;
  if (preset) params.set('preset', preset);
  const base = presetValues(preset);
  for (const key of KEYS) {
    if (values[key] === base[key]) continue;
    if (key === 'dataset' && values.dataset === FOLDER_ID) continue;
    params.set(PARAMS[key], formatValue(values[key]));
  }
  const hide = CONTROL_GROUPS.filter((g) => extras.hide?.includes(g)); // CONTROL_GROUPS order: the same set, the same link
  if (hide.length > 0) params.set('hide', hide.join(','));
  if (extras.theme && extras.theme !== 'system') params.set('theme', extras.theme);
  const text = params.toString().replaceAll('%2C', ','); // commas are safe in a query and read better
  return text ? `?${text}` : '';
}

/** The settings, preset, hidden groups and theme a query string asks for; never throws. */
export function fromSearch(search: string): UrlState {
  const params = new URLSearchParams(search);
  const warnings: string[] = [];
  let preset: string | null = null;
  const wantedPreset = params.get('preset');
  if (wantedPreset !== null) {
    if (presetById(wantedPreset)) preset = wantedPreset;
    else warnings.push(`preset: no preset "${wantedPreset}" (presets: ${PRESETS.map((p) => p.id).join(', ')})`);
  }
  const values = presetValues(preset);
  const hide: ControlGroup[] = [];
  let theme: ThemeSetting = 'system';
  for (const [name, text] of params) {
    if (name === 'preset' || PAGE_PARAMS.includes(name)) continue;
    if (name === 'hide') {
      for (const group of text.split(',').map((g) => g.trim()).filter(Boolean)) {
        if (!(CONTROL_GROUPS as readonly string[]).includes(group)) warnings.push(`hide: no control group "${group}" (groups: ${CONTROL_GROUPS.join(', ')})`);
        else if (!hide.includes(group as ControlGroup)) hide.push(group as ControlGroup);
      }
      continue;
    }
    if (name === 'theme') {
      if ((THEMES as readonly string[]).includes(text)) theme = text as ThemeSetting;
      else warnings.push(`theme must be one of ${THEMES.join(', ')}; got "${text}"`);
      continue;
    }
    const key = KEY_OF_PARAM.get(name);
    if (!key) {
      warnings.push(`unknown param "${name}" dropped`);
      continue;
    }
    const parsed = parseValue(key, text);
    if ('problem' in parsed) warnings.push(`${name}: ${parsed.problem}; kept ${formatValue(values[key])}`);
    else (values as Record<keyof PlaygroundValues, unknown>)[key] = parsed.value;
  }
  return { values, preset, hide, theme, warnings };
}
