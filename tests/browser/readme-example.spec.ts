/**
 * The README's library example, run as written: the first ```ts block under
 * its library heading, with only its `from 'feedline'` import pointed at the
 * source (/src/loader/index.ts, served by the Vite dev server) and any
 * bundled manifest at the fixtures. It must read one whole epoch, see every
 * class, close, and print the line the README says it prints, on a page with
 * the shared ring and on one without cross-origin isolation.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { transform } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FIXTURES = '/datasets/fixtures/manifest.json';
const fixtureClasses: string[] = JSON.parse(readFileSync(join(ROOT, 'public', FIXTURES), 'utf8')).classes;

/** The first ```ts block between the README's library heading and the next heading of its level. */
function libraryExample(markdown: string): string {
  const heading = /^(#{1,6}) .*\blibrary\b.*$/im.exec(markdown);
  if (!heading) throw new Error('README.md has no heading that names the library');
  const rest = markdown.slice(heading.index + heading[0].length);
  const next = new RegExp(`^#{1,${heading[1].length}} `, 'm').exec(rest);
  const section = next ? rest.slice(0, next.index) : rest;
  const block = /^```ts\n([\s\S]*?)^```$/m.exec(section);
  if (!block) throw new Error(`README.md: no \`\`\`ts block under "${heading[0]}"`);
  return block[1];
}

/** The example as a module the page can import: types stripped, 'feedline' and manifests rewritten. */
async function runnable(origin: string): Promise<string> {
  const { code } = await transform(libraryExample(README), { loader: 'ts', format: 'esm', target: 'es2022' });
  let imports = 0;
  const js = code
    .replace(/from\s*(['"])feedline\1/g, () => {
      imports++;
      return `from ${JSON.stringify(`${origin}/src/loader/index.ts`)}`;
    })
    .replace(/(['"])[^'"\n]*\/manifest\.json\1/g, JSON.stringify(FIXTURES));
  expect(imports, "the README example imports from 'feedline'").toBeGreaterThan(0);
  return js;
}

/** Imports `js` in the page; resolves once the module (top-level awaits included) has run to its end. */
async function runInPage(page: Page, js: string): Promise<void> {
  await page.evaluate(async (source) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    try {
      await import(/* @vite-ignore */ url);
    } finally {
      URL.revokeObjectURL(url);
    }
  }, js);
}

for (const { query, isolated } of [
  { query: '', isolated: true },
  { query: '?coi=0', isolated: false },
]) {
  test(`the README's library example reads a whole epoch and prints what the README says (${isolated ? 'shared ring' : 'transfer mode'})`, async ({ page }) => {
    const printed: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'log') printed.push(msg.text());
      // The harness page names no icon, so the browser's own /favicon.ico request is a 404.
      if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) errors.push(`console: ${msg.text()}`);
    });
    await page.goto(`/tests/browser/harness.html${query}`);
    await expect(page).toHaveTitle(/ready/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);

    await runInPage(page, await runnable(new URL(page.url()).origin));

    const lines = printed.map((text) => /^(\d+) of (\d+) batches, classes: (.*)$/.exec(text)).filter((m) => m !== null);
    expect(lines).toHaveLength(1);
    const [line, batches, length, classes] = lines[0];
    expect(Number(batches)).toBeGreaterThan(0);
    expect(batches).toBe(length);
    expect(classes.split(', ')).toEqual([...fixtureClasses].sort());
    // The output the README promises is the output the example gives.
    expect(README.replace(/\s+/g, ' ')).toContain(`prints \`${line}\``);
    expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
    expect(errors).toEqual([]);
  });
}
