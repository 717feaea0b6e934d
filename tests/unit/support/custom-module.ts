/**
 * A custom dataset module for the tests: sample i is [i, a draw from its
 * generator, args.scale], label i % 4. `args` switch on failures: a throw
 * every `failEvery`-th index, the wrong type at `wrongAt`, a sleep at
 * `slowAt`, an init() that throws in worker `initThrowsIn`, and the death of
 * the worker thread that first reaches `dieAt` (`dieOnce`, shared across
 * workers, records that one did).
 */
import { defineDataset } from '../../../src/loader/datasets/define-dataset.ts';

export interface TestArgs {
  scale: number;
  failEvery?: number;
  wrongAt?: number;
  slowAt?: number;
  slowMs?: number;
  initThrowsIn?: number;
  dieAt?: number;
  dieOnce?: SharedArrayBuffer;
}

let initialized: number | null = null;

export default defineDataset<TestArgs>({
  init(info) {
    if (info.id === info.args.initThrowsIn) throw new TypeError(`no seed for worker ${info.id}`);
    initialized = info.id;
  },
  async getItem(index, { args, random, signal, worker }) {
    if (initialized !== worker) throw new Error(`init did not run in worker ${worker}`);
    if (args.failEvery && index % args.failEvery === 0) throw new Error(`IOError: cannot read sample ${index}`);
    if (index === args.dieAt && args.dieOnce && Atomics.compareExchange(new Int32Array(args.dieOnce), 0, 0, 1) === 0) {
      process.exit(1); // in a worker thread: ends that thread only, as a crashed browser worker
    }
    if (index === args.wrongAt) return { values: new Float64Array(3) as unknown as Float32Array, label: 0 };
    if (index === args.slowAt) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, args.slowMs ?? 2000);
        signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)));
      });
    }
    return { values: new Float32Array([index, random.random(), args.scale]), label: index % 4 };
  },
});
