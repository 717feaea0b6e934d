/**
 * A folder of the user's own images in Chromium: picked through a real
 * `<input type="file" webkitdirectory>` (Playwright's setInputFiles with a
 * directory) and dropped as the OS drops one (CDP Input.dispatchDragEvent with
 * the folder's path gives the page a real FileSystemDirectoryEntry). The
 * folder is made in os.tmpdir() by folder-fixture.ts, with known pixels.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchErrors } from './page-errors.ts';
import { PICK, makePickedFolder, pickedRgb, type PickedFolder } from './folder-fixture.ts';

async function open(page: Page): Promise<void> {
  await page.goto('/tests/browser/harness.html');
  await expect(page).toHaveTitle(/ready/);
}

test.afterEach(async ({ page }) => {
  if (!page.url().includes('harness')) return;
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

let picked: PickedFolder;
test.beforeAll(() => {
  picked = makePickedFolder();
});
test.afterAll(() => picked.remove());

test.describe('a folder of your own images', () => {
  for (const numWorkers of [0, 2]) {
    test(`ImageFolder over picked Files loads their exact pixels and labels (numWorkers ${numWorkers})`, async ({ page }) => {
      await open(page);
      await page.evaluate(() => {
        const input = Object.assign(document.createElement('input'), { type: 'file', webkitdirectory: true, id: 'pick' });
        document.body.append(input);
      });
      await page.locator('#pick').setInputFiles(picked.dir);
      const result = await page.evaluate(async ({ numWorkers, size }) => {
        const { DataLoader, ImageFolder } = window.feedline;
        // Every way the page could read a file's bytes, counted: with workers, none may run here.
        const reads: string[] = [];
        const spy = <T extends object>(target: T, name: string) => {
          const original = (target as Record<string, unknown>)[name] as ((...args: unknown[]) => unknown) | undefined;
          if (!original) return;
          (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
            reads.push(name);
            return original.apply(this, args);
          };
        };
        for (const name of ['arrayBuffer', 'bytes', 'text', 'stream', 'slice']) spy(Blob.prototype, name);
        for (const name of ['readAsArrayBuffer', 'readAsBinaryString', 'readAsDataURL', 'readAsText']) spy(FileReader.prototype, name);
        spy(window, 'createImageBitmap');
        const input = document.querySelector<HTMLInputElement>('#pick')!;
        const folder = ImageFolder.fromFileList(input.files!);
        const loader = new DataLoader(folder.dataset, {
          batchSize: 8,
          numWorkers,
          onError: 'skip',
          image: { ...size, channels: 3, fit: 'stretch' },
        });
        try {
          for await (const batch of loader) {
            const skipped = loader.stats().skipped.map((s) => [folder.paths[s.index], s.reason]);
            const { root, paths, classes } = folder;
            const { labels, indices, images, shape } = batch;
            return { root, paths, classes, labels: [...labels], indices: [...indices], pixels: [...images], skipped, shape: [...shape], reads };
          }
        } finally {
          loader.close();
        }
        throw new Error('no batch');
      }, { numWorkers, size: PICK });
      expect(result.root).toBe('pets');
      expect(result.classes).toEqual(['cat', 'dog']);
      expect(result.paths).toEqual(['cat/1.png', 'cat/2.png', 'cat/3.png', 'dog/1.png', 'dog/2.png', 'dog/zz-broken.png']);
      // The text file named .png fails at decode in the worker and is skipped.
      expect(result.skipped).toEqual([['dog/zz-broken.png', 'decode']]);
      expect(result.indices).toEqual([0, 1, 2, 3, 4]);
      expect(result.labels).toEqual([0, 0, 0, 1, 1]);
      expect(result.shape).toEqual([5, PICK.height, PICK.width, 3]);
      const patterns = [...picked.images.cat, ...picked.images.dog];
      expect(result.pixels).toEqual(patterns.flatMap((k) => [...pickedRgb(k)]));
      // Workers read the Files; the page itself never touched their bytes. With no worker it reads them
      // itself, which shows the spies see such reads: each File's first bytes, sliced and read together in
      // one composite read (the header check before decoding, where the text file is refused), then a
      // decode of each of the 5 images.
      const local = [...Array(6).fill('slice'), 'arrayBuffer', ...Array(5).fill('createImageBitmap')];
      expect(result.reads).toEqual(numWorkers === 0 ? local : []);
    });
  }
});


/** [path, reason] of each skipped entry the folder panel lists. */
function shownSkips(page: Page): Promise<string[][]> {
  return page
    .getByTestId('folder-skip')
    .evaluateAll((items) => items.map((li) => [li.querySelector('code')!.textContent!, li.getAttribute('data-reason')!]));
}

