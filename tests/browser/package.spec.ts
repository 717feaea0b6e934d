/**
 * Feedline as a package: `npm pack`, installed into a fixture app outside the
 * repo (tests/package/app), imported by name. The app loads two batches of
 * the fixture dataset through two workers with no bundler setting beyond the
 * COOP/COEP headers: under Vite's dev server, under `vite build` + `vite
 * preview`, and as plain ES modules with an import map. Each page's batches
 * are checked to the byte against the fixture formula.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { FIXTURE, fixtureLabel, fixtureRgb } from '../fixtures/pattern.ts';
import { REPO, importMapHash, installFixtureApp, linkTfjs, run, startStatic, startVite, type FixtureApp } from '../package/fixture-app.ts';
import { watchErrors } from './page-errors.ts';

interface AppResult {
  mode?: string;
  isolated?: boolean;
  batches?: Array<{ labels: number[]; indices: number[]; shape: number[]; pixels: number[] }>;
  /** The app's CustomDataset (tests/package/app/tiny-dataset.ts): [values, labels] per batch; bundled pages only. */
  custom?: number[][][];
  error?: string;
}

test.describe.configure({ mode: 'serial' });

let app: FixtureApp;

test.beforeAll(async () => {
  test.setTimeout(240_000); // npm pack builds the package; npm install may fetch from the registry
  app = installFixtureApp();
});

test.afterAll(() => app?.remove());

/** Opens the app's page and returns what it wrote, with every page error seen meanwhile. */
async function appResult(page: Page, url: string): Promise<{ result: AppResult; errors: string[] }> {
  const errors = watchErrors(page);
  await page.goto(url);
  await expect(page).toHaveTitle(/^(done|failed)$/);
  return { result: JSON.parse((await page.locator('#result').textContent()) ?? '{}') as AppResult, errors };
}

/** Two batches of 3 from the app's custom dataset module, run in 2 workers (worker w ran init with id w). */
function expectCustomBatches(result: AppResult): void {
  expect(result.custom).toHaveLength(2);
  result.custom!.forEach(([values, labels], b) => {
    expect(labels).toEqual([0, 1, 2]);
    expect(values.filter((_, k) => k % 3 !== 2)).toEqual([0, 1, 2].flatMap((j) => [3 * b + j, 3 * b + j + 100]));
    expect([0, 1]).toContain(values[2]);
  });
}

/** The app's first two batches (4 samples each, no shuffle), byte for byte. */
function expectFixtureBatches(result: AppResult, mode: 'shared' | 'transfer'): void {
  expect(result.error).toBeUndefined();
  expect(result.mode).toBe(mode);
  expect(result.isolated).toBe(mode === 'shared');
  const expected = [0, 1].map((b) => {
    const indices = [0, 1, 2, 3].map((j) => 4 * b + j);
    return {
      labels: indices.map(fixtureLabel),
      indices,
      shape: [4, FIXTURE.height, FIXTURE.width, 3],
      pixels: indices.flatMap((i) => [...fixtureRgb(i)]),
    };
  });
  expect(result.batches).toEqual(expected);
}

test('the tarball holds the built package only; its types check an app, and its two entries share the loader classes', () => {
  expect(app.packed.filter((path) => !path.startsWith('dist/')).sort()).toEqual(['README.md', 'package.json']);
  expect(app.packed).toEqual(expect.arrayContaining(['dist/index.js', 'dist/train.js', 'dist/types/loader/index.d.ts', 'dist/types/train/index.d.ts']));
  // The app's main.ts against the installed declarations (skipLibCheck off: every declaration is checked).
  run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app.dir, 'tsconfig.json')], app.dir);
  linkTfjs(app);
  const exported = JSON.parse(run(process.execPath, ['exports.mjs'], app.dir));
  expect(exported.trainerError).toEqual({ name: 'OptionError', isOptionError: true, isFeedlineError: true });
  expect(exported.loader).toEqual([
    'Batch',
    'CustomDataset',
    'DataLoader',
    'FeedlineError',
    'ImageDataset',
    'ImageFolder',
    'LoaderClosedError',
    'ManifestError',
    'OptionError',
    'SampleError',
    'TensorDataset',
    'WorkerError',
    'clearSampleCache',
    'defineDataset',
    'listDrop',
    'listFileList',
    'normalizeChannels',
    'ringSlotCount',
    'sampleCacheInfo',
    'sharedMemoryAvailable',
  ]);
  expect(exported.train).toEqual([
    'BACKENDS',
    'BackendError',
    'CheckpointError',
    'DeviceLostError',
    'OPTIMIZERS',
    'PRESETS',
    'Trainer',
    'loaderAsTfDataset',
    'parsePreference',
    'preset',
    'selectBackend',
  ]);
});

