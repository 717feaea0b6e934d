import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isThemeSetting, loadTheme, resolveScheme, saveTheme } from '../../src/app/theme.ts';
import { DARK, LIGHT, PALETTE_NAMES, WORKER_COLORS, themeColor, workerColor, type Palette } from '../../src/ui/palette.ts';

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The `--name: value` pairs of the first CSS block that starts with `selector`. */
function cssVars(css: string, selector: string): Record<string, string> {
  const start = css.indexOf(selector);
  const body = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

describe('the theme in app.css', () => {
  const css = readFileSync(new URL('../../src/app/app.css', import.meta.url), 'utf8');

  it('defines the light theme with exactly the values canvases get from palette.ts', () => {
    expect(cssVars(css, ':root {')).toEqual({ ...LIGHT });
  });

  it('defines the dark theme, for the system preference and for data-theme="dark", with palette.ts DARK', () => {
    expect(cssVars(css, ":root:not([data-theme='light'])")).toEqual({ ...DARK });
    expect(cssVars(css, ":root[data-theme='dark']")).toEqual({ ...DARK });
  });

  it('has a page-wide focus ring and no transitions under prefers-reduced-motion', () => {
    expect(css).toMatch(/:focus-visible\s*{\s*outline: 2px solid var\(--focus\)/);
    expect(css).toMatch(/@media \(prefers-reduced-motion: reduce\)\s*{[^}]*transition: none !important/);
  });
});

describe.each([
  ['light', LIGHT],
  ['dark', DARK],
] as Array<[string, Palette]>)('the %s palette', (_name, p) => {
  it('has readable text: body text at 7:1 (AAA), muted, accent and status colours at 4.5:1 on panel and page', () => {
    expect(contrast(p.text, p.panel)).toBeGreaterThanOrEqual(7);
    for (const fg of [p.muted, p.accent, p.ok, p.warn, p.bad]) {
      expect(contrast(fg, p.panel)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(fg, p.page)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('has a focus ring at 3:1 against panel and page (non-text contrast)', () => {
    expect(contrast(p.focus, p.panel)).toBeGreaterThanOrEqual(3);
    expect(contrast(p.focus, p.page)).toBeGreaterThanOrEqual(3);
  });

  it('tells waiting (red) from computing (green) by lightness alone: at least 3:1 between them', () => {
    expect(contrast(p.wait, p.compute)).toBeGreaterThanOrEqual(3);
  });
});

describe('palette.ts', () => {
  it('lists every colour it defines in both themes', () => {
    expect(Object.keys(LIGHT).sort()).toEqual([...PALETTE_NAMES].sort());
    expect(Object.keys(DARK).sort()).toEqual([...PALETTE_NAMES].sort());
  });

  it('falls back to the light theme where there is no page (Node)', () => {
    expect(themeColor('wait')).toBe(LIGHT.wait);
  });

  it('gives workers distinct colours, repeating after six, and the main thread its own', () => {
    const six = [0, 1, 2, 3, 4, 5].map(workerColor);
    expect(new Set(six).size).toBe(6);
    expect(workerColor(6)).toBe(WORKER_COLORS[0]);
    expect(workerColor(-1)).not.toContain(six);
    expect(six).not.toContain(workerColor(null));
  });
});

describe('theme.ts', () => {
  function memoryStorage() {
    const map = new Map<string, string>();
    return {
      map,
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
  }

  it('keeps a light or dark choice and forgets it for system', () => {
    const storage = memoryStorage();
    expect(loadTheme(storage)).toBe('system');
    saveTheme('dark', storage);
    expect(loadTheme(storage)).toBe('dark');
    saveTheme('system', storage);
    expect(storage.map.size).toBe(0);
    expect(loadTheme(storage)).toBe('system');
  });

  it('reads anything else in storage, or a storage that throws, as system', () => {
    const storage = memoryStorage();
    storage.map.set('feedline:theme', 'purple');
    expect(loadTheme(storage)).toBe('system');
    expect(loadTheme({ getItem: () => { throw new Error('SecurityError'); } })).toBe('system');
    expect(isThemeSetting('light')).toBe(true);
    expect(isThemeSetting('Light')).toBe(false);
  });

  it('resolves system from the preference and lets light or dark override it', () => {
    expect(resolveScheme('system', true)).toBe('dark');
    expect(resolveScheme('system', false)).toBe('light');
    expect(resolveScheme('light', true)).toBe('light');
    expect(resolveScheme('dark', false)).toBe('dark');
  });
});