/** Drops `dir` on the element as the OS would: Chromium gets a real directory entry (CDP Input.dispatchDragEvent). */
async function dropFolder(page: Page, testId: string, dir: string): Promise<void> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).boundingBox())!; // viewport coordinates, as CDP wants
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [dir], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

/** One fast epoch per run: no consumer delay, so a run ends by itself. */
async function oneEpochRuns(page: Page): Promise<void> {
  await page.getByTestId('consumer').selectOption('simulated');
  await page.getByTestId('epochs').fill('1');
  await page.getByTestId('step-ms').fill('0');
}

/** Checks the finished epoch over the picked folder: each delivered sample's class, and the skipped file. */
async function expectFolderEpoch(page: Page): Promise<void> {
  await expect(page.getByTestId('dataset')).toHaveValue('folder');
  await expect(page.getByTestId('status')).toHaveText('done');
  // 6 images by name; the text file named .png is skipped when a worker fails to decode it.
  await expect(page.getByTestId('samples-delivered')).toHaveText('5');
  await expect(page.getByTestId('batch-card')).toHaveCount(1);
  await expect(page.getByTestId('batch-card')).toContainText('5 img');
  // The thumbnail's title lists "#index: class" per sample: indices 0-2 are cat/, 3-4 dog/.
  const title = await page.getByTestId('batch-canvas').getAttribute('title');
  const shown = title!.split('\n').map((line) => line.match(/^#(\d+): (\w+)$/)!.slice(1));
  expect(shown.map(([i]) => Number(i)).sort()).toEqual([0, 1, 2, 3, 4]);
  for (const [i, cls] of shown) expect(cls).toBe(Number(i) < 3 ? 'cat' : 'dog');
  const decodeSkip = page.locator('[data-testid=folder-skip][data-reason=decode]');
  await expect(decodeSkip).toHaveCount(1);
  await expect(decodeSkip).toContainText('dog/zz-broken.png');
  await expect(decodeSkip).toContainText('the bytes are not an image but plain text, starting "this is text, not a PNG"');
}

test.describe('the dev page with your own folder', () => {
  test('picking a folder shows its classes, counts and skipped files, and loads it', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto('/?dataset=fixtures');
    await oneEpochRuns(page);
    // Started before any folder is picked: an error that says what to do...
    await page.getByTestId('dataset').selectOption('folder');
    await page.getByTestId('start-button').click();
    await expect(page.getByTestId('status')).toHaveText('error');
    await expect(page.getByTestId('error')).toContainText('no folder yet: pick or drop a folder');
    // ...and picking one restarts the loader on it.
    await page.getByTestId('folder-input').setInputFiles(picked.dir);
    await expect(page.getByTestId('folder-status')).toHaveText('pets: 6 images in 2 classes');
    await expect(page.getByTestId('folder-class')).toHaveText(['cat 3', 'dog 3']);
    expect(await shownSkips(page)).toEqual([
      ['.DS_Store', 'hidden'],
      ['cat/blank.png', 'empty-file'],
      ['dog/notes.txt', 'not-image'],
      ['eel/', 'empty-class'],
      ['eel/readme.txt', 'not-image'],
      ['top.png', 'no-class'],
    ]);
    const skipped = page.getByTestId('folder-skipped');
    await expect(skipped).toContainText('cat/blank.png unreadable');
    await expect(skipped).toContainText('dog/notes.txt not an image');
    await expect(skipped).toContainText('eel/ empty class');
    await expect(skipped).toContainText('top.png no class folder');
    await expectFolderEpoch(page);
    await page.screenshot({ path: '/tmp/dev-page-folder.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  test('dropping a folder walks it, shows its empty folders as empty classes, and loads it', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto('/?dataset=fixtures');
    // On another dataset the folder panel is folded away: a user opens it, then drops.
    await page.locator('summary', { hasText: 'Your folder' }).click();
    await dropFolder(page, 'folder-drop', picked.dir);
    await expect(page.getByTestId('folder-status')).toHaveText('pets: 6 images in 2 classes');
    await expect(page.getByTestId('folder-class')).toHaveText(['cat 3', 'dog 3']);
    expect(await shownSkips(page)).toEqual([
      ['.DS_Store', 'hidden'],
      ['cat/blank.png', 'empty-file'],
      ['dog/notes.txt', 'not-image'],
      ['eel/', 'empty-class'],
      ['eel/readme.txt', 'not-image'],
      ['fish/', 'empty-class'],
      ['top.png', 'no-class'],
    ]);
    await expect(page.getByTestId('folder-skipped')).toContainText('fish/ empty class the folder holds no files');
    await oneEpochRuns(page);
    await page.getByTestId('start-button').click();
    await expectFolderEpoch(page);
    expect(errors).toEqual([]);
  });
});
