/**
 * Reliability in Chromium: the broken corpus (tests/fixtures/broken.ts, served
 * by the dev server's /__test__/ routes) under 'skip', retry and 'raise';
 * workers killed mid-epoch; stopping by break, AbortSignal and close(); a
 * frozen page (emulated); resuming after the tab closes. For numWorkers 0, 1
 * and 3, in the shared ring and in transfer mode. Every test asserts the exact
 * indices delivered (and their pixels), the skip list, the accounting, and
 * that no worker is left once the loaders are closed.
 */
import { expect, test, type Page } from '@playwright/test';
import { fnv1a } from '../../src/loader/fnv1a.ts';
import { BROKEN_KINDS, brokenKind, brokenLayout, type Slot } from '../fixtures/broken.ts';
import { FIXTURE, fixtureLabel, fixtureRgb } from '../fixtures/pattern.ts';
import type { Drained } from './reliability-harness.ts';

const RINGS = [
  { name: 'shared ring', query: '', mode: 'shared' },
  { name: 'transfer mode', query: '?coi=0', mode: 'transfer' },
] as const;
const WORKER_COUNTS = [0, 1, 3];
const RAISE_WORKER_COUNTS = [0, 3];
const ALL = BROKEN_KINDS.map((k) => k.id);
const TIMEOUT_MS = 600; // per sample: what ends the 'hang' kind

/** Counts the page's workers as they start and end. */
function watchWorkers(page: Page): { started: number; closed: number } {
  const count = { started: 0, closed: 0 };
  page.on('worker', (worker) => {
    count.started++;
    worker.on('close', () => count.closed++);
  });
  return count;
}

async function open(page: Page, query: string): Promise<{ started: number; closed: number }> {
  const workers = watchWorkers(page);
  await page.goto(`/tests/browser/harness.html${query}`);
  await expect(page).toHaveTitle(/ready/);
  return workers;
}

/** No worker left: every one that started has ended. */
async function noWorkerLeft(page: Page, workers: { started: number; closed: number }): Promise<void> {
  await expect.poll(() => workers.closed, { message: `${workers.started} workers started` }).toBe(workers.started);
  expect(page.workers()).toHaveLength(0);
}

test.afterEach(async ({ page }) => {
  if (!page.url().includes('harness')) return;
  expect(await page.evaluate(() => window.feedline.problems)).toEqual([]);
});

/** The pixel hash a batch of these good fixture images must have. */
const hashOf = (goods: number[]) => fnv1a(goods.flatMap((g) => [...fixtureRgb(g)]));

/** Where the page fetched the manifest: item sources resolve against it. */
const manifestUrl = (base: string, key: string, kinds: string[] | null) =>
  `${base}/__test__/broken/manifest.json?key=${key}${kinds ? `&kinds=${kinds.map(encodeURIComponent).join('%2C')}` : ''}`;

/** The source the loader must name for a slot. */
function sourceOf(slot: Slot, manifest: string, other: string, key: string): string {
  if (!slot.kind) return new URL(`good-${String(slot.good).padStart(2, '0')}.png`, manifest).href;
  const item = slot.kind.item({ other, key });
  return item.src ? new URL(item.src, manifest).href : `${manifest}#splits.train[${slot.index}]`;
}

const otherOf = (base: string) => base.replace('localhost', '127.0.0.1');

