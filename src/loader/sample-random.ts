/**
 * The random numbers of one sample: a generator seeded from (seed, epoch,
 * sample index) and nothing else. Which worker loads the sample, and when,
 * cannot change what it draws, so augmented batches are bit-identical for
 * any numWorkers and prefetchFactor (in PyTorch, each worker has its own
 * generator, and the same code augments differently for another num_workers).
 */
import { mixSeed, mulberry32 } from './sampler.ts';

/** Keeps a sample's stream apart from the sampler's (seed, epoch) stream. */
const SAMPLE_STREAM = 0x73616d70; // 'samp'

export interface SampleRandom {
  /** A float in [0, 1), like Python's random.random(). */
  random(): number;
  /** A float in [min, max), like torch.empty(1).uniform_(min, max). */
  uniform(min: number, max: number): number;
  /** An integer in [low, high), like torch.randint(low, high, (1,)). */
  int(low: number, high: number): number;
  /** 0..n-1 in a random order, like torch.randperm(n). */
  permutation(n: number): number[];
}

export function sampleRandom(seed: number, epoch: number, index: number): SampleRandom {
  const next = mulberry32(mixSeed(seed, epoch, index, SAMPLE_STREAM));
  return {
    random: next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (low, high) => low + Math.floor(next() * (high - low)),
    permutation(n) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      return order;
    },
  };
}
