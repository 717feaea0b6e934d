/**
 * The teaching presets: every value is a setting the playground can hold,
 * every dataset is one it offers, every preset has a lesson and a link that
 * opens it, and no two share an id.
 */
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../src/app/datasets.ts';
import { PRESETS, presetById, presetSearch } from '../../src/app/presets.ts';
import { fromSearch, presetValues } from '../../src/app/url-state.ts';
import { isValueKey, valueProblem } from '../../src/app/value-checks.ts';
import { trainFamily } from '../../src/app/train-data.ts';

describe('presets', () => {
  it('are the ten lessons, in teaching order, with unique ids', () => {
    expect(PRESETS.map((p) => p.id)).toEqual([
      'no-prefetch',
      'workers',
      'slow-network',
      'small-files',
      'decode-bound',
      'compute-bound',
      'bad-images',
      'slow-failing',
      'augment',
      'loader-only',
    ]);
    expect(presetById('workers')?.title).toBe('Workers keep the model fed');
    expect(presetById('nope')).toBeUndefined();
  });

  for (const preset of PRESETS) {
    it(`"${preset.id}" sets only valid values of real settings, on a dataset the page offers`, () => {
      for (const [key, value] of Object.entries(preset.values)) {
        expect(isValueKey(key), `${preset.id}: ${key} is a setting`).toBe(true);
        expect(valueProblem(key as Parameters<typeof valueProblem>[0], value), `${preset.id}.${key}`).toBeNull();
      }
      const dataset = preset.values.dataset;
      expect(dataset, `${preset.id} names its dataset`).toBeDefined();
      expect(DATASETS.some((d) => d.id === dataset)).toBe(true);
      // A dataset the training run cannot use must run in loader-only mode.
      if (!trainFamily(dataset!)) expect(presetValues(preset.id).consumer, preset.id).toBe('simulated');
    });

    it(`"${preset.id}" has a two-or-three-sentence lesson and a link that opens it`, () => {
      expect(preset.title.length).toBeGreaterThan(5);
      const sentences = preset.lesson.split(/(?<=[.!?])\s+/).filter(Boolean);
      expect(sentences.length, preset.lesson).toBeGreaterThanOrEqual(2);
      expect(sentences.length, preset.lesson).toBeLessThanOrEqual(3);
      const search = presetSearch(preset);
      expect(search).toBe(`?preset=${preset.id}`);
      expect(fromSearch(search)).toMatchObject({ preset: preset.id, values: presetValues(preset.id), warnings: [] });
    });
  }

  it('pairs the lessons that compare: the same files with no workers and with four', () => {
    const none = presetValues('no-prefetch');
    const four = presetValues('workers');
    expect([none.dataset, none.numWorkers]).toEqual(['mnist-files', 0]);
    expect([four.dataset, four.numWorkers]).toEqual(['mnist-files', 4]);
  });
});