/** Checks a drained epoch against the layout: delivered goods (indices, labels, pixels), the skip list, the accounting. */
function expectAccounted(run: Drained, layout: Slot[], expectSkipped: (slot: Slot) => boolean, where: string, sources: (slot: Slot) => string) {
  const delivered = layout.filter((s) => !expectSkipped(s));
  const skipped = layout.filter(expectSkipped);
  expect(run.error, where).toBeNull();
  expect(run.batches.flatMap((b) => b.indices), where).toEqual(delivered.map((s) => s.index));
  for (const b of run.batches) {
    const goods = b.indices.map((i) => layout[i].good ?? layout[i].kind!.delivers!);
    expect(b.labels, where).toEqual(goods.map(fixtureLabel));
    expect(b.hash, `${where}: pixels of batch ${b.index}`).toBe(hashOf(goods));
  }
  expect(run.stats.skipped.map((s) => [s.index, s.source, s.reason]), where).toEqual(skipped.map((s) => [s.index, sources(s), s.kind!.reason]));
  for (const s of run.stats.skipped) expect(s.error.message, `${where}: message for sample ${s.index}`).toMatch(layout[s.index].kind!.message);
  expect(run.stats.epochs[0], where).toEqual({
    epoch: 0,
    samples: layout.length,
    delivered: delivered.length,
    skipped: skipped.length,
    abandoned: 0,
    end: 'complete',
  });
}

