/**
 * Example 3, the dataset: slow reads, and an IOError on every hundredth index.
 * The loop that loads it is error-prone-loop.ts.
 *
 * PyTorch:
 *
 *   class ErrorProneDataset(Dataset):
 *       def __len__(self):
 *           return 1000
 *       def __getitem__(self, idx):
 *           time.sleep(2)  # a slow read
 *           if idx % 100 == 0:
 *               raise IOError(f"could not read sample {idx}")
 *           return torch.randn(10), torch.randint(0, 2, ()).item()
 *
 * Feedline: the module's default export is defineDataset({ init, getItem }).
 * The loader starts each worker from this module; `init` runs once in each
 * (PyTorch's worker_init_fn), `getItem` per sample. `args` are plain data
 * from the main thread: here how long a read sleeps and which samples are
 * slow (every one, as above, when slowEvery is 1).
 */
import { defineDataset } from '../src/loader/index.ts'; // in your app: from 'feedline'
import { generator, normal } from './random.ts';

export interface ErrorProneArgs {
  /** How long a slow read sleeps: 2000 in the PyTorch code. */
  sleepMs: number;
  /** Sample i is slow when i % slowEvery === slowEvery - 1: every sample when 1. */
  slowEvery: number;
}

class IOError extends Error {
  override name = 'IOError';
}

/** This worker's own generator, seeded from its id: worker_init_fn=lambda worker_id: torch.manual_seed(worker_id). */
let workerRandom: (() => number) | null = null;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    // timeoutMs and a stopped epoch abort the signal: stop sleeping then.
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

export default defineDataset<ErrorProneArgs>({
  init({ id }) {
    workerRandom = generator(id);
  },
  async getItem(index, { args, signal, random }) {
    if (!workerRandom) throw new Error('init() has not run in this worker');
    if (index % args.slowEvery === args.slowEvery - 1) {
      // The per-worker generator only jitters the time (0.5x to 1.5x); the values
      // come from `random`, seeded from (seed, epoch, index): the same for any numWorkers.
      await sleep(args.sleepMs * (0.5 + workerRandom()), signal);
    }
    if (index % 100 === 0) throw new IOError(`could not read sample ${index}`);
    const values = Float32Array.from({ length: 10 }, () => normal(random.random)); // torch.randn(10)
    return { values, label: random.int(0, 2) }; // torch.randint(0, 2, ())
  },
});
