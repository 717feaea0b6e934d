/**
 * The page of share.spec.ts: opens the presets' bundled datasets the way the
 * playground does (openBundled) and loads them under 'skip', and mounts the
 * headline, the preset bar and the share bar with state the spec can drive.
 */
import { mount } from 'svelte';
import { DataLoader } from '../../src/loader/index.ts';
import { openBundled } from '../../src/app/datasets.ts';
import { DEFAULT_VALUES, type PlaygroundValues } from '../../src/app/playground-values.ts';
import { trainingVerdict, type Verdict } from '../../src/app/verdict.ts';
import type { Preset } from '../../src/app/presets.ts';
import Headline from '../../src/ui/Headline.svelte';
import PresetBar from '../../src/ui/PresetBar.svelte';
import ShareBar from '../../src/ui/ShareBar.svelte';

export interface SkipReport {
  kind: string;
  length: number;
  /** Indices delivered in the first batch. */
  delivered: number[];
  skipped: Array<{ index: number; reason: string; message: string }>;
}

/** Opens dataset `id` with openBundled and loads its first batch of `batchSize` in order under 'skip'. */
async function firstBatchSkipping(id: string, batchSize: number): Promise<SkipReport> {
  const { dataset } = await openBundled(id);
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, numWorkers: 2, onError: 'skip' });
  try {
    const it = loader.iterate();
    const { value: batch } = await it.next();
    if (!batch) throw new Error(`${id}: no batch`);
    const delivered = [...batch.indices];
    batch.release();
    await it.return?.(undefined);
    const skipped = loader.stats().skipped.map((f) => ({ index: f.index, reason: f.reason, message: f.error.message }));
    return { kind: 'kind' in dataset ? dataset.kind : 'images', length: dataset.length, delivered, skipped: skipped.sort((a, b) => a.index - b.index) };
  } finally {
    loader.close();
  }
}

// The components, with the state a page would hold.
const state = $state({ verdict: trainingVerdict({ waitMs: 0, uploadMs: 0, computeMs: 0, syncMs: 0 }, 0) as Verdict, active: null as string | null, running: false });
const picked: string[] = [];
const values: PlaygroundValues = { ...DEFAULT_VALUES, numWorkers: 4, prefetchFactor: 4 };

mount(Headline, {
  target: document.getElementById('headline')!,
  props: {
    get verdict() {
      return state.verdict;
    },
    get running() {
      return state.running;
    },
  },
});
mount(PresetBar, {
  target: document.getElementById('presets')!,
  props: {
    get active() {
      return state.active;
    },
    onPick: (preset: Preset) => {
      picked.push(preset.id);
      state.active = preset.id;
    },
  },
});
mount(ShareBar, { target: document.getElementById('share')!, props: { values, preset: null, base: 'http://example.test/' } });

Object.assign(window, {
  share: {
    firstBatchSkipping,
    setTiming: (waitMs: number, computeMs: number, steps: number) => (state.verdict = trainingVerdict({ waitMs, uploadMs: 0, computeMs, syncMs: 0 }, steps)),
    setRunning: (running: boolean) => (state.running = running),
    picked: () => [...picked],
  },
});
document.title = 'share ready';
