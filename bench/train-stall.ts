/**
 * BENCH_ONLY=train: the playground's default run as a user starts it (MNIST
 * packed in shards, the MLP, the page's default loader settings), on WebGL,
 * through the real page. The page shows per-step sums since the run began;
 * from two readings, at step 10 and about `steps` later, this takes the data
 * stall's share of step time over the steps between them, so the first steps
 * (worker start, the first shard's fetch) are left out. The per-file MNIST
 * (one request per image) runs the same way beside it, for contrast.
 *
 * Over the same steps it reads the main thread's busy time from the browser
 * (CDP Performance.getMetrics: TaskDuration) and the page's own UI time (the
 * figure the training panel shows: the timeline's frames, the charts'
 * redraws, the views' updates), both per second of wall time.
 */
import type { Browser, Page } from '@playwright/test';

export interface TrainStallResult {
  dataset: string;
  backend: string;
  /** Steps read at the two readings. */
  from: number;
  to: number;
  /** Per-step means over the steps between the readings, ms. */
  waitMs: number;
  /** Everything after the wait (upload, compute, readback, the page's turn). */
  computeMs: number;
  /** Of computeMs, the batch's upload. */
  uploadMs: number;
  /** waitMs over the whole step. */
  stallShare: number;
  /** Main-thread busy ms per second of wall time over the steps read (the browser's own count). */
  mainThreadMsPerSecond: number;
  /** The page's UI work, ms per second, as the training panel shows it at the end (a 5 s window). */
  uiMsPerSecond: number;
}

interface Reading {
  step: number;
  wait: number;
  compute: number;
  upload: number;
  /** Main-thread busy seconds so far (CDP TaskDuration), and when it was read (ms). */
  task: number;
  at: number;
}

export async function benchTrainStall(browser: Browser, url: string, dataset = 'mnist', steps = 150): Promise<TrainStallResult> {
  const page = await browser.newPage();
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(new URL(`/?backend=webgl&model=mlp&epochs=20&dataset=${dataset}`, url).href);
    await page.getByTestId('start-button').click();
    const read = async (): Promise<Reading> => {
      const step = Number(await page.getByTestId('step').textContent());
      const text = (await page.getByTestId('train-timing').textContent()) ?? '';
      const ms = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const task = metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
      // The panel's figures are per step since the run began; the step counter starts there too.
      return {
        step,
        wait: ms(/waiting for data ([\d.]+) ms/),
        compute: ms(/computing ([\d.]+) ms/),
        upload: ms(/uploading the batch ([\d.]+) ms/),
        task,
        at: Date.now(),
      };
    };
    const until = async (min: number): Promise<Reading> => {
      for (;;) {
        const r = await read();
        if (r.step >= min && Number.isFinite(r.wait)) return r;
        await page.waitForTimeout(20);
      }
    };
    const a = await until(10);
    const b = await until(a.step + steps);
    const ui = await uiCost(page);
    await page.getByTestId('start-button').click(); // Stop
    const span = b.step - a.step;
    const per = (k: 'wait' | 'compute' | 'upload') => (b[k] * b.step - a[k] * a.step) / span;
    const [waitMs, computeMs, uploadMs] = [per('wait'), per('compute'), per('upload')];
    return {
      dataset,
      backend: (await page.getByTestId('backend').textContent())?.trim() ?? '',
      from: a.step,
      to: b.step,
      waitMs: round(waitMs),
      computeMs: round(computeMs),
      uploadMs: round(uploadMs),
      stallShare: round(waitMs / (waitMs + computeMs), 4),
      mainThreadMsPerSecond: round(((b.task - a.task) * 1000 * 1000) / (b.at - a.at), 1),
      uiMsPerSecond: ui,
    };
  } finally {
    await page.close();
  }
}

async function uiCost(page: Page): Promise<number> {
  const text = (await page.getByTestId('ui-cost').textContent()) ?? '';
  return Number(/([\d.]+) ms per second/.exec(text)?.[1] ?? NaN);
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
