/**
 * Scenario 3 of `npm run bench`, the hand-off: what a batch costs the main
 * thread between "a worker finished it" and "the consumer holds it", for one
 * batch of 32 samples at 96x96 RGBA (1.2 MB):
 *
 * - ring: Feedline's shared mode. The slot's state is READY (read with
 *   Atomics.load), and slotBatch() makes views over its labels, indices and
 *   pixels: no bytes move.
 * - copy: `TypedArray.set` of the same bytes into a buffer of the main
 *   thread's, the least any copying hand-off costs.
 * - clone: `postMessage` of the bytes, structured clone, a worker's echo and
 *   back, halved: one message hand-off with its copy.
 * - transfer: as clone with the buffer transferred: no copy, but a message each
 *   way (Feedline's transfer mode moves its slots this way).
 *
 * Each is timed over `n` batches after a warm-up; ms per batch.
 */
import { slotBatch } from '../src/loader/batch.ts';
import { SharedRing, SlotState } from '../src/loader/ring.ts';

export interface HandoffResult {
  batchBytes: number;
  ring: number;
  copy: number;
  clone: number;
  transfer: number;
}

const SHAPE = [96, 96, 4];
const BATCH = 32;

function perBatch(n: number, run: () => void): number {
  for (let i = 0; i < 20; i++) run();
  const start = performance.now();
  for (let i = 0; i < n; i++) run();
  return (performance.now() - start) / n;
}

async function echo(worker: Worker, n: number, transfer: boolean, bytes: number): Promise<number> {
  let pixels = new Uint8Array(bytes).fill(7);
  const once = () =>
    new Promise<void>((resolve) => {
      worker.onmessage = (event) => {
        pixels = event.data.pixels;
        resolve();
      };
      worker.postMessage({ pixels, transfer }, transfer ? [pixels.buffer] : []);
    });
  for (let i = 0; i < 5; i++) await once();
  const start = performance.now();
  for (let i = 0; i < n; i++) await once();
  return (performance.now() - start) / n / 2;
}

async function handoff(n = 200): Promise<HandoffResult> {
  const sampleElements = SHAPE.reduce((a, b) => a * b, 1);
  const ring = SharedRing.create(2, { batchSize: BATCH, sampleElements, dtype: 'uint8' });
  const view = ring.slots[0];
  view.markFilling();
  view.publish(SlotState.READY, { epoch: 0, batch: 0, count: BATCH, skipped: 0 });
  let held = 0;
  const ringMs = perBatch(n * 10, () => {
    if (view.state !== SlotState.READY) throw new Error('the slot is not READY');
    const batch = slotBatch(view, BATCH, SHAPE, { epoch: 0, index: 0, skipped: [], worker: 0, onRelease: () => {} });
    held += batch.images.byteLength;
  });
  const bytes = view.pixels.byteLength;
  const mine = new Uint8Array(bytes);
  const copyMs = perBatch(n, () => mine.set(view.pixels));
  const worker = new Worker(new URL('./handoff-worker.ts', import.meta.url), { type: 'module' });
  try {
    const clone = await echo(worker, n, false, bytes);
    const transfer = await echo(worker, n, true, bytes);
    if (held === 0 || mine[0] !== view.pixels[0]) throw new Error('the hand-off read nothing');
    return { batchBytes: bytes, ring: ringMs, copy: copyMs, clone, transfer };
  } finally {
    worker.terminate();
  }
}

declare global {
  interface Window {
    handoffBench: { handoff: typeof handoff };
  }
}
window.handoffBench = { handoff };
