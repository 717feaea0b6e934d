/**
 * The playground's colours, for CSS and for canvases.
 *
 * The theme lives in app.css as CSS variables (`--text`, `--wait`, ...), a
 * light and a dark set; canvases cannot use `var()`, so canvas code calls
 * `themeColor('wait')` (or `themeColors()`) at draw time and gets the value
 * the page uses now. LIGHT and DARK below are the same two sets as data: a
 * unit test holds app.css to them, and they are the fallback where no
 * stylesheet is loaded (Node, a bare test page).
 *
 * Colour-blind safety: hues come from Okabe-Ito (distinct for the three
 * common colour-vision deficiencies). Waiting for data (red) and computing
 * (green) are TensorBoard's pair, so they also differ a lot in lightness
 * (a dark red and a light green), and every use names them in text too.
 */

export const PALETTE_NAMES = [
  'text',
  'muted',
  'line',
  'panel',
  'page',
  'accent',
  'ok',
  'warn',
  'bad',
  'wait',
  'compute',
  'input-bg',
  'focus',
  'slot-free',
] as const;
export type PaletteName = (typeof PALETTE_NAMES)[number];
export type Palette = Readonly<Record<PaletteName, string>>;

export const LIGHT: Palette = Object.freeze({
  text: '#0f172a',
  muted: '#556070',
  line: '#d5dce5',
  panel: '#ffffff',
  page: '#f1f5f9',
  accent: '#0072b2',
  ok: '#00785a',
  warn: '#9a5b00',
  bad: '#b8400b',
  wait: '#b3261e',
  compute: '#6fcf8a',
  'input-bg': '#ffffff',
  focus: '#005a8c',
  'slot-free': '#e2e8f0',
});

export const DARK: Palette = Object.freeze({
  text: '#e6e9ef',
  muted: '#9aa5b4',
  line: '#323b48',
  panel: '#161b22',
  page: '#0d1117',
  accent: '#56b4e9',
  ok: '#3cc79c',
  warn: '#f0b44c',
  bad: '#ff8a5c',
  wait: '#d23f3a',
  compute: '#a8e6b4',
  'input-bg': '#0f141a',
  focus: '#8fd0f5',
  'slot-free': '#3a4452',
});

/** The value of `--<name>` on `el` (the page root by default) now, else the light theme's. */
export function themeColor(name: PaletteName, el?: Element): string {
  const root = el ?? globalThis.document?.documentElement;
  if (!root || typeof getComputedStyle !== 'function') return LIGHT[name];
  const value = getComputedStyle(root).getPropertyValue(`--${name}`).trim();
  return value || LIGHT[name];
}

/** Every theme colour as the page has it now: read once per draw, not once per shape. */
export function themeColors(el?: Element): Palette {
  const out = {} as Record<PaletteName, string>;
  for (const name of PALETTE_NAMES) out[name] = themeColor(name, el);
  return out;
}

/**
 * Ring slot states. Fixed values that read on both themes (a canvas or an
 * inline style can use them as they are); free slots follow the theme
 * through `slotColor`.
 */
export const SLOT_COLORS = {
  free: LIGHT['slot-free'],
  filling: '#e69f00', // Okabe-Ito orange: a worker writes it
  ready: '#56b4e9', // sky blue: loaded, waiting for the consumer
  held: '#3fae63', // green: the consumer computes on it (as 'compute')
  failed: '#d55e00', // vermillion
} as const;

export type SlotColorState = keyof typeof SLOT_COLORS;

/** A slot state's colour on the current theme. */
export function slotColor(state: SlotColorState, el?: Element): string {
  return state === 'free' ? themeColor('slot-free', el) : SLOT_COLORS[state];
}

/**
 * The consumer's lane: waiting for a batch and stepping on one. These are the
 * light theme's; `themeColor('wait' | 'compute')` follows the theme.
 */
export const CONSUMER_COLORS = { wait: LIGHT.wait, step: LIGHT.compute } as const;

/**
 * Producers: Okabe-Ito hues in an order where any two neighbours stay apart
 * for colour-blind readers, without red or green (the consumer's wait and
 * compute). Mid-lightness, so they read on the light and the dark panel.
 */
export const WORKER_COLORS = ['#0072b2', '#e69f00', '#cc79a7', '#56b4e9', '#009e73', '#f0e442'] as const;
const MAIN_THREAD_COLOR = '#7b8494';

/** A producer's color: -1 is the main thread. */
export function workerColor(worker: number | null): string {
  if (worker === null || worker < 0) return MAIN_THREAD_COLOR;
  return WORKER_COLORS[worker % WORKER_COLORS.length];
}

/** Series colours for charts: Okabe-Ito blue, orange, reddish purple, bluish green. */
export const SERIES_COLORS = ['#0072b2', '#e69f00', '#cc79a7', '#009e73'] as const;
