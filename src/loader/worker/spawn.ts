/**
 * Starts one loader worker (worker/entry.ts) as a module Worker.
 *
 * This is the source-mode version, for an app that compiles src/loader
 * itself (this repo's app, under Vite): Vite finds the worker from this exact
 * expression (static options) and bundles it. The library build
 * (scripts/build-lib.ts) swaps this module for spawn-inline.ts, which starts
 * the same code from a Blob URL, so that an app using the package needs no
 * bundler configuration.
 */
import type { WorkerLike } from '../producers.ts';

export function createModuleWorker(): WorkerLike {
  return new Worker(new URL('./entry.ts', import.meta.url), { type: 'module', name: 'feedline-loader' });
}
