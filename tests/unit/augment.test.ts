import { describe, expect, it } from 'vitest';
import { jitterPixels } from '../../src/loader/augment/color-jitter.ts';
import { IDENTITY, affineMatrix, apply, compose, planAugment, resizedCropRect } from '../../src/loader/augment/plan.ts';
import { resolveAugment } from '../../src/loader/augment/spec.ts';
import { sampleRandom } from '../../src/loader/sample-random.ts';

const close = (got: [number, number], want: [number, number]) => {
  expect(got[0]).toBeCloseTo(want[0], 9);
  expect(got[1]).toBeCloseTo(want[1], 9);
};

describe('sampleRandom', () => {
  it('draws the same numbers for the same (seed, epoch, index), and other numbers for another epoch or index', () => {
    const draw = (seed: number, epoch: number, index: number) => {
      const r = sampleRandom(seed, epoch, index);
      return [r.random(), r.random(), r.random()];
    };
    expect(draw(7, 1, 42)).toEqual(draw(7, 1, 42));
    expect(draw(7, 2, 42)).not.toEqual(draw(7, 1, 42));
    expect(draw(7, 1, 43)).not.toEqual(draw(7, 1, 42));
    expect(draw(8, 1, 42)).not.toEqual(draw(7, 1, 42));
  });

  it('int(low, high) covers [low, high) and nothing else; permutation(n) holds each of 0..n-1 once', () => {
    const r = sampleRandom(1, 0, 0);
    const seen = new Set<number>();
    for (let k = 0; k < 2000; k++) seen.add(r.int(3, 9));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.permutation(10).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('resolveAugment', () => {
  it("fills torchvision's defaults and turns RandomRotation into the RandomAffine it is", () => {
    expect(
      resolveAugment([
        { type: 'RandomResizedCrop' },
        { type: 'RandomCrop', padding: [4, 2] },
        { type: 'RandomHorizontalFlip' },
        { type: 'RandomRotation', degrees: 10 },
        { type: 'ColorJitter', brightness: 0.4, contrast: [0.5, 1.5] },
      ]),
    ).toEqual([
      { type: 'RandomResizedCrop', scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
      { type: 'RandomCrop', padding: [4, 2, 4, 2] },
      { type: 'RandomHorizontalFlip', p: 0.5 },
      { type: 'RandomAffine', degrees: [-10, 10], translate: null, scale: null, interpolation: 'nearest' },
      { type: 'ColorJitter', brightness: [0.6, 1.4], contrast: [0.5, 1.5], saturation: null },
    ]);
  });

  it('refuses bad values and a misplaced transform, naming the entry and the fix', () => {
    expect(() => resolveAugment([{ type: 'RandomHorizontalFlip', p: 2 }])).toThrow('`augment[0].p` must be a probability from 0 to 1; got 2.');
    expect(() => resolveAugment([{ type: 'Blur' }])).toThrow(/`augment\[0\]` must be one of RandomResizedCrop/);
    expect(() => resolveAugment([{ type: 'RandomHorizontalFlip' }, { type: 'RandomResizedCrop' }])).toThrow(/augment\[1\]` must come first/);
    expect(() => resolveAugment([{ type: 'ColorJitter', brightness: 0.2 }, { type: 'RandomCrop', padding: 2 }])).toThrow(/must come before ColorJitter/);
    expect(() => resolveAugment([{ type: 'RandomRotation' }])).toThrow(/degrees` is required/);
    expect(() => resolveAugment([{ type: 'ColorJitter', contrast: -1 }])).toThrow(/contrast` must be non-negative/);
    expect(() => resolveAugment({ type: 'RandomCrop' })).toThrow(/must be a list/);
  });
});

describe('RandomResizedCrop parameters', () => {
  it('keeps the area fraction within scale and the aspect within ratio, inside the source', () => {
    for (let index = 0; index < 300; index++) {
      const r = resizedCropRect(sampleRandom(3, 0, index), 160, 120, [0.25, 0.5], [3 / 4, 4 / 3]);
      expect(r.left).toBeGreaterThanOrEqual(0);
      expect(r.top).toBeGreaterThanOrEqual(0);
      expect(r.left + r.width).toBeLessThanOrEqual(160);
      expect(r.top + r.height).toBeLessThanOrEqual(120);
      // Rounding w and h to whole pixels moves area and aspect a little.
      const area = (r.width * r.height) / (160 * 120);
      expect(area).toBeGreaterThan(0.25 * 0.95);
      expect(area).toBeLessThan(0.5 * 1.05);
      expect(r.width / r.height).toBeGreaterThan((3 / 4) * 0.95);
      expect(r.width / r.height).toBeLessThan((4 / 3) * 1.05);
    }
  });

  it('falls back to the central crop clamped to the ratio when ten tries cannot fit', () => {
    // 100 x 10 at scale 1 and ratio 1 needs a 32 x 32 square: never fits, so the center 10 x 10.
    expect(resizedCropRect(sampleRandom(0, 0, 0), 100, 10, [1, 1], [1, 1])).toEqual({ top: 0, left: 45, height: 10, width: 10 });
    // 10 x 100 (in ratio 0.1 < 0.5): full width, height round(10 / 0.5) = 20, centered.
    expect(resizedCropRect(sampleRandom(0, 0, 0), 10, 100, [1, 1], [0.5, 2])).toEqual({ top: 40, left: 0, height: 20, width: 10 });
  });
});

describe('geometry', () => {
  it('rotates counter-clockwise on screen about the center, then scales and translates', () => {
    const m = affineMatrix(4, 4, 90, [0, 0], 1);
    close(apply(m, 4, 2), [2, 0]); // right of center goes up
    close(apply(m, 2, 0), [0, 2]); // above center goes left
    close(apply(affineMatrix(4, 4, 0, [0, 0], 2), 0, 0), [-2, -2]);
    close(apply(affineMatrix(4, 4, 0, [3, -1], 1), 1, 1), [4, 0]);
  });

  it('compose applies the inner map first', () => {
    const shift: [number, number, number, number, number, number] = [1, 0, 0, 1, 5, 0];
    const mirror: [number, number, number, number, number, number] = [-1, 0, 0, 1, 10, 0];
    close(apply(compose(mirror, shift), 1, 0), [4, 0]); // 1 -> 6 -> 4
    close(apply(compose(shift, mirror), 1, 0), [14, 0]); // 1 -> 9 -> 14
    expect(compose(IDENTITY, shift)).toEqual(shift);
  });

  it('a certain flip mirrors x (or y) across the image; p = 0 leaves nothing to redraw', () => {
    const flip = planAugment(resolveAugment([{ type: 'RandomHorizontalFlip', p: 1 }]), sampleRandom(0, 0, 0), 30, 20, 8, 6);
    close(apply(flip.matrix!, 0, 3), [8, 3]);
    close(apply(flip.matrix!, 8, 1), [0, 1]);
    const vflip = planAugment(resolveAugment([{ type: 'RandomVerticalFlip', p: 1 }]), sampleRandom(0, 0, 0), 30, 20, 8, 6);
    close(apply(vflip.matrix!, 2, 0), [2, 6]);
    expect(planAugment(resolveAugment([{ type: 'RandomHorizontalFlip', p: 0 }]), sampleRandom(0, 0, 0), 30, 20, 8, 6)).toEqual({
      crop: null,
      matrix: null,
      interpolation: 'nearest',
      jitter: [],
    });
  });

  it('RandomCrop with padding 2 shifts by every whole offset from -2 to 2, and by nothing else', () => {
    const list = resolveAugment([{ type: 'RandomCrop', padding: 2 }]);
    const shifts = new Set<string>();
    for (let index = 0; index < 500; index++) {
      const m = planAugment(list, sampleRandom(0, 0, index), 8, 8, 8, 8).matrix ?? IDENTITY;
      expect([m[0], m[1], m[2], m[3]]).toEqual([1, 0, 0, 1]);
      shifts.add(`${m[4]},${m[5]}`);
    }
    const all = [-2, -1, 0, 1, 2].flatMap((x) => [-2, -1, 0, 1, 2].map((y) => `${x},${y}`));
    expect([...shifts].sort()).toEqual(all.sort());
  });

  it('RandomAffine draws the angle, a whole-pixel translation and the scale within their ranges', () => {
    const list = resolveAugment([{ type: 'RandomAffine', degrees: 0, translate: [0.25, 0], scale: [1, 1] }]);
    const xs = new Set<number>();
    for (let index = 0; index < 300; index++) {
      const m = planAugment(list, sampleRandom(0, 0, index), 8, 8, 8, 8).matrix!;
      expect(Number.isInteger(m[4])).toBe(true);
      expect(m[5]).toBeCloseTo(0, 12);
      xs.add(m[4]);
    }
    expect([...xs].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('the same sample draws the same plan; another epoch draws another', () => {
    const list = resolveAugment([{ type: 'RandomResizedCrop' }, { type: 'RandomRotation', degrees: 30 }, { type: 'ColorJitter', brightness: 0.5, saturation: 0.5 }]);
    const plan = (epoch: number) => planAugment(list, sampleRandom(5, epoch, 17), 160, 160, 96, 96);
    expect(plan(1)).toEqual(plan(1));
    expect(plan(2)).not.toEqual(plan(1));
    expect(plan(1).jitter.map((s) => s.op).sort()).toEqual(['brightness', 'saturation']);
  });
});

describe('ColorJitter on pixels', () => {
  const px = (...values: number[]) => Uint8ClampedArray.from(values);

  it('brightness scales toward black and truncates, clamping at 255; alpha untouched', () => {
    const rgba = px(200, 101, 51, 77);
    jitterPixels(rgba, [{ op: 'brightness', factor: 0.5 }]);
    expect([...rgba]).toEqual([100, 50, 25, 77]);
    const bright = px(200, 100, 50, 255);
    jitterPixels(bright, [{ op: 'brightness', factor: 2 }]);
    expect([...bright]).toEqual([255, 200, 100, 255]);
  });

  it('contrast blends with the mean grayscale of the whole image', () => {
    // grays: trunc(0.2989*100 + 0.587*100 + 0.114*100) = 100 (0.9999*100 = 99.99 -> 99), and 0.
    const rgba = px(100, 100, 100, 255, 0, 0, 0, 255);
    const mean = (99 + 0) / 2;
    jitterPixels(rgba, [{ op: 'contrast', factor: 0.5 }]);
    expect([...rgba]).toEqual([Math.trunc(50 + 0.5 * mean), Math.trunc(50 + 0.5 * mean), Math.trunc(50 + 0.5 * mean), 255, Math.trunc(0.5 * mean), Math.trunc(0.5 * mean), Math.trunc(0.5 * mean), 255]);
  });

  it("saturation 0 gives each pixel's grayscale, 1 leaves it, 2 pushes away from gray", () => {
    const gray = px(255, 0, 0, 255);
    jitterPixels(gray, [{ op: 'saturation', factor: 0 }]);
    expect([...gray]).toEqual([76, 76, 76, 255]); // trunc(0.2989 * 255) = 76
    const same = px(12, 34, 56, 255);
    jitterPixels(same, [{ op: 'saturation', factor: 1 }]);
    expect([...same]).toEqual([12, 34, 56, 255]);
    const vivid = px(150, 100, 100, 255); // gray trunc(44.835 + 58.7 + 11.4) = 114
    jitterPixels(vivid, [{ op: 'saturation', factor: 2 }]);
    expect([...vivid]).toEqual([186, 86, 86, 255]);
  });
});
