/**
 * The ring protocol under faults, randomized: producers (worker threads) die
 * at random points of random batches, in random ways, while the consumer
 * reads the ring in order or as batches come. Whatever happens, the consumer
 * must see every batch exactly once, intact, in sampler order when inOrder,
 * and the slots must all come back. Seeded: a failing run prints its seed
 * and plan, and reruns the same.
 */
import { describe, expect, it } from 'vitest';
import type { WorkerFault } from '../../src/loader/testing/faults.ts';
import type { RingMode } from '../../src/loader/slot-pool.ts';
import { memDataset } from './support/fake-reader.ts';
import { bounded, flat, openLoader, range, sleep, takeEpoch, wrongPixels } from './support/loader-harness.ts';
import { below, prng } from './support/random.ts';

/** More with FEEDLINE_FAULT_RUNS=n (a soak run); CI keeps it short. */
const RUNS = Number(process.env.FEEDLINE_FAULT_RUNS ?? 20);
const IMAGE = { width: 3, height: 3, channels: 3 as const };
const KINDS = ['exit', 'throw', 'hang'] as const;
const POINTS = ['start', 'mid', 'published'] as const;

interface Plan {
  seed: number;
  numWorkers: number;
  mode: RingMode;
  inOrder: boolean;
  samples: number;
  batchSize: number;
  prefetchFactor: number;
  faults: WorkerFault[];
}

function planOf(seed: number): Plan {
  const random = prng(seed);
  const numWorkers = 1 + below(random, 3);
  const batchSize = 1 + below(random, 4);
  const samples = 8 + below(random, 40);
  const batches = Math.ceil(samples / batchSize);
  const faults = Array.from({ length: 1 + below(random, 3) }, (): WorkerFault => ({
    kind: KINDS[below(random, KINDS.length)],
    at: POINTS[below(random, POINTS.length)],
    batch: below(random, batches),
    // Half the faults strike whichever worker gets the batch, half one named worker (which may never get it).
    worker: random() < 0.5 ? undefined : below(random, numWorkers),
  }));
  return {
    seed,
    numWorkers,
    mode: random() < 0.5 ? 'shared' : 'transfer',
    inOrder: random() < 0.7,
    samples,
    batchSize,
    prefetchFactor: 1 + below(random, 3),
    faults,
  };
}

describe('the ring under random producer deaths', () => {
  it(`delivers every batch exactly once, intact, in order when inOrder (${RUNS} seeded runs)`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const plan = planOf(0x5eed + run);
      const where = `run ${run}: ${JSON.stringify(plan)}`;
      const { loader, workers } = openLoader(
        plan,
        memDataset(plan.samples, IMAGE),
        { batchSize: plan.batchSize, prefetchFactor: plan.prefetchFactor, inOrder: plan.inOrder, workerTimeoutMs: 400, maxWorkerRestarts: 5 },
        { seed: plan.seed, maxDelayMs: 3 },
        { faults: plan.faults },
      );
      const seen = await bounded(
        takeEpoch(loader, Infinity, (b) => expect(wrongPixels(b, IMAGE), where).toBeNull()),
        15_000,
        where,
      );
      const batches = Math.ceil(plan.samples / plan.batchSize);
      const order = seen.map((b) => b.index);
      if (plan.inOrder) expect(order, where).toEqual(range(batches));
      else expect([...order].sort((a, b) => a - b), where).toEqual(range(batches));
      for (const b of seen) expect(b.indices, where).toEqual(range(plan.samples).slice(b.index * plan.batchSize, (b.index + 1) * plan.batchSize));
      expect(flat(seen).length, where).toBe(plan.samples);
      const stats = loader.stats();
      expect(stats.restarts.length, where).toBeLessThanOrEqual(plan.faults.length);
      expect(stats.restarts.every((r) => r.incarnation !== null), where).toBe(true);
      expect(workers.length, where).toBe(plan.numWorkers + stats.restarts.length);
      expect(stats.epochs[0], where).toMatchObject({ samples: plan.samples, delivered: plan.samples, skipped: 0, abandoned: 0, end: 'complete' });
      // Every slot comes back: none is left with a dead worker.
      await bounded(
        (async () => {
          while (loader.stats().ring.free !== loader.slots) await sleep(5);
        })(),
        3000,
        `every slot to come back, ${where}`,
      );
      loader.close();
      await bounded(Promise.all(workers.map((w) => w.exited)), 5000, `every thread to exit, ${where}`);
    }
  }, 60_000 + RUNS * 2000);
});
