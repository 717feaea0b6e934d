/**
 * The main thread's side of fault injection, FOR TESTS ONLY: a DataLoader
 * whose workers act out faults (faults.ts). `spawn(id)` starts a worker that
 * exposes createFaultWorkerApi (fault-worker-api.ts): in a browser
 * workers/fault-loader.worker.ts, under Node tests/unit/support/loader-worker.ts.
 * It goes through the loader's own seam, `LoaderEnvironment.createWorker`.
 *
 * - Incarnations: a restarted worker is spawned again under the same id, so
 *   counting spawns per id tells which incarnation starts, and a fault with
 *   `times: n` arms the first n only.
 * - Arming before init: a second Comlink proxy on the worker's endpoint calls
 *   arm(faults) before the loader gets the endpoint and posts its init.
 *   Messages on one endpoint arrive in order, and Comlink matches each reply
 *   to its proxy by message id, so the two proxies ignore each other's
 *   replies (tests/unit/fault-worker-api.test.ts checks both).
 * - 'freeze': the scheduler's 'dispatch' trace event comes synchronously, as
 *   batch b is sent; on the matching one every live worker is told to stall
 *   to one deadline and the main thread blocks to it too (blockUntil). With
 *   numWorkers 0 only the main thread blocks: there is no worker.
 */
import { wrap, type Remote } from 'comlink';
import { DataLoader, type LoaderEnvironment } from '../data-loader.ts';
import type { ImageDataset } from '../dataset.ts';
import type { DataLoaderOptions } from '../options.ts';
import type { WorkerLike } from '../producers.ts';
import { blockUntil, faultsFor, freezeAt, type Fault } from './faults.ts';
import type { FaultWorkerApi } from './fault-worker-api.ts';

/** What faultLoader() takes besides the faults: the loader's environment, with `spawn` for `createWorker`. */
export interface FaultEnvironment extends Omit<LoaderEnvironment, 'createWorker'> {
  /** Starts a worker that exposes createFaultWorkerApi. */
  spawn(id: number): WorkerLike;
}

export class FaultRig {
  readonly #incarnations = new Map<number, number>(); // worker id -> workers spawned for it so far
  readonly #live = new Set<Remote<FaultWorkerApi>>(); // spawned and not yet terminated

  constructor(
    readonly faults: readonly Fault[],
    readonly spawn: (id: number) => WorkerLike,
  ) {}

  /** For `LoaderEnvironment.createWorker`: spawns worker `id`, armed with its incarnation's faults. */
  readonly createWorker = (id: number): WorkerLike => {
    const incarnation = this.#incarnations.get(id) ?? 0;
    this.#incarnations.set(id, incarnation + 1);
    const worker = this.spawn(id);
    const remote = wrap<FaultWorkerApi>(worker);
    const faults = faultsFor(this.faults, id, incarnation);
    if (faults) void remote.arm(faults); // posted now, so ahead of the loader's init
    this.#live.add(remote);
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer),
      addEventListener: (type, listener, options) => worker.addEventListener(type, listener, options),
      removeEventListener: (type, listener, options) => worker.removeEventListener(type, listener, options),
      terminate: () => {
        this.#live.delete(remote);
        return worker.terminate();
      },
    };
  };

  /** Acts out the 'freeze' faults while `loader` runs. Returns the unsubscribe function. */
  watch(loader: DataLoader): () => void {
    if (!this.faults.some((f) => f.kind === 'freeze')) return () => {};
    return loader.onTrace((event) => {
      if (event.phase === 'dispatch') this.#freeze(freezeAt(this.faults, event.epoch, event.batch));
    });
  }

  /** Every thread stops until one deadline, as in a frozen page. */
  #freeze(ms: number): void {
    if (ms <= 0) return;
    const until = performance.timeOrigin + performance.now() + ms;
    for (const remote of this.#live) void remote.stall(until).catch(() => {});
    blockUntil(until);
  }
}

/** A DataLoader whose workers act out `faults`, in the environment `env` (see the top of this file). */
export function faultLoader(dataset: ImageDataset, options: DataLoaderOptions, faults: readonly Fault[], env: FaultEnvironment): DataLoader {
  const { spawn, ...rest } = env;
  const rig = new FaultRig(faults, spawn);
  const loader = new DataLoader(dataset, options, { ...rest, createWorker: rig.createWorker });
  rig.watch(loader);
  return loader;
}