for (const ring of RINGS) {
  test.describe(`bad input (${ring.name})`, () => {
    test("'skip' finishes the epoch over every kind of bad input and lists each with its reason", async ({ page, baseURL }) => {
      const workers = await open(page, ring.query);
      const layout = brokenLayout(ALL);
      for (const numWorkers of WORKER_COUNTS) {
        const key = `skip-${ring.mode}-${numWorkers}`;
        const { first } = await page.evaluate(
          ({ key, numWorkers, timeoutMs }) => window.feedline.runBroken(null, key, { batchSize: 4, numWorkers, onError: 'skip', timeoutMs }),
          { key, numWorkers, timeoutMs: TIMEOUT_MS },
        );
        const manifest = manifestUrl(baseURL!, key, null);
        expect(first.mode).toBe(ring.mode);
        expectAccounted(first, layout, (s) => s.kind !== null, `numWorkers ${numWorkers}`, (s) => sourceOf(s, manifest, otherOf(baseURL!), key));
        const skippedBy = new Set(first.stats.skipped.map((s) => s.worker));
        for (const w of skippedBy) expect(numWorkers === 0 ? w === -1 : w >= 0 && w < numWorkers).toBe(true);
      }
      await noWorkerLeft(page, workers);
    });

    test('retry recovers a flaky server, retries no invalid manifest item, then skips the rest', async ({ page, baseURL }) => {
      const workers = await open(page, ring.query);
      const layout = brokenLayout(ALL);
      for (const numWorkers of WORKER_COUNTS) {
        const key = `retry-${ring.mode}-${numWorkers}`;
        const { first } = await page.evaluate(
          ({ key, numWorkers, timeoutMs }) =>
            window.feedline.runBroken(null, key, { batchSize: 4, numWorkers, onError: { retry: 2, then: 'skip' }, timeoutMs }),
          { key, numWorkers, timeoutMs: TIMEOUT_MS },
        );
        const manifest = manifestUrl(baseURL!, key, null);
        const skips = (s: Slot) => s.kind !== null && s.kind.recoversAfter === undefined;
        expectAccounted(first, layout, skips, `numWorkers ${numWorkers}`, (s) => sourceOf(s, manifest, otherOf(baseURL!), key));
        expect(first.stats.skipped.map((s) => [s.reason, s.attempts])).toEqual(
          layout.filter(skips).map((s) => [s.kind!.reason, s.kind!.reason === 'manifest' ? 1 : 3]),
        );
      }
      await noWorkerLeft(page, workers);
    });

    test("'raise' throws each kind at the batch that holds it; the loader iterates again and closes cleanly", async ({ page, baseURL }) => {
      test.setTimeout(240_000);
      const workers = await open(page, ring.query);
      // The main thread and several workers; one worker is the 'skip' and 'retry' tests' case too.
      for (const numWorkers of RAISE_WORKER_COUNTS) {
        for (const id of ALL) {
          const kind = brokenKind(id);
          const key = `raise-${ring.mode}-${numWorkers}-${id}`;
          const { first, second } = await page.evaluate(
            ({ key, id, numWorkers, timeoutMs }) => window.feedline.runBroken([id], key, { batchSize: 2, numWorkers, timeoutMs }, {}, true),
            { key, id, numWorkers, timeoutMs: TIMEOUT_MS },
          );
          const where = `${id}, numWorkers ${numWorkers}`;
          // Layout [good 0, good 1, bad, good 2, good 3]: the bad sample is index 2, in batch 1.
          const slot = brokenLayout([id])[2];
          const source = sourceOf(slot, manifestUrl(baseURL!, key, [id]), otherOf(baseURL!), key);
          expect(first.batches.map((b) => b.indices), where).toEqual([[0, 1]]);
          expect(first.error, where).toMatchObject({ name: 'SampleError', index: 2, source, reason: kind.reason, batch: 1, epoch: 0 });
          const by = numWorkers === 0 ? 'The main thread' : `DataLoader worker ${first.error!.worker}`;
          expect(first.error!.message, where).toContain(`${by} could not load sample 2 (${source}) of batch 1, epoch 0: ${kind.reason}: `);
          expect(first.error!.message.replace(/^.*?epoch 0: \w+: /, '').replace(/ \(after \d+ attempts\)$/, ''), where).toMatch(kind.message);
          expect(first.stats.epochs[0], where).toEqual({ epoch: 0, samples: 5, delivered: 2, skipped: 0, abandoned: 3, end: 'error' });
          expect(second!.error, where).toMatchObject({ name: 'SampleError', index: 2, batch: 1, epoch: 1 });
        }
      }
      await noWorkerLeft(page, workers);
    });
  });

  test.describe(`faults (${ring.name})`, () => {
    test('a worker that exits, throws or hangs mid-epoch is replaced; every batch arrives once, in order, intact', async ({ page }) => {
      const workers = await open(page, ring.query);
      for (const numWorkers of [1, 3]) {
        for (const kind of ['exit', 'throw', 'hang'] as const) {
          const run = await page.evaluate(
            async ({ numWorkers, kind }) => {
              const loader = await window.feedline.fixtureLoader(
                { batchSize: 4, numWorkers, workerTimeoutMs: 500 },
                [{ kind, at: 'mid', batch: 3 }],
              );
              try {
                return await window.feedline.drain(loader);
              } finally {
                loader.close();
              }
            },
            { numWorkers, kind },
          );
          const where = `${kind}, numWorkers ${numWorkers}`;
          expect(run.error, where).toBeNull();
          expect(run.batches.map((b) => b.index), where).toEqual([...Array(13).keys()]);
          for (const b of run.batches) expect(b.hash, `${where}: batch ${b.index}`).toBe(hashOf(b.indices));
          expect(run.batches.flatMap((b) => b.indices), where).toEqual([...Array(FIXTURE.train).keys()]);
          expect(run.stats.restarts, where).toHaveLength(1);
          const cause = kind === 'throw' ? /fault injected: worker \d throws at batch 3 of epoch 0 \(mid\)/ : /^did not answer for 500 ms/;
          expect(run.stats.restarts[0].cause, where).toMatch(cause);
          expect(run.stats.epochs[0], where).toMatchObject({ samples: 50, delivered: 50, skipped: 0, abandoned: 0, end: 'complete' });
        }
      }
      // Each run started its workers and one replacement; all of them ended.
      expect(workers.started).toBe(3 * (1 + 1) + 3 * (3 + 1));
      await noWorkerLeft(page, workers);
    });

    test('a frozen page (emulated) comes back with nothing lost, nothing timed out, no worker restarted', async ({ page }) => {
      // Headless Chromium cannot freeze a page (Page.setWebLifecycleState does nothing there), so a 'freeze' fault
      // blocks the main thread and every worker to one deadline: to the loader's timers, the same thing.
      const workers = await open(page, ring.query);
      for (const numWorkers of [0, 3]) {
        const run = await page.evaluate(async (numWorkers) => {
          const loader = await window.feedline.fixtureLoader(
            { batchSize: 4, numWorkers, timeoutMs: 400, workerTimeoutMs: 400, onError: 'skip' },
            [{ kind: 'freeze', batch: 4, ms: 1500 }],
          );
          const start = performance.now();
          try {
            return { ...(await window.feedline.drain(loader)), ms: performance.now() - start };
          } finally {
            loader.close();
          }
        }, numWorkers);
        expect(run.ms).toBeGreaterThanOrEqual(1500);
        expect(run.batches.flatMap((b) => b.indices)).toEqual([...Array(FIXTURE.train).keys()]);
        expect(run.stats.skipped).toEqual([]);
        expect(run.stats.restarts).toEqual([]);
      }
      await noWorkerLeft(page, workers);
    });
  });

  test.describe(`stopping (${ring.name})`, () => {
    test('break, an AbortSignal and close() stop mid-epoch, cancel the hung fetch, free every slot; the next epoch is whole', async ({ page }) => {
      const workers = await open(page, ring.query);
      for (const numWorkers of WORKER_COUNTS) {
        const result = await page.evaluate(async (numWorkers) => {
          const { DataLoader, brokenDataset, drain } = window.feedline;
          // [good 0, good 1, hang, good 2, good 3], no timeoutMs: only cancelling ends the hung fetch.
          const dataset = await brokenDataset(['hang'], `stop-${numWorkers}-${location.search}`);
          const loader = new DataLoader(dataset, { batchSize: 1, numWorkers });
          const waitFree = async () => {
            const start = performance.now();
            while (loader.stats().ring.free !== loader.slots && performance.now() - start < 5000) await new Promise((r) => setTimeout(r, 10));
            return loader.stats().ring.free === loader.slots;
          };
          const broke = await drain(loader, { limit: 1 });
          const freeAfterBreak = await waitFree();
          // Each stop comes 200 ms after batch 1, while next() waits for the hung sample of batch 2.
          const after1 = (stop: () => void) => (index: number) => index === 1 && setTimeout(stop, 200);
          const controller = new AbortController();
          const aborted = await drain(loader, { signal: controller.signal, onBatch: after1(() => controller.abort()) });
          const freeAfterAbort = await waitFree();
          const closed = await drain(loader, { onBatch: after1(() => loader.close()) });
          return { broke, freeAfterBreak, aborted, freeAfterAbort, closed };
        }, numWorkers);
        const where = `numWorkers ${numWorkers}`;
        expect(result.broke.batches.map((b) => b.indices), where).toEqual([[0]]);
        expect(result.broke.stats.epochs[0], where).toMatchObject({ delivered: 1, abandoned: 4, end: 'break' });
        expect(result.freeAfterBreak, where).toBe(true);
        expect(result.aborted.batches.map((b) => b.indices), where).toEqual([[0], [1]]);
        expect(result.aborted.error, where).toMatchObject({ name: 'AbortError' });
        expect(result.aborted.stats.epochs[1], where).toMatchObject({ delivered: 2, skipped: 0, abandoned: 3, end: 'abort' });
        expect(result.freeAfterAbort, where).toBe(true);
        expect(result.closed.batches.map((b) => b.indices), where).toEqual([[0], [1]]);
        expect(result.closed.error, where).toMatchObject({ name: 'LoaderClosedError', message: '`DataLoader` was closed while iterating' });
        expect(result.closed.stats.epochs[2], where).toMatchObject({ delivered: 2, abandoned: 3, end: 'closed' });
      }
      await noWorkerLeft(page, workers);
    });
  });
}

