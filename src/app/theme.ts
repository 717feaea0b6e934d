/**
 * The page's colour theme: 'system' follows `prefers-color-scheme`, 'light'
 * and 'dark' set `data-theme` on <html>, which app.css reads. The choice is
 * kept in localStorage and applied at start (`startTheme()` in main.ts,
 * before the first paint, so a dark page does not flash light).
 *
 * Canvases that draw with theme colours call `watchScheme` to redraw when the
 * scheme changes, by a toggle or by the system.
 */
import type { ThemeSetting } from './playground-values.ts';

export type Scheme = 'light' | 'dark';

const STORAGE_KEY = 'feedline:theme';
const SETTINGS: readonly ThemeSetting[] = ['system', 'light', 'dark'];
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function isThemeSetting(value: unknown): value is ThemeSetting {
  return typeof value === 'string' && (SETTINGS as readonly string[]).includes(value);
}

/** The saved choice; 'system' when none is saved or storage is unavailable. */
export function loadTheme(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeSetting {
  try {
    const value = storage?.getItem(STORAGE_KEY);
    return isThemeSetting(value) ? value : 'system';
  } catch {
    return 'system'; // storage blocked: the system's scheme
  }
}

export function saveTheme(setting: ThemeSetting, storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage): void {
  try {
    if (setting === 'system') storage?.removeItem(STORAGE_KEY);
    else storage?.setItem(STORAGE_KEY, setting);
  } catch {
    // Storage full or blocked: the choice holds for this visit only.
  }
}

/** Puts the setting on the page: `data-theme` for light/dark, none for system. */
export function applyTheme(setting: ThemeSetting, root: Element | undefined = globalThis.document?.documentElement): void {
  if (!root) return;
  if (setting === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', setting);
}

/** Applies and saves: what a toggle does. */
export function setTheme(setting: ThemeSetting): void {
  applyTheme(setting);
  saveTheme(setting);
}

/** Reads the saved choice and applies it; returns it. */
export function startTheme(): ThemeSetting {
  const setting = loadTheme();
  applyTheme(setting);
  return setting;
}

/** The scheme a setting shows now, given whether the system prefers dark. */
export function resolveScheme(setting: ThemeSetting, systemPrefersDark: boolean): Scheme {
  if (setting === 'system') return systemPrefersDark ? 'dark' : 'light';
  return setting;
}

/** The scheme the page shows now. */
export function currentScheme(root: Element | undefined = globalThis.document?.documentElement): Scheme {
  const attr = root?.getAttribute('data-theme');
  const setting: ThemeSetting = isThemeSetting(attr) ? attr : 'system';
  return resolveScheme(setting, globalThis.matchMedia?.(DARK_QUERY).matches ?? false);
}

/**
 * Calls `onChange` with the new scheme whenever the shown scheme changes:
 * `data-theme` on <html> edited, or the system's preference flipped.
 * Returns the function that stops watching.
 */
export function watchScheme(onChange: (scheme: Scheme) => void): () => void {
  const root = globalThis.document?.documentElement;
  if (!root) return () => {};
  let last = currentScheme(root);
  const check = () => {
    const now = currentScheme(root);
    if (now !== last) onChange((last = now));
  };
  const observer = new MutationObserver(check);
  observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
  const media = globalThis.matchMedia?.(DARK_QUERY);
  media?.addEventListener('change', check);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', check);
  };
}
