/**
 * The playground's settings in the URL: only non-defaults are written, every
 * setting round-trips, bad params are dropped with a warning (never a throw),
 * a preset applies before explicit params, and hide= and theme= read back.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUES, type PlaygroundValues } from '../../src/app/playground-values.ts';
import { fromSearch, PARAMS, presetValues, toSearch } from '../../src/app/url-state.ts';

/** Every field set away from its default. */
const EVERY_FIELD: PlaygroundValues = {
  dataset: 'shapes-files',
  manifestUrl: 'https://data.example.org/pets/manifest.json?v=2&x=a b',
  consumer: 'simulated',
  model: 'cnn-tiny',
  backend: 'webgl',
  optimizer: 'sgd',
  learningRate: 0.05,
  epochs: 7,
  batchSize: 64,
  numWorkers: 4,
  prefetchFactor: 3,
  shuffle: false,
  seed: 1234,
  inOrder: false,
  cache: true,
  onError: 'retry',
  timeoutMs: 250,
  augment: 'crop-flip',
  latencyMs: 40,
  jitterMs: 20,
  extraComputeMs: 150,
  stepMs: 12,
};

describe('url state', () => {
  it('writes nothing for the defaults, and reads nothing back as the defaults', () => {
    expect(toSearch({ ...DEFAULT_VALUES })).toBe('');
    expect(fromSearch('')).toEqual({ values: { ...DEFAULT_VALUES }, preset: null, hide: [], theme: 'system', warnings: [] });
  });

  it('writes only what differs from the defaults, under short readable names', () => {
    expect(toSearch({ ...DEFAULT_VALUES, numWorkers: 4, prefetchFactor: 4 })).toBe('?workers=4&prefetch=4');
    expect(toSearch({ ...DEFAULT_VALUES, shuffle: false, learningRate: 0.01 })).toBe('?lr=0.01&shuffle=0');
  });

  it('round-trips every field set away from its default', () => {
    for (const key of Object.keys(EVERY_FIELD) as (keyof PlaygroundValues)[]) {
      expect(EVERY_FIELD[key], key).not.toBe(DEFAULT_VALUES[key]);
    }
    const search = toSearch(EVERY_FIELD);
    expect(search.split('&')).toHaveLength(Object.keys(PARAMS).length);
    expect(search).toContain('workers=4');
    expect(search).toContain('cache=1');
    const back = fromSearch(search);
    expect(back.warnings).toEqual([]);
    expect(back.values).toEqual(EVERY_FIELD);
  });

  it('drops unknown params and invalid values with one warning each, and keeps the rest', () => {
    const r = fromSearch('?workers=99&batch=abc&prefetch=&lr=0&shuffle=maybe&dataset=cifar&model=resnet&colour=red&workers2=1&epochs=2&seed=1.5');
    expect(r.values).toEqual({ ...DEFAULT_VALUES, epochs: 2 });
    expect(r.warnings).toEqual([
      "workers: numWorkers must be a whole number from 0 to 16, or 'auto'; got 99; kept auto",
      'batch: batchSize must be a whole number from 1 to 1024; got "abc"; kept 32',
      "prefetch: prefetchFactor must be a whole number from 1 to 16, or 'auto'; got \"\"; kept auto",
      'lr: learningRate must be a number above 0 and at most 10; got 0; kept 0.001',
      'shuffle: shuffle must be true or false; got "maybe"; kept 1',
      expect.stringMatching(/^dataset: dataset must be one of fixtures, mnist, mnist-files, shapes, shapes-files, bad-images, error-prone.*; got "cifar"; kept mnist$/),
      'model: model must be one of linear, mlp, cnn, cnn-tiny; got "resnet"; kept mlp',
      'unknown param "colour" dropped',
      'unknown param "workers2" dropped',
      'seed: seed must be a whole number from 0 to 4294967295; got 1.5; kept 0',
    ]);
  });

  it("refuses the user's folder in a link, and does not write it", () => {
    expect(fromSearch('?dataset=folder').warnings).toEqual([`dataset: dataset "folder" is the user's own folder, which a link or a preset cannot carry; kept mnist`]);
    expect(toSearch({ ...DEFAULT_VALUES, dataset: 'folder', numWorkers: 3 })).toBe('?workers=3');
  });

  it('passes over page params that are not settings (coi) without a warning', () => {
    expect(fromSearch('?coi=0&workers=1')).toMatchObject({ values: { numWorkers: 1 }, warnings: [] });
  });

  it('applies a preset, then explicit params over it, whatever their order in the URL', () => {
    const r = fromSearch('?workers=1&preset=slow-network&latency=100');
    expect(r.preset).toBe('slow-network');
    expect(r.warnings).toEqual([]);
    expect(r.values).toEqual({ ...DEFAULT_VALUES, ...presetValues('slow-network'), numWorkers: 1, latencyMs: 100 });
    expect(r.values.extraComputeMs).toBe(100); // from the preset, not overridden
  });

  it("writes a preset's link as the preset and only what differs from it, and round-trips it", () => {
    const values = { ...presetValues('slow-network'), numWorkers: 1 };
    const search = toSearch(values, { preset: 'slow-network' });
    expect(search).toBe('?preset=slow-network&workers=1');
    expect(fromSearch(search)).toMatchObject({ values, preset: 'slow-network', warnings: [] });
    // A setting put back to its default, away from the preset's, is written too.
    expect(toSearch({ ...presetValues('compute-bound'), extraComputeMs: 0 }, { preset: 'compute-bound' })).toBe('?preset=compute-bound&compute=0');
  });

  it('reports an unknown preset and reads the other params over the defaults', () => {
    const r = fromSearch('?preset=turbo&workers=3');
    expect(r.preset).toBeNull();
    expect(r.values).toEqual({ ...DEFAULT_VALUES, numWorkers: 3 });
    expect(r.warnings).toEqual([expect.stringMatching(/^preset: no preset "turbo" \(presets: no-prefetch, workers, /)]);
  });

  it('reads hide= as control groups, dropping unknown ones, and writes them back in a stable order', () => {
    const r = fromSearch('?hide=workers,cache,,magic,workers');
    expect(r.hide).toEqual(['workers', 'cache']);
    expect(r.warnings).toEqual([expect.stringMatching(/^hide: no control group "magic" \(groups: dataset, model, /)]);
    const search = toSearch({ ...DEFAULT_VALUES }, { hide: ['cache', 'workers'] });
    expect(search).toBe('?hide=workers,cache');
    expect(fromSearch(search).hide).toEqual(['workers', 'cache']);
  });

  it('reads theme=light|dark, warns on another, and writes nothing for the system theme', () => {
    expect(fromSearch('?theme=dark').theme).toBe('dark');
    expect(fromSearch('?theme=pink')).toMatchObject({ theme: 'system', warnings: ['theme must be one of system, light, dark; got "pink"'] });
    expect(toSearch({ ...DEFAULT_VALUES }, { theme: 'light' })).toBe('?theme=light');
    expect(toSearch({ ...DEFAULT_VALUES }, { theme: 'system' })).toBe('');
  });

  it("reads and writes numWorkers and prefetchFactor 'auto', and names 'auto' when refusing another word", () => {
    // 'auto' is the default: a link writes it only over a preset that fixes a number.
    expect(DEFAULT_VALUES.numWorkers).toBe('auto');
    expect(toSearch({ ...DEFAULT_VALUES, numWorkers: 2, prefetchFactor: 3 })).toBe('?workers=2&prefetch=3');
    expect(toSearch({ ...presetValues('slow-network'), numWorkers: 'auto' }, { preset: 'slow-network' })).toBe('?preset=slow-network&workers=auto');
    const state = fromSearch('?preset=slow-network&workers=auto&prefetch=auto');
    expect(state.values.numWorkers).toBe('auto');
    expect(state.values.prefetchFactor).toBe('auto');
    expect(state.warnings).toEqual([]);
    expect(fromSearch('?workers=2').values).toMatchObject({ numWorkers: 2, prefetchFactor: 'auto' });
    const bad = fromSearch('?workers=automatic&prefetch=Auto');
    expect(bad.values.numWorkers).toBe(DEFAULT_VALUES.numWorkers);
    expect(bad.values.prefetchFactor).toBe(DEFAULT_VALUES.prefetchFactor);
    expect(bad.warnings).toEqual([
      `workers: numWorkers must be a whole number from 0 to 16, or 'auto'; got "automatic"; kept ${DEFAULT_VALUES.numWorkers}`,
      `prefetch: prefetchFactor must be a whole number from 1 to 16, or 'auto'; got "Auto"; kept ${DEFAULT_VALUES.prefetchFactor}`,
    ]);
    // Settings without 'auto' still refuse it.
    expect(fromSearch('?epochs=auto').warnings).toEqual([`epochs: epochs must be a whole number from 1 to 100; got "auto"; kept ${DEFAULT_VALUES.epochs}`]);
  });

  it('reads booleans as 1/0, true/false and on/off, and numbers only from plain decimal text', () => {
    expect(fromSearch('?shuffle=false&cache=on&inorder=0').values).toMatchObject({ shuffle: false, cache: true, inOrder: false });
    expect(fromSearch('?lr=1e-4').values.learningRate).toBe(0.0001);
    expect(fromSearch('?workers=%204').warnings).toHaveLength(1);
    expect(fromSearch('?workers=0x3').warnings).toHaveLength(1);
  });
});