for (const kind of ['File', 'Blob', 'URL'] as const) {
  test(`${kind} sources: the corpus's bombs are refused in every epoch, good files decode the same once their header is known`, async ({ page }) => {
    const workers = await open(page, '');
    const names = ['good-00.png', 'bomb.png', 'good-01.png', 'bomb.jpg', 'good-02.png', 'good-03.png'];
    const run = await page.evaluate(
      async ({ kind, names }) => {
        const { DataLoader, ImageDataset, drain } = window.feedline;
        const url = (name: string) => new URL(`/__test__/broken/${name}`, location.href).href;
        const blob = async (name: string) => (await fetch(url(name))).blob();
        const sources = await Promise.all(
          names.map(async (name) => (kind === 'URL' ? url(name) : kind === 'File' ? new File([await blob(name)], name, { type: 'image/png' }) : await blob(name))),
        );
        const dataset = ImageDataset.fromItems(sources.map((src, i) => ({ src, label: i % 4 })), ['a', 'b', 'c', 'd'], { width: 12, height: 10, channels: 3 });
        // Batches of 3: a bomb shares its header read with good files (one composite read per job).
        const loader = new DataLoader(dataset, { batchSize: 3, numWorkers: 2, onError: 'skip' });
        const epochs = [await drain(loader), await drain(loader)];
        loader.close();
        const described = sources.map((s) => (typeof s === 'string' ? s : s instanceof File ? s.name : `<Blob ${s.type || 'untyped'}, ${s.size} bytes>`));
        return { epochs, described };
      },
      { kind, names },
    );
    for (const [e, epoch] of run.epochs.entries()) {
      expect(epoch.batches.flatMap((b) => b.indices)).toEqual([0, 2, 4, 5]);
      expect(epoch.batches.map((b) => b.hash)).toEqual([hashOf([0, 1]), hashOf([2, 3])]);
      const skipped = epoch.stats.skipped.filter((s) => s.epoch === e);
      expect(skipped.map((s) => [s.index, s.source, s.reason])).toEqual([
        [1, run.described[1], 'oversize'],
        [3, run.described[3], 'oversize'],
      ]);
      expect(skipped[0].error.message).toMatch(brokenKind('bomb-png').message);
      expect(skipped[1].error.message).toMatch(brokenKind('bomb-jpeg').message);
    }
    await noWorkerLeft(page, workers);
  });
}

