/**
 * Starts one loader worker from code inlined in the bundle: the library
 * build's replacement for spawn.ts (scripts/build-lib.ts swaps them).
 *
 * The worker's code (worker/entry.ts with comlink and idb, one ES module) is a
 * string in the package, started from a Blob URL as a module worker. Why not
 * a worker file next to the bundle: an app's Vite dev server pre-bundles
 * dependencies into node_modules/.vite/deps/, and Vite 7's (esbuild) copy
 * keeps `new URL('./worker.js', import.meta.url)` as is, so it points at a
 * file that is not there and every worker fails to start (tried with Vite
 * 7.3.8; Vite 8 rewrites the URL). A Blob URL needs no file: it works the
 * same under any bundler, dev server or plain ES modules, with no setting
 * in the app. The cost: a page with a Content-Security-Policy must allow
 * `worker-src blob:`.
 *
 * A Blob worker inherits the page's cross-origin isolation (COEP), so the
 * shared ring works in it. Relative URLs cannot be resolved against a blob:
 * URL; the dataset resolves every source against the page first.
 */
import type { WorkerLike } from '../producers.ts';

/** The bundled worker/entry.ts, put here by the library build (esbuild `define`). */
declare const FEEDLINE_WORKER_SOURCE: string;

let url: string | null = null; // one Blob URL per page, kept for restarts and later loaders

export function createModuleWorker(): WorkerLike {
  url ??= URL.createObjectURL(new Blob([FEEDLINE_WORKER_SOURCE], { type: 'text/javascript' }));
  return new Worker(url, { type: 'module', name: 'feedline-loader' });
}
