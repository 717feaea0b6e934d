/**
 * The ring protocol (src/loader/ring.ts). The threaded tests run real
 * producers in worker_threads over one SharedArrayBuffer; the main thread
 * plays scheduler and consumer, as in the loader: it hands a FREE slot out
 * (markFilling), sends only { k, slot } by postMessage, waits with
 * waitWhileFilling() (Atomics.waitAsync) and releases with markFree().
 */
import { describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import {
  RING_HEADER_BYTES,
  RING_HEADER_USED_BYTES,
  RING_MAGIC,
  RING_VERSION,
  S_BATCH,
  S_COUNT,
  S_EPOCH,
  S_SKIPPED,
  SharedRing,
  SlotState,
  SlotView,
  ringSlotCount,
  slotLayout,
  type SlotGeometry,
  type SlotStateValue,
} from '../../src/loader/ring.ts';
import { below, prng } from './support/random.ts';
import { CANARY, canaryOffsets, checkBatch, planOf, slotFingerprint } from './support/ring-content.ts';
import type { FromProducer, RingProducerData, ToProducer } from './support/ring-producer.ts';
import { startWorker, workerScript } from './support/threads.ts';
import { bounded, sleep } from './support/time.ts';

const PRODUCER = await workerScript(new URL('./support/ring-producer.ts', import.meta.url));
const WAIT_BOUND_MS = 10_000;

// ---------------------------------------------------------------------------
// Canaries: the ring header's reserved words and, in every slot, the words no
// field covers. Planted before the run; any stray write changes one.

const HEADER_RESERVED_WORDS = { from: RING_HEADER_USED_BYTES / 4, to: RING_HEADER_BYTES / 4 };

function plantCanaries(ring: SharedRing): void {
  const words = new Int32Array(ring.buffer);
  for (let w = HEADER_RESERVED_WORDS.from; w < HEADER_RESERVED_WORDS.to; w++) words[w] = CANARY;
  for (const view of ring.slots) for (const b of canaryOffsets(ring.layout)) words[(view.byteOffset + b) / 4] = CANARY;
}

/** The first canary that changed, or null. */
function brokenCanary(ring: SharedRing, slots = ring.slots): string | null {
  const words = new Int32Array(ring.buffer);
  for (let w = HEADER_RESERVED_WORDS.from; w < HEADER_RESERVED_WORDS.to; w++) {
    if (words[w] !== CANARY) return `ring header word ${w} is ${words[w]}`;
  }
  for (const view of slots) {
    for (const b of canaryOffsets(ring.layout)) {
      const got = words[(view.byteOffset + b) / 4];
      if (got !== CANARY) return `slot at byte ${view.byteOffset}, +${b}: ${got}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// The threaded run.

interface Scenario {
  geometry: SlotGeometry;
  slots: number;
  producers: number;
  batches: number;
  /** true: consume batch k strictly in order, slot k % slots; false: whichever is published first, any free slot. */
  inOrder: boolean;
  /** Batches the consumer may hold at once before it must release (< slots). */
  maxHeld: number;
  seed: number;
}

interface Held {
  k: number;
  slot: number;
  state: SlotStateValue;
  fingerprint: number;
}

interface RunResult {
  consumed: number[];
  perProducer: number[];
  violations: string[];
}

async function runScenario(s: Scenario): Promise<RunResult> {
  const ring = SharedRing.create(s.slots, s.geometry);
  plantCanaries(ring);
  const threads = Array.from({ length: s.producers }, (_, id) =>
    startWorker(PRODUCER, { buffer: ring.buffer, geometry: s.geometry, id, seed: s.seed, maxDelayMs: 2 } satisfies RingProducerData),
  );
  const crashed = new Promise<never>((_, reject) => {
    threads.forEach((t, id) => t.on('error', (error) => reject(new Error(`producer ${id} crashed: ${error.message}`))));
  });
  crashed.catch(() => {});
  try {
    const consumed = await Promise.race([consume(s, ring, threads), crashed]);
    const reports = await Promise.race([bounded(Promise.all(threads.map(stopProducer)), WAIT_BOUND_MS, 'producers to stop'), crashed]);
    expect(brokenCanary(ring)).toBeNull();
    expect(ring.slots.map((v) => v.state)).toEqual(Array(s.slots).fill(SlotState.FREE));
    expect(SharedRing.attach(ring.buffer, s.geometry).slotCount).toBe(s.slots); // header intact
    return {
      consumed,
      perProducer: reports.map((r) => r.done),
      violations: reports.flatMap((r) => r.violations),
    };
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

function stopProducer(thread: Worker): Promise<FromProducer> {
  return new Promise((resolve) => {
    thread.once('message', resolve);
    thread.postMessage({ type: 'stop' } satisfies ToProducer);
  });
}

/** Scheduler + consumer on the main thread; returns batch numbers in consumption order. */
async function consume(s: Scenario, ring: SharedRing, threads: Worker[]): Promise<number[]> {
  const random = prng(s.seed);
  const consumed: number[] = [];
  const held: Held[] = [];
  const free = Array.from({ length: s.slots }, (_, slot) => slot); // out of order only
  const pending = new Map<number, { k: number; published: Promise<number> }>(); // by slot
  let assigned = 0; // batches [0, assigned) were sent to a producer

  const assign = () => {
    while (assigned < s.batches) {
      let slot: number;
      if (s.inOrder) {
        slot = assigned % s.slots;
        if (ring.slots[slot].state !== SlotState.FREE) return;
      } else {
        if (free.length === 0) return;
        slot = free.splice(below(random, free.length), 1)[0];
      }
      const view = ring.slots[slot];
      expect(view.state).toBe(SlotState.FREE);
      view.markFilling();
      pending.set(slot, { k: assigned, published: view.waitWhileFilling().then(() => slot) });
      threads[below(random, threads.length)].postMessage({ type: 'job', k: assigned, slot } satisfies ToProducer);
      assigned++;
    }
  };

  const release = async (h: Held) => {
    // Keep the slot a while: producers go on writing the others meanwhile.
    if (random() < 0.15) await sleep(below(random, 3));
    const view = ring.slots[h.slot];
    expect(view.state).toBe(h.state);
    expect(slotFingerprint(view), `batch ${h.k} changed while the consumer held slot ${h.slot}`).toBe(h.fingerprint);
    expect(checkBatch(view, h.k)).toBeNull();
    view.markFree();
    if (!s.inOrder) free.push(h.slot);
  };

  while (consumed.length < s.batches) {
    while (held.length > 0 && (held.length >= s.maxHeld || random() < 0.4)) await release(held.shift()!);
    assign();
    const slot = s.inOrder
      ? consumed.length % s.slots
      : await bounded(Promise.race([...pending.values()].map((p) => p.published)), WAIT_BOUND_MS, 'any batch');
    const { k } = pending.get(slot)!;
    pending.delete(slot);
    if (s.inOrder) expect(k).toBe(consumed.length);
    const view = ring.slots[slot];
    const state = await bounded(view.waitWhileFilling(), WAIT_BOUND_MS, `batch ${k} in slot ${slot}`);
    expect(state).toBe(planOf(k, s.geometry.batchSize).failed ? SlotState.FAILED : SlotState.READY);
    expect(checkBatch(view, k)).toBeNull();
    expect(brokenCanary(ring, [view])).toBeNull();
    consumed.push(k);
    held.push({ k, slot, state, fingerprint: slotFingerprint(view) });
  }
  while (held.length > 0) await release(held.shift()!);
  return consumed;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function inversions(order: number[]): number {
  let count = 0;
  for (let i = 1; i < order.length; i++) if (order[i] < order[i - 1]) count++;
  return count;
}

const U8: SlotGeometry = { batchSize: 5, sampleElements: 37, dtype: 'uint8' };
const F32: SlotGeometry = { batchSize: 3, sampleElements: 21, dtype: 'float32' };

describe('SharedRing across worker_threads', () => {
  it('delivers 3000 uint8 batches from 3 producers exactly once, in order and intact, wrapping 6 slots 500 times', async () => {
    const s: Scenario = { geometry: U8, slots: 6, producers: 3, batches: 3000, inOrder: true, maxHeld: 3, seed: 0x5eed };
    const result = await runScenario(s);
    expect(result.violations).toEqual([]);
    expect(result.consumed).toEqual(range(s.batches));
    expect(result.perProducer.reduce((a, b) => a + b, 0)).toBe(s.batches);
    expect(result.perProducer.every((done) => done > 0)).toBe(true);
  });

  it('delivers 3000 uint8 batches exactly once when consumed as soon as each is published, from any free slot', async () => {
    const s: Scenario = { geometry: U8, slots: 6, producers: 3, batches: 3000, inOrder: false, maxHeld: 3, seed: 0xbeef };
    const result = await runScenario(s);
    expect(result.violations).toEqual([]);
    expect([...result.consumed].sort((a, b) => a - b)).toEqual(range(s.batches));
    // The random delays really reorder publication, or this variant proves nothing.
    expect(inversions(result.consumed)).toBeGreaterThan(50);
    expect(result.perProducer.reduce((a, b) => a + b, 0)).toBe(s.batches);
  });

  it('delivers 1000 float32 batches in order through the smallest ring (2 slots, 2 producers)', async () => {
    const s: Scenario = { geometry: F32, slots: 2, producers: 2, batches: 1000, inOrder: true, maxHeld: 1, seed: 7 };
    const result = await runScenario(s);
    expect(result.violations).toEqual([]);
    expect(result.consumed).toEqual(range(s.batches));
  });

  it('delivers 1000 float32 batches exactly once out of order with 5 slots', async () => {
    const s: Scenario = { geometry: F32, slots: 5, producers: 3, batches: 1000, inOrder: false, maxHeld: 2, seed: 99 };
    const result = await runScenario(s);
    expect(result.violations).toEqual([]);
    expect([...result.consumed].sort((a, b) => a - b)).toEqual(range(s.batches));
    expect(inversions(result.consumed)).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------

describe('slotLayout', () => {
  it.each([
    // geometry, labels, indices, pixels, slotBytes: worked out by hand from the layout table
    [{ batchSize: 1, sampleElements: 1, dtype: 'uint8' }, 32, 36, 48, 64],
    [{ batchSize: 5, sampleElements: 37, dtype: 'uint8' }, 32, 52, 80, 320],
    [{ batchSize: 3, sampleElements: 21, dtype: 'float32' }, 32, 44, 64, 320],
    [{ batchSize: 2, sampleElements: 3, dtype: 'float32' }, 32, 40, 48, 128],
    [{ batchSize: 64, sampleElements: 28 * 28, dtype: 'uint8' }, 32, 288, 544, 50752],
    [{ batchSize: 64, sampleElements: 32 * 32 * 3, dtype: 'float32' }, 32, 288, 544, 787008],
  ] as const)('lays out %o with labels at %i, indices at %i, pixels at %i, %i bytes a slot', (geometry, labels, indices, pixels, bytes) => {
    const layout = slotLayout(geometry);
    expect(layout).toEqual({ ...geometry, labelsOffset: labels, indicesOffset: indices, pixelsOffset: pixels, slotBytes: bytes });
  });

  it('keeps pixels 16-aligned right after the indices and slots a tight multiple of 64 for 500 random geometries', () => {
    const random = prng(2024);
    for (let n = 0; n < 500; n++) {
      const geometry: SlotGeometry = {
        batchSize: 1 + below(random, 300),
        sampleElements: 1 + below(random, 5000),
        dtype: random() < 0.5 ? 'uint8' : 'float32',
      };
      const l = slotLayout(geometry);
      const indicesEnd = l.indicesOffset + 4 * geometry.batchSize;
      const pixelsEnd = l.pixelsOffset + geometry.batchSize * geometry.sampleElements * (geometry.dtype === 'float32' ? 4 : 1);
      expect(l.labelsOffset).toBe(32);
      expect(l.indicesOffset).toBe(32 + 4 * geometry.batchSize);
      expect(l.pixelsOffset % 16).toBe(0);
      expect(l.pixelsOffset - indicesEnd).toBeGreaterThanOrEqual(0);
      expect(l.pixelsOffset - indicesEnd).toBeLessThan(16);
      expect(l.slotBytes % 64).toBe(0);
      expect(l.slotBytes - pixelsEnd).toBeGreaterThanOrEqual(0);
      expect(l.slotBytes - pixelsEnd).toBeLessThan(64);
    }
  });

  it('sizes the ring as max(2, numWorkers * prefetchFactor) slots', () => {
    expect([ringSlotCount(0, 2), ringSlotCount(1, 1), ringSlotCount(1, 2), ringSlotCount(3, 2), ringSlotCount(4, 5)]).toEqual([2, 2, 2, 6, 20]);
  });
});

describe('SharedRing.create', () => {
  it('writes magic, version, slot count and slot size into the header', () => {
    const ring = SharedRing.create(3, U8);
    const header = new Int32Array(ring.buffer, 0, 4);
    expect([...header]).toEqual([RING_MAGIC, RING_VERSION, 3, 320]);
    expect(ring.buffer.byteLength).toBe(RING_HEADER_BYTES + 3 * 320);
    expect(ring.slots.map((v) => v.byteOffset)).toEqual([64, 384, 704]);
    expect(ring.slots.map((v) => v.state)).toEqual([SlotState.FREE, SlotState.FREE, SlotState.FREE]);
  });

  it('gives every float32 slot a 16-aligned Float32Array that ends before the next slot begins', () => {
    const ring = SharedRing.create(7, F32);
    for (const view of ring.slots) {
      expect(view.pixels).toBeInstanceOf(Float32Array);
      expect(view.pixels.byteOffset % 16).toBe(0);
      expect(view.pixels.length).toBe(F32.batchSize * F32.sampleElements);
      expect(view.pixels.byteOffset + view.pixels.byteLength).toBeLessThanOrEqual(view.byteOffset + ring.layout.slotBytes);
    }
  });

  it('keeps every slot field apart: filling all fields of all slots leaves each slot its own values', () => {
    for (const geometry of [U8, F32]) {
      const ring = SharedRing.create(4, geometry);
      plantCanaries(ring);
      ring.slots.forEach((view, s) => {
        view.header[S_EPOCH] = 100 + s;
        view.labels.fill(200 + s);
        view.indices.fill(300 + s);
        view.pixels.fill(s + 0.5);
      });
      ring.slots.forEach((view, s) => {
        expect(view.state).toBe(SlotState.FREE);
        expect(view.header[S_EPOCH]).toBe(100 + s);
        expect(new Set(view.labels)).toEqual(new Set([200 + s]));
        expect(new Set(view.indices)).toEqual(new Set([300 + s]));
        expect(new Set(view.pixels)).toEqual(new Set([geometry.dtype === 'uint8' ? s : s + 0.5]));
      });
      expect(brokenCanary(ring)).toBeNull();
    }
  });
});

describe('SharedRing.attach', () => {
  it('sees the same slots as the ring it attaches to', () => {
    const ring = SharedRing.create(3, U8);
    const other = SharedRing.attach(ring.buffer, U8);
    expect(other.slotCount).toBe(3);
    expect(other.layout).toEqual(ring.layout);
    other.slots[2].pixels[7] = 42;
    other.slots[2].labels[4] = -9;
    expect(ring.slots[2].pixels[7]).toBe(42);
    expect(ring.slots[2].labels[4]).toBe(-9);
  });

  it('refuses a buffer that is not a ring, naming the magic and version it found', () => {
    expect(() => SharedRing.attach(new SharedArrayBuffer(1024), U8)).toThrow(
      /`SharedRing\.attach`: not a Feedline ring \(magic 0, version 0\)/,
    );
  });

  it('refuses a ring of another version', () => {
    const ring = SharedRing.create(2, U8);
    new Int32Array(ring.buffer)[1] = RING_VERSION + 1;
    expect(() => SharedRing.attach(ring.buffer, U8)).toThrow(new RegExp(`version ${RING_VERSION + 1}`));
  });

  it('refuses a geometry whose slot size differs, naming both sizes', () => {
    const ring = SharedRing.create(2, U8); // 320-byte slots
    const wider: SlotGeometry = { ...U8, sampleElements: 60 }; // 80 + 300 -> 384
    expect(() => SharedRing.attach(ring.buffer, wider)).toThrow(/slotBytes 320, not batchSize 5, sampleElements 60, dtype code 0, slotBytes 384/);
  });

  it('refuses a buffer too short for the slots its header declares', () => {
    const ring = SharedRing.create(3, U8);
    const short = new SharedArrayBuffer(RING_HEADER_BYTES + 320);
    new Uint8Array(short).set(new Uint8Array(ring.buffer, 0, short.byteLength));
    expect(() => SharedRing.attach(short, U8)).toThrow();
  });

  // Pins a gap: attach compares only SLOT_BYTES, so a geometry with other
  // offsets but the same slot size is accepted and the two sides disagree on
  // where indices (batchSize) or pixels (dtype) are.
  it.each([
    ['another dtype', { batchSize: 1, sampleElements: 16, dtype: 'uint8' }, { batchSize: 1, sampleElements: 4, dtype: 'float32' }],
    ['another batchSize', { batchSize: 1, sampleElements: 16, dtype: 'uint8' }, { batchSize: 2, sampleElements: 8, dtype: 'uint8' }],
  ] as const)('refuses a geometry with %s even when the slot size happens to match', (_, created, attached) => {
    expect(slotLayout(created).slotBytes).toBe(slotLayout(attached).slotBytes);
    const ring = SharedRing.create(2, created);
    expect(() => SharedRing.attach(ring.buffer, attached)).toThrow(/`SharedRing\.attach`/);
  });
});

describe('SlotView', () => {
  it('publishes the header fields together with READY', () => {
    const ring = SharedRing.create(2, U8);
    const view = ring.slots[1];
    view.markFilling();
    expect(view.state).toBe(SlotState.FILLING);
    view.publish(SlotState.READY, { epoch: 3, batch: 41, count: 4, skipped: 1 });
    expect(view.state).toBe(SlotState.READY);
    expect([view.header[S_EPOCH], view.header[S_BATCH], view.header[S_COUNT], view.header[S_SKIPPED]]).toEqual([3, 41, 4, 1]);
    view.markFree();
    expect(view.state).toBe(SlotState.FREE);
  });

  it('resolves waitWhileFilling at once for a slot that is not FILLING', async () => {
    const view = SharedRing.create(2, U8).slots[0];
    await expect(view.waitWhileFilling()).resolves.toBe(SlotState.FREE);
    view.markFilling();
    view.publish(SlotState.FAILED, { epoch: 0, batch: 0, count: 0, skipped: 0 });
    await expect(view.waitWhileFilling()).resolves.toBe(SlotState.FAILED);
  });

  it('wakes a waiter on a shared slot when another publish comes later, without blocking the thread', async () => {
    const view = SharedRing.create(2, U8).slots[1];
    view.markFilling();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    setTimeout(() => view.publish(SlotState.READY, { epoch: 0, batch: 5, count: 1, skipped: 0 }), 30);
    const state = await bounded(view.waitWhileFilling(), 2000, 'the publish');
    clearInterval(ticker);
    expect(state).toBe(SlotState.READY);
    expect(ticks).toBeGreaterThan(3); // timers ran while we waited
  });

  it('waits by polling on a transfer-mode ArrayBuffer, where there is nothing to notify', async () => {
    const layout = slotLayout(U8);
    const view = new SlotView(new ArrayBuffer(layout.slotBytes), 0, layout);
    view.markFilling();
    setTimeout(() => view.publish(SlotState.READY, { epoch: 1, batch: 2, count: 3, skipped: 0 }), 20);
    await expect(bounded(view.waitWhileFilling(), 2000, 'the publish')).resolves.toBe(SlotState.READY);
    expect(view.header[S_BATCH]).toBe(2);
  });
});
