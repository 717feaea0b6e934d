/**
 * The embed's own URL parameters, beside the playground's settings
 * (url-state.ts reads those: `preset=`, `workers=`, ...):
 *
 *   controls=workers,prefetch   the control groups shown (CONTROL_GROUPS); `all`, or `none` (the default)
 *   autostart=1                 starts the run on load (and again when the frame comes back into view)
 *   theme=light|dark|host       `host`: the host page's theme, sent by embed-host.js; absent: the system's
 *   id=<text>                   names the frame in its messages to the host (embed-host.js sets it)
 *
 * Reading never throws: what cannot be read is dropped with a warning.
 */
import { CONTROL_GROUPS, type ControlGroup } from '../app/playground-values.ts';
import { TRUE } from '../app/value-checks.ts';

export type EmbedTheme = 'system' | 'light' | 'dark' | 'host';

export interface EmbedParams {
  controls: ControlGroup[];
  autostart: boolean;
  theme: EmbedTheme;
  id: string;
  warnings: string[];
}

/** Params the embed reads itself: the playground's URL reader passes over them. */
export const EMBED_PARAMS: readonly string[] = ['controls', 'autostart', 'id'];

const THEMES: readonly EmbedTheme[] = ['system', 'light', 'dark', 'host'];

export function embedParams(search: string): EmbedParams {
  const params = new URLSearchParams(search);
  const warnings: string[] = [];
  let controls: ControlGroup[] = [];
  const listed = params.get('controls');
  if (listed === 'all') controls = CONTROL_GROUPS.filter((g) => g !== 'presets');
  else if (listed !== null && listed !== 'none') {
    for (const name of listed.split(',').map((g) => g.trim()).filter(Boolean)) {
      if ((CONTROL_GROUPS as readonly string[]).includes(name)) controls.push(name as ControlGroup);
      else warnings.push(`controls: no control group "${name}" (groups: ${CONTROL_GROUPS.join(', ')}, or all, or none)`);
    }
  }
  const auto = params.get('autostart');
  const autostart = auto !== null && (auto === '' || TRUE.includes(auto.toLowerCase())); // `?autostart` alone counts
  const wanted = params.get('theme') ?? 'system';
  const theme = (THEMES as readonly string[]).includes(wanted) ? (wanted as EmbedTheme) : 'system';
  if (theme !== wanted) warnings.push(`theme must be one of ${THEMES.join(', ')}; got "${wanted}"`);
  return { controls, autostart, theme, id: params.get('id') ?? '', warnings };
}

/**
 * The query string the playground's reader should see: the embed's own
 * params and `theme=host` (which it does not know) taken out.
 */
export function settingsSearch(search: string): string {
  const params = new URLSearchParams(search);
  for (const name of EMBED_PARAMS) params.delete(name);
  if (params.get('theme') === 'host') params.delete('theme');
  const text = params.toString();
  return text ? `?${text}` : '';
}
