/**
 * Scenario 3 of `npm run bench` (bench/handoff-page.ts): ms per batch from a
 * READY slot to a usable batch, against a copy, a cloned and a transferred
 * message of the same bytes. Target: within 1.5x of the copy and below the
 * clone. Median of `reps` runs.
 */
import type { Page } from '@playwright/test';
import type { HandoffResult } from './handoff-page.ts';
import { median } from './median.ts';

export interface HandoffSummary extends HandoffResult {
  reps: number;
  ringOverCopy: number;
  ringOverClone: number;
}


export async function benchHandoff(page: Page, reps: number, batches: number): Promise<HandoffSummary> {
  const runs: HandoffResult[] = [];
  for (let r = 0; r < reps; r++) runs.push(await page.evaluate((n) => window.handoffBench.handoff(n), batches));
  const pick = (key: keyof HandoffResult) => median(runs.map((x) => x[key]));
  const result = { batchBytes: runs[0].batchBytes, ring: pick('ring'), copy: pick('copy'), clone: pick('clone'), transfer: pick('transfer') };
  const summary = { ...result, reps, ringOverCopy: result.ring / result.copy, ringOverClone: result.ring / result.clone };
  const ms = (x: number) => `${x < 0.01 ? x.toFixed(4) : x.toFixed(3)} ms`;
  console.log(`\nhand-off: one batch of ${(result.batchBytes / 1e6).toFixed(1)} MB to the main thread (median of ${reps})`);
  console.log(`  ring (views over the READY slot)  ${ms(result.ring)}  = ${summary.ringOverCopy.toFixed(3)}x a copy, ${summary.ringOverClone.toFixed(4)}x a clone`);
  console.log(`  TypedArray.set copy               ${ms(result.copy)}`);
  console.log(`  postMessage, structured clone     ${ms(result.clone)}`);
  console.log(`  postMessage, transferred          ${ms(result.transfer)}`);
  return summary;
}
