/**
 * A producer thread of the ring test (started by ring.test.ts through
 * ts-worker.mjs). It attaches to the shared ring, takes jobs { k, slot } from
 * the main thread, writes batch k into the slot in several steps with random
 * pauses, then publishes READY or FAILED. Any breach of the protocol it sees is
 * reported when the main thread says 'stop'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SharedRing, SlotState, type SlotGeometry } from '../../../src/loader/ring.ts';
import { below, hash32, prng } from './random.ts';
import { checkSamples, planOf, writeSample } from './ring-content.ts';

export interface RingProducerData {
  buffer: SharedArrayBuffer;
  geometry: SlotGeometry;
  id: number;
  seed: number;
  maxDelayMs: number;
}

export type ToProducer = { type: 'job'; k: number; slot: number } | { type: 'stop' };
export type FromProducer = { type: 'stopped'; id: number; done: number; violations: string[] };

const { buffer, geometry, id, seed, maxDelayMs } = workerData as RingProducerData;
const ring = SharedRing.attach(buffer, geometry);
const port = parentPort!;
let done = 0; // always equal to the number of jobs published
const violations: string[] = [];

/** Half the time the next macrotask, else a timer of 0..maxDelayMs ms. */
function pause(random: () => number): Promise<void> {
  if (random() < 0.5) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, below(random, maxDelayMs + 1)));
}

async function produce(k: number, slot: number): Promise<void> {
  const view = ring.slots[slot];
  const random = prng(hash32(seed, k, id));
  if (view.state !== SlotState.FILLING) violations.push(`batch ${k}: slot ${slot} was in state ${view.state}, not FILLING`);
  await pause(random);
  const plan = planOf(k, geometry.batchSize);
  for (let j = 0; j < plan.count; j++) {
    writeSample(view, k, j);
    if (random() < 0.35) await pause(random);
  }
  await pause(random);
  // Nobody else may have written this slot while it was ours.
  const problem = checkSamples(view, k, plan.count);
  if (problem) violations.push(`before publishing: ${problem}`);
  if (view.state !== SlotState.FILLING) violations.push(`batch ${k}: slot ${slot} left FILLING before we published`);
  const fields = { epoch: plan.epoch, batch: k, count: plan.count, skipped: plan.skipped };
  view.publish(plan.failed ? SlotState.FAILED : SlotState.READY, fields);
  done++;
}

port.on('message', (message: ToProducer) => {
  if (message.type === 'job') {
    produce(message.k, message.slot).catch((error) => violations.push(`batch ${message.k}: ${String(error)}`));
  } else {
    port.postMessage({ type: 'stopped', id, done, violations } satisfies FromProducer);
  }
});
