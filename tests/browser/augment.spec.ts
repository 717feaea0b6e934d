/**
 * Augmentation in Chromium's real decoders, checked against each transform's
 * definition on the fixture images, whose pixels are a formula. Where a
 * transform draws random parameters, the test draws the same ones in Node
 * (the same (seed, epoch, index) stream the workers use) and checks where the
 * pixels landed.
 */
import { expect, test, type Page } from '@playwright/test';
import { FIXTURE, fixturePixel } from '../fixtures/pattern.ts';
import { planAugment } from '../../src/loader/augment/plan.ts';
import { resolveAugment, type Augmentation } from '../../src/loader/augment/spec.ts';
import { sampleRandom } from '../../src/loader/sample-random.ts';
import type { DataLoaderOptions } from '../../src/loader/index.ts';

const { width: W, height: H } = FIXTURE;

async function open(page: Page): Promise<void> {
  await page.goto('/tests/browser/harness.html');
  await expect(page).toHaveTitle(/ready/);
}

/** The first batch's samples as RGB arrays, by dataset index. */
async function firstBatch(page: Page, options: DataLoaderOptions): Promise<{ indices: number[]; pixels: number[] }> {
  return page.evaluate((o) => window.feedline.firstBatchPixels(o), options);
}

function sampleOf(pixels: number[], k: number, w = W, h = H): (x: number, y: number) => number[] {
  return (x, y) => pixels.slice((k * w * h + y * w + x) * 3, (k * w * h + y * w + x) * 3 + 3);
}

test.afterEach(async ({ page }) => {
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

test('a certain horizontal flip gives the mirror image, a 180-degree rotation the image upside down and mirrored', async ({ page }) => {
  await open(page);
  const flip = await firstBatch(page, { batchSize: 3, numWorkers: 1, augment: [{ type: 'RandomHorizontalFlip', p: 1 }] });
  const turn = await firstBatch(page, { batchSize: 3, numWorkers: 1, augment: [{ type: 'RandomRotation', degrees: [180, 180] }] });
  for (let k = 0; k < 3; k++) {
    const i = flip.indices[k];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        expect(sampleOf(flip.pixels, k)(x, y)).toEqual(fixturePixel(i, W - 1 - x, y));
        expect(sampleOf(turn.pixels, k)(x, y)).toEqual(fixturePixel(i, W - 1 - x, H - 1 - y));
      }
    }
  }
});

test('RandomCrop with padding 3: every pixel comes from the drawn offset of the padded image, zeros outside it', async ({ page }) => {
  await open(page);
  const augment: Augmentation[] = [{ type: 'RandomCrop', padding: 3 }];
  const seed = 11;
  const got = await firstBatch(page, { batchSize: 8, numWorkers: 2, seed, augment });
  const offsets = new Set<string>();
  got.indices.forEach((i, k) => {
    const m = planAugment(resolveAugment(augment), sampleRandom(seed, 0, i), W, H, W, H).matrix ?? [1, 0, 0, 1, 0, 0];
    offsets.add(`${m[4]},${m[5]}`);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const [sx, sy] = [x - m[4], y - m[5]];
        const inside = sx >= 0 && sx < W && sy >= 0 && sy < H;
        expect(sampleOf(got.pixels, k)(x, y), `index ${i} at (${x}, ${y})`).toEqual(inside ? fixturePixel(i, sx, sy) : [0, 0, 0]);
      }
    }
  });
  expect(offsets.size).toBeGreaterThan(1); // the eight samples were not all cropped alike
});

