/**
 * Scenario 6 of `npm run bench`: JS heap and tfjs memory over 10 epochs of
 * training (bench/memory-page.ts). After each epoch the driver forces a
 * garbage collection (CDP HeapProfiler.collectGarbage) and reads the heap in
 * use (Runtime.getHeapUsage), so the figures are live objects, not garbage
 * that has not been collected yet.
 */
import type { Page } from '@playwright/test';

export interface MemoryEpoch {
  epoch: number;
  heapMB: number;
  numTensors: number;
  tensorMB: number;
}

export interface MemoryResult {
  backend: string;
  epochs: MemoryEpoch[];
  /** Heap after the last epoch over the heap after epoch 2, minus 1. */
  heapGrowth: number;
  tensorsGrowth: number;
}

export async function benchMemory(page: Page, epochs = 10): Promise<MemoryResult> {
  const cdp = await page.context().newCDPSession(page);
  const backend = await page.evaluate(() => window.memoryBench.open('webgl'));
  const rows: MemoryEpoch[] = [];
  try {
    for (let e = 1; e <= epochs; e++) {
      const tf = await page.evaluate(() => window.memoryBench.epoch());
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      rows.push({ epoch: e, heapMB: usedSize / 1e6, numTensors: tf.numTensors, tensorMB: tf.numBytes / 1e6 });
    }
  } finally {
    await page.evaluate(() => window.memoryBench.close());
    await cdp.detach();
  }
  const second = rows[1];
  const last = rows[rows.length - 1];
  const result = { backend, epochs: rows, heapGrowth: last.heapMB / second.heapMB - 1, tensorsGrowth: last.numTensors - second.numTensors };
  console.log(`\nmemory: the MLP on MNIST shards (${backend}, batches of 256, 2 workers), after each epoch and a forced GC:`);
  console.log('epoch  JS heap MB  tf numTensors  tf MB');
  for (const r of rows) console.log(`${String(r.epoch).padStart(5)}  ${r.heapMB.toFixed(1).padStart(10)}  ${String(r.numTensors).padStart(13)}  ${r.tensorMB.toFixed(1).padStart(5)}`);
  console.log(`heap growth from epoch 2 to ${last.epoch}: ${(100 * result.heapGrowth).toFixed(1)}% (target under 5%); numTensors ${result.tensorsGrowth >= 0 ? '+' : ''}${result.tensorsGrowth}`);
  return result;
}