test.describe('resuming after the tab closes', () => {
  for (const numWorkers of [0, 3]) {
    test(`a run interrupted mid-epoch and resumed sees the same batches as an uninterrupted one (numWorkers ${numWorkers})`, async ({ page }) => {
      const workers = await open(page, '');
      const options = { batchSize: 8, shuffle: true, seed: 21, numWorkers };
      // Uninterrupted: three epochs.
      const whole = await page.evaluate(async (options) => {
        const loader = await window.feedline.fixtureLoader(options);
        const out = [];
        for (let e = 0; e < 3; e++) out.push(...(await window.feedline.drain(loader)).batches);
        loader.close();
        return out;
      }, options);
      // Interrupted: epoch 0 and 3 batches of epoch 1, the state stored as an app would, then the tab goes.
      const before = await page.evaluate(async (options) => {
        const loader = await window.feedline.fixtureLoader(options);
        const out = [...(await window.feedline.drain(loader)).batches, ...(await window.feedline.drain(loader, { limit: 3 })).batches];
        localStorage.setItem('resume-test', JSON.stringify(loader.state()));
        loader.close();
        return out;
      }, options);
      await page.reload();
      await expect(page).toHaveTitle(/ready/);
      const after = await page.evaluate(async (options) => {
        const state = JSON.parse(localStorage.getItem('resume-test')!);
        localStorage.removeItem('resume-test');
        const loader = await window.feedline.fixtureLoader({ ...options, resumeFrom: state });
        const out = [...(await window.feedline.drain(loader)).batches, ...(await window.feedline.drain(loader)).batches];
        loader.close();
        return { state, out };
      }, options);
      expect(after.state).toMatchObject({ epoch: 1, consumed: 3, alsoConsumed: [], seed: 21 });
      const content = (bs: typeof whole) => bs.map(({ worker: _, ...rest }) => rest);
      expect(after.out.map((b) => [b.epoch, b.index])).toEqual([
        ...[3, 4, 5, 6].map((k) => [1, k]),
        ...[0, 1, 2, 3, 4, 5, 6].map((k) => [2, k]),
      ]);
      expect(content([...before, ...after.out])).toEqual(content(whole));
      await noWorkerLeft(page, workers);
    });
  }
});
