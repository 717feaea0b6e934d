/** Pixel transforms (src/loader/transforms.ts): RGBA to channels and dtype, and fit geometry. */
import { describe, expect, it } from 'vitest';
import { normalizeTable, placement, rgbaToFloat32, rgbaToUint8 } from '../../src/loader/worker/transforms.ts';

const CANARY = 0xa5;

/** rgba pixels from [r, g, b, a] tuples. */
const rgba = (...pixels: number[][]) => Uint8ClampedArray.from(pixels.flat());

describe('rgbaToUint8', () => {
  const src = rgba([10, 200, 30, 40], [255, 0, 128, 255], [7, 7, 7, 0]);

  it('keeps all four channels for channels 4, at the offset, touching nothing around it', () => {
    const out = new Uint8Array(2 + 12 + 2).fill(CANARY);
    rgbaToUint8(src, 4, out, 2);
    expect(Array.from(out)).toEqual([CANARY, CANARY, 10, 200, 30, 40, 255, 0, 128, 255, 7, 7, 7, 0, CANARY, CANARY]);
  });

  it('drops alpha for channels 3', () => {
    const out = new Uint8Array(1 + 9 + 1).fill(CANARY);
    rgbaToUint8(src, 3, out, 1);
    expect(Array.from(out)).toEqual([CANARY, 10, 200, 30, 255, 0, 128, 7, 7, 7, CANARY]);
  });

  it('maps every gray pixel (v, v, v) to exactly v for channels 1, whatever its alpha', () => {
    const grays = Array.from({ length: 256 }, (_, v) => [v, v, v, 255 - v]);
    const out = new Uint8Array(256);
    rgbaToUint8(rgba(...grays), 1, out, 0);
    expect(Array.from(out)).toEqual(Array.from({ length: 256 }, (_, v) => v));
  });

  it('weighs red, green and blue as 77, 150 and 29 out of 256 for channels 1', () => {
    const out = new Uint8Array(3 + 6 + 1).fill(CANARY);
    rgbaToUint8(rgba([255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [10, 200, 30, 40], [255, 255, 255, 0], [0, 0, 0, 9]), 1, out, 3);
    // (77*255+128)>>8 = 77; (150*255+128)>>8 = 149; (29*255+128)>>8 = 29; (770+30000+870+128)>>8 = 124
    expect(Array.from(out)).toEqual([CANARY, CANARY, CANARY, 77, 149, 29, 124, 255, 0, CANARY]);
  });
});

describe('normalizeTable', () => {
  it("is torchvision's ToTensor + Normalize for each byte value and channel", () => {
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const table = normalizeTable(3, mean, std);
    expect(table.length).toBe(3 * 256);
    expect(table[0]).toBeCloseTo(-2.117904, 6); // (0 - 0.485) / 0.229
    expect(table[255]).toBeCloseTo(2.248908, 6); // (1 - 0.485) / 0.229
    expect(table[256 + 128]).toBeCloseTo(0.205182, 6); // (128/255 - 0.456) / 0.224
    expect(table[512 + 255]).toBeCloseTo(2.64, 6); // (1 - 0.406) / 0.225
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) expect(table[c * 256 + v]).toBe(Math.fround((v / 255 - mean[c]) / std[c]));
    }
  });

  it('is plain v / 255 with mean 0 and std 1', () => {
    const table = normalizeTable(1, [0], [1]);
    expect([table[0], table[51], table[255]]).toEqual([0, Math.fround(0.2), 1]);
  });
});

describe('rgbaToFloat32', () => {
  it('converts then normalizes per channel, at the offset', () => {
    const table = normalizeTable(3, [0.5, 0, 0], [0.5, 1, 2]);
    const out = new Float32Array(1 + 6 + 1).fill(-99);
    rgbaToFloat32(rgba([255, 51, 0, 1], [0, 255, 255, 2]), 3, table, out, 1, new Uint8Array(6));
    expect(Array.from(out)).toEqual([-99, 1, Math.fround(0.2), 0, -1, 1, 0.5, -99]);
  });

  it('normalizes the luma for channels 1', () => {
    const table = normalizeTable(1, [0], [1]);
    const out = new Float32Array(3);
    rgbaToFloat32(rgba([51, 51, 51, 0], [255, 0, 0, 0], [255, 255, 255, 255]), 1, table, out, 0, new Uint8Array(3));
    expect(Array.from(out)).toEqual([Math.fround(0.2), Math.fround(77 / 255), 1]);
  });
});

describe('placement', () => {
  it('stretches the whole source onto the whole target', () => {
    expect(placement(640, 480, 32, 32, 'stretch')).toEqual({ sx: 0, sy: 0, sw: 640, sh: 480, dx: 0, dy: 0, dw: 32, dh: 32 });
  });

  it.each([
    // source, target, the centered source crop with the target's aspect
    [[640, 480], [32, 32], { sx: 80, sy: 0, sw: 480, sh: 480 }],
    [[300, 600], [100, 100], { sx: 0, sy: 150, sw: 300, sh: 300 }],
    [[200, 100], [50, 50], { sx: 50, sy: 0, sw: 100, sh: 100 }],
    [[10, 20], [40, 40], { sx: 0, sy: 5, sw: 10, sh: 10 }], // upscaling crops too
  ])('covers a %j target %j by center-cropping the source to %o', ([sw, sh], [w, h], crop) => {
    expect(placement(sw, sh, w, h, 'cover')).toEqual({ ...crop, dx: 0, dy: 0, dw: w, dh: h });
  });

  it('covers a 30x20 target from a 100x100 source with a 100x66.7 crop, 16.7 from the top', () => {
    const p = placement(100, 100, 30, 20, 'cover');
    expect(p.sx).toBe(0);
    expect(p.sw).toBe(100);
    expect(p.sh).toBeCloseTo(200 / 3, 9);
    expect(p.sy).toBeCloseTo(50 / 3, 9);
    expect([p.dx, p.dy, p.dw, p.dh]).toEqual([0, 0, 30, 20]);
  });

  it.each([
    // source, target, where the whole source lands
    [[200, 100], [50, 50], { dx: 0, dy: 12, dw: 50, dh: 25 }],
    [[100, 300], [30, 30], { dx: 10, dy: 0, dw: 10, dh: 30 }],
    [[1000, 1], [10, 10], { dx: 0, dy: 4, dw: 10, dh: 1 }], // never thinner than one pixel
    [[64, 64], [32, 32], { dx: 0, dy: 0, dw: 32, dh: 32 }],
  ])('contains a %j source in a %j target at %o', ([sw, sh], [w, h], dest) => {
    expect(placement(sw, sh, w, h, 'contain')).toEqual({ sx: 0, sy: 0, sw, sh, ...dest });
  });
});
