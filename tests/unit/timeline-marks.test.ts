/**
 * The timeline's mark labels: each starts just right of its tick inside the
 * canvas, and one that would run into a newer label is left out, so two
 * changes made close together never print over each other.
 */
import { describe, expect, it } from 'vitest';
import { markLabelPlaces } from '../../src/ui/timeline-paint.ts';

describe('markLabelPlaces', () => {
  it('puts each label 3 px right of its tick when they are far apart', () => {
    expect(markLabelPlaces([{ px: 10, width: 40 }, { px: 100, width: 40 }], 400)).toEqual([13, 103]);
  });

  it('keeps the newest of two close marks and leaves out the older label', () => {
    // "resumed" at 300 and "paused" at 320: the older one's label would end at 353, past 323.
    expect(markLabelPlaces([{ px: 300, width: 50 }, { px: 320, width: 40 }], 400)).toEqual([null, 323]);
  });

  it('pulls a label at the right edge back inside the canvas', () => {
    expect(markLabelPlaces([{ px: 390, width: 40 }], 400)).toEqual([358]);
  });

  it('gives an empty list for no marks', () => {
    expect(markLabelPlaces([], 400)).toEqual([]);
  });
});
