/**
 * BENCH_ONLY=train: the training panel's default run, as a user starts it
 * from the dev page (MNIST packed in shards, the MLP, the page's default
 * loader settings), on WebGL, through the real page. The panel shows
 * per-step averages since the run began; from two readings, at step 10 and
 * at the end, this takes the data stall's share of step time over the steps
 * between them, so the first steps (worker start, the first shard's fetch)
 * are left out, as the target asks. The per-file MNIST (one request per
 * image) runs the same way beside it, for contrast.
 */
import type { Browser } from '@playwright/test';

export interface TrainStallResult {
  dataset: string;
  settings: string;
  backend: string;
  /** Steps read at the two readings. */
  from: number;
  to: number;
  /** Per-step means over the steps between the readings, ms. */
  waitMs: number;
  uploadMs: number;
  computeMs: number;
  /** waitMs over the whole step (wait + upload + compute + sync). */
  stallShare: number;
}

interface Reading {
  step: number;
  wait: number;
  upload: number;
  compute: number;
}

export async function benchTrainStall(browser: Browser, url: string, dataset = 'mnist', steps = 150): Promise<TrainStallResult> {
  const page = await browser.newPage();
  try {
    await page.goto(new URL('/?backend=webgl', url).href);
    await page.getByTestId('train-button').waitFor();
    await page.getByTestId('dataset').selectOption(dataset);
    await page.getByTestId('train-preset').selectOption('mlp');
    const settings = (await page.getByTestId('train-settings').textContent())?.replace(/\s+/g, ' ').trim() ?? '';
    await page.getByTestId('train-button').click();
    const read = async (): Promise<Reading> => {
      const step = Number(await page.getByTestId('train-step').textContent());
      const text = (await page.getByTestId('train-timing').textContent()) ?? '';
      const ms = (label: string) => Number(new RegExp(`${label} ([\\d.]+) ms`).exec(text)?.[1] ?? NaN);
      // The panel's figures are per step since the run began (its runSteps); the step counter starts there too.
      return { step, wait: ms('data stall'), upload: ms('upload'), compute: ms('compute') };
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
    await page.getByTestId('train-button').click();
    const span = b.step - a.step;
    const total = (r: Reading, k: keyof Omit<Reading, 'step'>) => r[k] * r.step;
    const per = (k: keyof Omit<Reading, 'step'>) => (total(b, k) - total(a, k)) / span;
    const [waitMs, uploadMs, computeMs] = [per('wait'), per('upload'), per('compute')];
    return {
      dataset,
      settings,
      backend: (await page.getByTestId('backend').textContent())?.trim() ?? '',
      from: a.step,
      to: b.step,
      waitMs: round(waitMs),
      uploadMs: round(uploadMs),
      computeMs: round(computeMs),
      stallShare: round(waitMs / (waitMs + uploadMs + computeMs), 4),
    };
  } finally {
    await page.close();
  }
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
