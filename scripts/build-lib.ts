/**
 * Builds the package into dist/ (`npm run build:lib`):
 *
 *   dist/index.js     'feedline': src/loader, ES module; comlink and idb stay imports
 *   dist/train.js     'feedline/train': src/train; imports the loader from 'feedline'
 *                     (one copy of its classes for both entries) and tfjs as a peer
 *   dist/types/       declarations from tsc (tsconfig.lib.json), their relative
 *                     imports rewritten from .ts to .js (tsc keeps the sources'
 *                     .ts in declarations, which a consumer's tsc refuses)
 *
 * The loader's worker (src/loader/worker/entry.ts, with comlink and idb) is
 * bundled into one ES module and inlined into dist/index.js as a string:
 * spawn-inline.ts replaces spawn.ts and starts it from a Blob URL (why: see
 * spawn-inline.ts).
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { build, type Plugin } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const src = (path: string) => join(root, 'src', path);

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'warning' } as const;

/** The worker as one self-contained ES module: a Blob URL cannot import anything. */
async function workerSource(): Promise<string> {
  const out = await build({ ...common, entryPoints: [src('loader/worker/entry.ts')], minify: true, write: false, legalComments: 'inline' });
  return out.outputFiles[0].text;
}

/** spawn.ts -> spawn-inline.ts, for the loader's bundle. */
const inlineWorker: Plugin = {
  name: 'feedline-inline-worker',
  setup(b) {
    b.onResolve({ filter: /\/spawn\.ts$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/spawn\.ts$/, 'spawn-inline.ts')) }));
  },
};

/** src/train imports the loader through its index only: that import becomes the package's own 'feedline'. */
const loaderAsPackage: Plugin = {
  name: 'feedline-loader-external',
  setup(b) {
    b.onResolve({ filter: /\/loader\/index\.ts$/ }, () => ({ path: 'feedline', external: true }));
  },
};

/** `from './x.ts'` -> `from './x.js'` in every emitted declaration (and `import('./x.ts')` types). */
function rewriteDeclarationImports(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

async function main(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  const worker = await workerSource();
  await build({
    ...common,
    entryPoints: { index: src('loader/index.ts') },
    outdir: dist,
    sourcemap: true,
    external: ['comlink', 'idb'],
    define: { FEEDLINE_WORKER_SOURCE: JSON.stringify(worker) },
    plugins: [inlineWorker],
  });
  await build({
    ...common,
    entryPoints: { train: src('train/index.ts') },
    outdir: dist,
    sourcemap: true,
    external: ['feedline', '@tensorflow/*'],
    plugins: [loaderAsPackage],
  });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
  rewriteDeclarationImports(join(dist, 'types'));
  console.log(`build:lib: dist/index.js (worker inlined: ${(worker.length / 1024).toFixed(1)} KB), dist/train.js, dist/types/`);
}

await main();
