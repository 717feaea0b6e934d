/**
 * The teaching presets: each sets a few playground values (the rest stay at
 * DEFAULT_VALUES) and says what to look for. In order, they teach
 * prefetching: what starving looks like, how workers and prefetch feed the
 * model, where they stop helping, and how the loader survives bad data.
 * Each has a URL of its own: `?preset=<id>` (url-state.ts).
 *
 * Values stay laptop-sized: a few workers, small batches, a run of a minute
 * or less. Datasets the training run cannot use (bad images, the custom
 * module of floats) run in loader-only mode, with a simulated consumer.
 */
import type { PlaygroundValues } from './playground-values.ts';

export interface Preset {
  id: string;
  title: string;
  /** Two or three sentences: what to look for. */
  lesson: string;
  values: Partial<PlaygroundValues>;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'no-prefetch',
    title: 'No prefetch (numWorkers 0)',
    lesson:
      'With no workers the page loads each batch itself, one image request after another, and only then trains on it: ' +
      'the model waits for every batch. Watch the red share of the step row and the headline number: most of each step is waiting. ' +
      'The ring stays empty because nothing is loaded ahead.',
    values: { dataset: 'mnist-files', numWorkers: 0, epochs: 1 },
  },
  {
    id: 'workers',
    title: 'Workers keep the model fed',
    lesson:
      'The same images, now loaded by 4 workers that each keep 2 batches in flight. ' +
      'Watch the ring fill up and the lanes overlap: the next batch is ready before the step asks for it, so the red share shrinks. ' +
      'Try 1 worker, then 2, and see where adding more stops paying.',
    values: { dataset: 'mnist-files', numWorkers: 4, prefetchFactor: 2, epochs: 1 },
  },
  {
    id: 'slow-network',
    title: 'Slow network: latency hidden by prefetching',
    lesson:
      'Every image now arrives 40 to 80 ms late, like a distant server, and each step takes 100 ms more, like a bigger model (both simulated). ' +
      'Each worker keeps 8 images in flight, so 4 workers load a batch about every 60 ms, faster than the model takes one: the wait hides behind the steps and the ring stays full. ' +
      'Set numWorkers to 1: one worker needs about 240 ms a batch, the ring drains and the red share comes back.',
    values: { dataset: 'mnist', numWorkers: 4, prefetchFactor: 2, latencyMs: 40, jitterMs: 40, extraComputeMs: 100, epochs: 1 },
  },
  {
    id: 'small-files',
    title: 'Many small files vs shards',
    lesson:
      'The 8,000 digits as one request per image: each worker spends its time on requests, not on decoding. ' +
      'Note the headline number, then switch the dataset to "mnist" (4 packed shards, one request each) with the same workers: the lanes turn solid and the wait drops. ' +
      'Packing is what WebDataset does for PyTorch.',
    values: { dataset: 'mnist-files', numWorkers: 2, batchSize: 64, epochs: 1 },
  },
  {
    id: 'decode-bound',
    title: 'Decode-bound: big JPEGs',
    lesson:
      'Each image is a 160×160 JPEG resized to 32×32: decoding, not the network, is the slow part, and it runs in the workers, so their lanes fill with decode time. ' +
      'More workers decode more images at once, up to your cores; past that, the red share stays. ' +
      'Meanwhile the CNN learns the six shapes: test accuracy passes 65% in two epochs and keeps climbing.',
    values: { dataset: 'shapes-files', model: 'cnn', learningRate: 0.004, numWorkers: 2, batchSize: 32, epochs: 3 },
  },
  {
    id: 'compute-bound',
    title: 'Compute-bound: more workers do not help',
    lesson:
      'Each step now costs 150 ms more (a simulated bigger model). The workers finish long before the step does: the ring stays full and the lanes sit idle. ' +
      'The headline says compute-bound: go from 2 workers to 4 and nothing gets faster, so this is when to speed up the model, not the loader.',
    values: { dataset: 'mnist', numWorkers: 2, extraComputeMs: 150, epochs: 1 },
  },
  {
    id: 'bad-images',
    title: 'Bad images: skip and carry on',
    lesson:
      'A folder of good images mixed with a missing file, HTML saved as .png, truncated files, decompression bombs and invalid manifest items. ' +
      "With 'skip' the loader drops each bad sample, says why in the skipped list, and the batches go on, a little smaller. " +
      "Switch to 'raise' and the first bad image stops the run with an error that names it.",
    values: { dataset: 'bad-images', consumer: 'simulated', onError: 'skip', batchSize: 8, numWorkers: 2, epochs: 3, stepMs: 40 },
  },
  {
    id: 'slow-failing',
    title: 'Slow and failing samples',
    lesson:
      'A custom dataset module: every 10th sample takes 100 to 300 ms, and every 100th throws an IOError. ' +
      'The 250 ms timeout cuts the slowest, so one straggler cannot hold a batch; skipped samples are listed with their reason (error or timeout). ' +
      'Set the timeout to 0 and watch the lanes stretch behind the slow ones.',
    values: { dataset: 'error-prone', consumer: 'simulated', onError: 'skip', timeoutMs: 250, numWorkers: 4, batchSize: 32, epochs: 1, stepMs: 40 },
  },
  {
    id: 'augment',
    title: 'Augmentation: same batches whatever the worker count',
    lesson:
      'Each image is randomly cropped and flipped, drawn from (seed, epoch, index): not from which worker happens to load it. ' +
      'Look at the first batch, then change the number of workers and start again: the same images, cropped the same way. ' +
      'Change the seed and they change.',
    values: { dataset: 'shapes', augment: 'crop-flip', numWorkers: 2, seed: 7, epochs: 1 },
  },
  {
    id: 'loader-only',
    title: 'Loader only (no model)',
    lesson:
      'No training: a simulated consumer takes 40 ms per batch, so you see the loader alone. ' +
      'Lower the step time until the headline turns to input-bound: that is the fastest this loader can feed anything on your machine. ' +
      'Then add workers and see how far it goes.',
    values: { dataset: 'mnist', consumer: 'simulated', stepMs: 40, numWorkers: 2, epochs: 2 },
  },
];

/** The preset with this id, or undefined. */
export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** Where a preset's link leads: the page with `?preset=<id>` and nothing else. */
export function presetSearch(preset: Preset): string {
  return `?preset=${encodeURIComponent(preset.id)}`;
}