test("RandomResizedCrop's pixels come from the stated rectangle of the source", async ({ page }) => {
  await open(page);
  // Area 1/4 at aspect 1.2 of a 12 x 10 source is a 6 x 5 rectangle, drawn 1:1 into a 6 x 5 output.
  const augment: Augmentation[] = [{ type: 'RandomResizedCrop', scale: [0.25, 0.25], ratio: [1.2, 1.2] }];
  const seed = 3;
  const got = await firstBatch(page, { batchSize: 6, numWorkers: 1, seed, augment, image: { width: 6, height: 5 } });
  const corners = new Set<string>();
  got.indices.forEach((i, k) => {
    const crop = planAugment(resolveAugment(augment), sampleRandom(seed, 0, i), W, H, 6, 5).crop!;
    expect([crop.width, crop.height]).toEqual([6, 5]);
    corners.add(`${crop.left},${crop.top}`);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 6; x++) expect(sampleOf(got.pixels, k, 6, 5)(x, y)).toEqual(fixturePixel(i, crop.left + x, crop.top + y));
    }
  });
  expect(corners.size).toBeGreaterThan(1);
});

test('ColorJitter brightness 0.5 halves every value, truncating', async ({ page }) => {
  await open(page);
  const got = await firstBatch(page, { batchSize: 2, numWorkers: 0, augment: [{ type: 'ColorJitter', brightness: [0.5, 0.5] }] });
  got.indices.forEach((i, k) => {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) expect(sampleOf(got.pixels, k)(x, y)).toEqual(fixturePixel(i, x, y).map((v) => Math.trunc(v / 2)));
    }
  });
});

test('augmented batches are identical for numWorkers 0, 1 and 3 and differ from one epoch to the next', async ({ page }) => {
  await open(page);
  const augment: Augmentation[] = [
    { type: 'RandomResizedCrop', scale: [0.5, 1] },
    { type: 'RandomHorizontalFlip' },
    { type: 'RandomRotation', degrees: 15, interpolation: 'bilinear' },
    { type: 'ColorJitter', brightness: 0.3, contrast: 0.3, saturation: 0.3 },
  ];
  const runs = [];
  for (const numWorkers of [0, 1, 3]) {
    const run = await page.evaluate(
      (o) => window.feedline.runFixtures(o, 2),
      { batchSize: 10, numWorkers, shuffle: true, seed: 5, augment } satisfies DataLoaderOptions,
    );
    runs.push(run.epochs.map((epoch) => epoch.map((b) => ({ indices: b.indices, hash: b.hash }))));
  }
  expect(runs[1]).toEqual(runs[0]);
  expect(runs[2]).toEqual(runs[0]);
  // Epoch 1 draws anew: the same index is augmented differently.
  const hashes = await page.evaluate(async (augment) => {
    const dataset = await window.feedline.ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const loader = new window.feedline.DataLoader(dataset, { batchSize: 50, augment });
    const out: Array<Array<[number, number]>> = [];
    try {
      for (let e = 0; e < 2; e++) for await (const batch of loader) out.push(window.feedline.sampleHashes(batch));
    } finally {
      loader.close();
    }
    return out;
  }, augment);
  const same = hashes[0].filter(([, h], k) => h === hashes[1][k][1]).length;
  expect(same).toBeLessThan(5);
});

test('resuming mid-epoch with augmentation gives the batches of an uninterrupted run', async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async () => {
    const { DataLoader, ImageDataset, plain } = window.feedline;
    const dataset = await ImageDataset.fromManifest('/datasets/fixtures/manifest.json');
    const options = { batchSize: 8, numWorkers: 2, shuffle: true, seed: 9, augment: [{ type: 'RandomCrop', padding: 2 }, { type: 'RandomHorizontalFlip' }] } as const;
    const whole = new DataLoader(dataset, { ...options, augment: [...options.augment] });
    const all = [];
    for await (const b of whole) all.push(plain(b).hash);
    whole.close();
    const first = new DataLoader(dataset, { ...options, augment: [...options.augment] });
    let k = 0;
    for await (const _ of first) if (++k === 3) break;
    const state = first.state();
    first.close();
    const rest = new DataLoader(dataset, { ...options, augment: [...options.augment], resumeFrom: state });
    const resumed = [];
    for await (const b of rest) resumed.push(plain(b).hash);
    rest.close();
    return { all, resumed };
  });
  expect(result.all).toHaveLength(7);
  expect(result.resumed).toEqual(result.all.slice(3));
});