test("loads exact batches in 'shared' mode under the app's Vite dev server", async ({ page }) => {
  const server = await startVite(app);
  try {
    const { result, errors } = await appResult(page, server.url);
    expectFixtureBatches(result, 'shared');
    expectCustomBatches(result);
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});

test("loads exact batches in 'shared' mode from the app's production build (vite build + vite preview)", async ({ page }) => {
  run(process.execPath, [join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], app.dir);
  const server = await startVite(app, ['preview']);
  try {
    const { result, errors } = await appResult(page, server.url);
    expectFixtureBatches(result, 'shared');
    expectCustomBatches(result);
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});

test("works as plain ES modules with an import map: 'shared' with COOP/COEP, 'transfer' without; a strict CSP needs worker-src blob:", async ({
  browser,
}) => {
  const server = await startStatic(app);
  const policy = (workers: string) =>
    encodeURIComponent(`default-src 'self'; img-src 'self' data:; script-src 'self' ${importMapHash()}; worker-src ${workers}`);
  // A fresh page for each: a page's cross-origin isolation is decided when its browsing context group is.
  const visit = async (query: string) => {
    const page = await browser.newPage();
    try {
      return await appResult(page, server.url + query);
    } finally {
      await page.close();
    }
  };
  try {
    const shared = await visit('');
    expectFixtureBatches(shared.result, 'shared');
    expect(shared.errors).toEqual([]);

    const transfer = await visit('?coi=0');
    expectFixtureBatches(transfer.result, 'transfer');
    expect(transfer.errors).toEqual([]);

    const strict = await visit(`?csp=${policy("'self' blob:")}`);
    expectFixtureBatches(strict.result, 'shared');
    expect(strict.errors).toEqual([]);

    const noBlob = await visit(`?csp=${policy("'self'")}`);
    expect(noBlob.result.error).toMatch(/WorkerError: DataLoader worker \d/);
    expect(noBlob.errors.join('\n')).toMatch(/Content Security Policy/);
  } finally {
    await server.stop();
  }
});

test('neither the built library nor the built app carries fault-injection code', async () => {
  test.setTimeout(180_000);
  const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const esbuild = await import('esbuild');
  // The marker is the message every injected fault carries: it is in the test worker's bundle...
  const MARKER = 'fault injected';
  const testWorker = await esbuild.build({
    entryPoints: [join(REPO, 'workers', 'fault-loader.worker.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  expect(testWorker.outputFiles[0].text).toContain(MARKER);
  // ...and in no file of the library's dist/ (built by beforeAll) or of the app's production build.
  const appOut = mkdtempSync(join(tmpdir(), 'feedline-app-build-'));
  try {
    run(process.execPath, [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', appOut, '--emptyOutDir', '--logLevel', 'error'], REPO);
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(m?js|html)$/.test(f)).map((f) => join(dir, f));
    const built = [...files(join(REPO, 'dist')), ...files(appOut)];
    expect(built.some((f) => f.includes('assets'))).toBe(true); // the app build really wrote its chunks
    const carrying = built.filter((f) => readFileSync(f, 'utf8').includes(MARKER));
    expect(carrying).toEqual([]);
  } finally {
    rmSync(appOut, { recursive: true, force: true });
  }
});
