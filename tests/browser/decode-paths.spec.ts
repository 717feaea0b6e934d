/**
 * Resize inside createImageBitmap (resizeWidth/resizeHeight, 'high') against
 * the loader's path (full decode, then drawImage with 'high' smoothing), on
 * the same images: the pixels must agree within the tolerance in each test's
 * name (measured: downscaled JPEGs differ by a mean of 2.1 and up to 34, 2%
 * of values by more than 8, as the two resample differently; upscaled PNGs
 * by at most 1). The loader keeps its path (docs/performance.md, "Decode", says why);
 * this pins how far the other one is, so a change of either shows here.
 */
import { expect, test } from '@playwright/test';

interface Diff {
  /** Largest difference of one channel value, 0..255. */
  max: number;
  /** Mean absolute difference over every channel value. */
  mean: number;
  /** Share of channel values that differ by more than 8. */
  over8: number;
}

/** Both paths on the first `count` images of `manifest`, at width x height, RGBA. */
function compare(page: import('@playwright/test').Page, manifest: string, count: number, width: number, height: number): Promise<Diff> {
  return page.evaluate(
    async ({ manifest, count, width, height }) => {
      const { DataLoader, ImageDataset } = window.feedline;
      const urls = await ImageDataset.fromManifest(manifest);
      const items = await Promise.all(
        Array.from({ length: count }, async (_, i) => ({ src: await (await fetch(urls.source(i) as string)).blob(), label: urls.label(i) })),
      );
      const dataset = ImageDataset.fromItems(items, urls.classes, { width, height, channels: 4 });
      const loader = new DataLoader(dataset, { batchSize: count, numWorkers: 0, image: { width, height, channels: 4 } });
      let current = new Uint8Array(0);
      for await (const batch of loader) {
        current = (batch.images as Uint8Array).slice();
        batch.release();
      }
      loader.close();
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      let max = 0;
      let sum = 0;
      let over8 = 0;
      for (const [i, item] of items.entries()) {
        const bitmap = await createImageBitmap(item.src, {
          premultiplyAlpha: 'none',
          colorSpaceConversion: 'none',
          resizeWidth: width,
          resizeHeight: height,
          resizeQuality: 'high',
        });
        context.clearRect(0, 0, width, height);
        context.drawImage(bitmap, 0, 0);
        const resized = context.getImageData(0, 0, width, height).data;
        const offset = i * width * height * 4;
        for (let k = 0; k < resized.length; k++) {
          const d = Math.abs(resized[k] - current[offset + k]);
          max = Math.max(max, d);
          sum += d;
          if (d > 8) over8++;
        }
      }
      const values = count * width * height * 4;
      return { max, mean: sum / values, over8: over8 / values };
    },
    { manifest, count, width, height },
  );
}

test.beforeEach(async ({ page }) => {
  await page.goto('/tests/browser/harness.html');
  await expect(page).toHaveTitle(/ready/);
});

test('downscaling JPEGs 160 -> 96 at decode differs from the loader by a mean under 3 and at most 48 per channel value', async ({ page }) => {
  const diff = await compare(page, '/datasets/shapes/manifest.json', 8, 96, 96);
  expect(diff.mean).toBeGreaterThan(0); // the paths differ: this is not one path compared with itself
  expect(diff.mean).toBeLessThan(3);
  expect(diff.max).toBeLessThanOrEqual(48);
});

test('upscaling PNGs 12x10 -> 36x30 at decode matches the loader within 1 per channel value', async ({ page }) => {
  const diff = await compare(page, '/datasets/fixtures/manifest.json', 4, 36, 30);
  expect(diff.max).toBeLessThanOrEqual(1);
});
