/**
 * Which Chromium the browser tests (and the bench) drive. Playwright cannot
 * download its own browsers on machines without internet, so we look for one:
 * $CHROMIUM_PATH, then Debian's /usr/bin/chromium, then Playwright's own
 * browser where `npx playwright install chromium` has put one (a laptop).
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here.
  }
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

/** The path, or exit with one line that says how to get a browser. */
export function requireChromium(): string {
  const path = findChromium();
  if (path) return path;
  console.error(
    'No Chromium found: install one (`apt-get install chromium`, or `npx playwright install chromium`) or set CHROMIUM_PATH to its executable.',
  );
  process.exit(1);
}
