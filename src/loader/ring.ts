/**
 * The ring: fixed-size batch slots in one SharedArrayBuffer (mode 'shared'), or
 * the same slot layout in separate ArrayBuffers moved by transfer (mode
 * 'transfer'). Plain TypeScript, no DOM: Node's worker_threads test it.
 *
 * Who writes, who reads (one writer per slot at a time, so no locks, no CAS):
 * - The main thread (scheduler) is the only one that hands a slot out: it moves
 *   a FREE slot to FILLING and sends the job to exactly one producer.
 * - That producer (a worker, or the main thread itself when numWorkers is 0)
 *   writes the slot's header fields, labels, indices and pixels, then publishes
 *   READY (or FAILED) as its very last write. After that it never touches the
 *   slot again.
 * - The consumer (main thread) reads the slot after it sees READY, and stores
 *   FREE when the batch is released. Only then may the scheduler hand it out.
 *
 * NOTE: slot states
 *
 *     main: assign          producer: publish         main: release
 *   FREE ──────────> FILLING ──────────────> READY ───────────────> FREE
 *                        │                                          ^
 *                        └──────────────> FAILED ───────────────────┘
 *                           producer: publish        main: release
 *
 * Producers never wait on the ring. The consumer waits for a slot to leave
 * FILLING with `Atomics.waitAsync`, so the main thread never blocks.
 *
 * Buffer layout (all offsets in bytes, little-endian as the platform is):
 *
 * | offset                   | width               | type    | field      | written by | read by  |
 * |--------------------------|---------------------|---------|------------|------------|----------|
 * | 0                        | 4                   | int32   | MAGIC      | main       | anyone   |
 * | 4                        | 4                   | int32   | VERSION    | main       | anyone   |
 * | 8                        | 4                   | int32   | SLOT_COUNT | main       | anyone   |
 * | 12                       | 4                   | int32   | SLOT_BYTES | main       | anyone   |
 * | 16                       | 4                   | int32   | BATCH_SIZE | main       | anyone   |
 * | 20                       | 4                   | int32   | SAMPLE_ELEMENTS | main  | anyone   |
 * | 24                       | 4                   | int32   | DTYPE (0 uint8, 1 float32) | main | anyone |
 * | 28                       | 36                  | -       | reserved   |            |          |
 * | RING_HEADER_BYTES (64) + s * slotBytes: slot s                                               |
 * | +0                       | 4                   | int32   | STATE      | see above  | both     |
 * | +4                       | 4                   | int32   | EPOCH      | producer   | consumer |
 * | +8                       | 4                   | int32   | BATCH      | producer   | consumer |
 * | +12                      | 4                   | int32   | COUNT      | producer   | consumer |
 * | +16                      | 4                   | int32   | SKIPPED    | producer   | consumer |
 * | +20                      | 12                  | -       | reserved   |            |          |
 * | +SLOT_HEADER_BYTES (32)  | 4 * batchSize       | int32[] | labels     | producer   | consumer |
 * | +indicesOffset           | 4 * batchSize       | int32[] | indices    | producer   | consumer |
 * | +pixelsOffset (16-align) | batchSize * sample  | u8/f32  | pixels     | producer   | consumer |
 *
 * COUNT samples are valid, packed at the front of labels/indices/pixels in
 * batch order; SKIPPED samples of the batch were dropped under onError 'skip'.
 * A transfer-mode buffer is exactly one slot (its offset 0 is the slot's +0).
 */

export const RING_MAGIC = 0x46444c4e; // 'FDLN'
export const RING_VERSION = 1;
export const RING_HEADER_BYTES = 64;
/** Header bytes in use (MAGIC .. DTYPE); the rest up to RING_HEADER_BYTES is reserved. */
export const RING_HEADER_USED_BYTES = 28;
export const SLOT_HEADER_BYTES = 32;
const SLOT_ALIGN = 64; // cache-line aligned slots; pixels 16-aligned inside

// Header words (int32 index into the ring).
const H_MAGIC = 0;
const H_VERSION = 1;
const H_SLOT_COUNT = 2;
const H_SLOT_BYTES = 3;
const H_BATCH_SIZE = 4;
const H_SAMPLE_ELEMENTS = 5;
const H_DTYPE = 6;
const DTYPE_CODES: Record<PixelDType, number> = { uint8: 0, float32: 1 };

// Slot header words (int32 index relative to the slot).
export const S_STATE = 0;
export const S_EPOCH = 1;
export const S_BATCH = 2;
export const S_COUNT = 3;
export const S_SKIPPED = 4;
const SLOT_HEADER_WORDS = SLOT_HEADER_BYTES / 4;

export const SlotState = {
  FREE: 0,
  FILLING: 1,
  READY: 2,
  FAILED: 3,
} as const;
export type SlotStateValue = (typeof SlotState)[keyof typeof SlotState];

/**
 * The slot holds a batch the consumer can take from the ring alone: READY,
 * with no sample skipped (what was skipped, and why, only the producer's
 * report says). The scheduler's fast path and the worker supervisor's
 * handover both decide by it.
 */
export function readyWithoutSkips(view: SlotView): boolean {
  return view.state === SlotState.READY && view.header[S_SKIPPED] === 0;
}

export type PixelDType = 'uint8' | 'float32';

/** What decides a slot's size: fixed for the life of a loader. */
export interface SlotGeometry {
  batchSize: number;
  /** Elements per sample: height * width * channels. */
  sampleElements: number;
  dtype: PixelDType;
}

export interface SlotLayout extends SlotGeometry {
  labelsOffset: number;
  indicesOffset: number;
  pixelsOffset: number;
  /** Bytes of one slot, a multiple of SLOT_ALIGN. */
  slotBytes: number;
}

const align = (n: number, to: number) => Math.ceil(n / to) * to;

export function slotLayout(geometry: SlotGeometry): SlotLayout {
  const { batchSize, sampleElements, dtype } = geometry;
  const labelsOffset = SLOT_HEADER_BYTES;
  const indicesOffset = labelsOffset + 4 * batchSize;
  const pixelsOffset = align(indicesOffset + 4 * batchSize, 16);
  const pixelBytes = batchSize * sampleElements * (dtype === 'float32' ? 4 : 1);
  return {
    ...geometry,
    labelsOffset,
    indicesOffset,
    pixelsOffset,
    slotBytes: align(pixelsOffset + pixelBytes, SLOT_ALIGN),
  };
}

/**
 * Typed views over one slot. Cheap to build (no copies); a worker builds one
 * per job, the consumer one per delivered batch.
 */
export class SlotView {
  /** The slot's header words; index with S_STATE, S_EPOCH, ... */
  readonly header: Int32Array;
  readonly labels: Int32Array;
  readonly indices: Int32Array;
  readonly pixels: Uint8Array | Float32Array;

  constructor(
    readonly buffer: ArrayBufferLike,
    readonly byteOffset: number,
    readonly layout: SlotLayout,
  ) {
    const { batchSize, sampleElements, dtype } = layout;
    this.header = new Int32Array(buffer, byteOffset, SLOT_HEADER_WORDS);
    this.labels = new Int32Array(buffer, byteOffset + layout.labelsOffset, batchSize);
    this.indices = new Int32Array(buffer, byteOffset + layout.indicesOffset, batchSize);
    const pixelsAt = byteOffset + layout.pixelsOffset;
    const n = batchSize * sampleElements;
    this.pixels = dtype === 'float32' ? new Float32Array(buffer, pixelsAt, n) : new Uint8Array(buffer, pixelsAt, n);
  }

  get state(): SlotStateValue {
    return Atomics.load(this.header, S_STATE) as SlotStateValue;
  }

  /**
   * Producer side, last write of a job: the header fields, then the state.
   * The Atomics.store orders every earlier write (pixels included) before the
   * state change, so a consumer that loads READY sees the whole batch.
   */
  publish(state: typeof SlotState.READY | typeof SlotState.FAILED, fields: PublishFields): void {
    this.header[S_EPOCH] = fields.epoch;
    this.header[S_BATCH] = fields.batch;
    this.header[S_COUNT] = fields.count;
    this.header[S_SKIPPED] = fields.skipped;
    // publishes: the batch in this slot is complete (or failed) and the producer is done with it.
    Atomics.store(this.header, S_STATE, state);
    // wakes: a consumer waiting in waitWhileFilling(). No-op on a non-shared buffer.
    if (isShared(this.header.buffer)) Atomics.notify(this.header, S_STATE);
  }

  /** Main thread only: hand the slot to a producer. */
  markFilling(): void {
    // publishes: this slot now belongs to the producer that gets the job.
    Atomics.store(this.header, S_STATE, SlotState.FILLING);
  }

  /** Consumer only: give the slot back to the scheduler. */
  markFree(): void {
    // publishes: the consumer no longer reads this slot; it may be reassigned.
    Atomics.store(this.header, S_STATE, SlotState.FREE);
  }

  /**
   * Consumer only: resolves with the slot's state once it is no longer
   * FILLING. Never blocks the calling thread.
   */
  async waitWhileFilling(): Promise<SlotStateValue> {
    for (;;) {
      const state = this.state;
      if (state !== SlotState.FILLING) return state;
      await waitAsync(this.header, S_STATE, SlotState.FILLING);
    }
  }
}

export interface PublishFields {
  epoch: number;
  batch: number;
  count: number;
  skipped: number;
}

/** Without cross-origin isolation the SharedArrayBuffer global does not exist at all. */
const isShared = (buffer: ArrayBufferLike): boolean =>
  typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;

/**
 * Resolves when `array[index]` may have changed from `value`. Uses
 * Atomics.waitAsync (Chromium, Node, Safari 16.4+); where it is missing
 * (older Firefox) it polls with a timer, which is slower but never blocks.
 */
function waitAsync(array: Int32Array, index: number, value: number): Promise<unknown> {
  const atomics = Atomics as typeof Atomics & {
    waitAsync?: (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string };
  };
  if (typeof atomics.waitAsync === 'function' && isShared(array.buffer)) {
    const result = atomics.waitAsync(array, index, value);
    return result.async ? (result.value as Promise<string>) : Promise.resolve(result.value);
  }
  return new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * The shared ring: one SharedArrayBuffer, a header and `slotCount` slots.
 * Created by the main thread; workers attach to the same buffer.
 */
export class SharedRing {
  readonly slots: SlotView[];

  private constructor(
    readonly buffer: SharedArrayBuffer,
    readonly layout: SlotLayout,
    readonly slotCount: number,
  ) {
    this.slots = Array.from(
      { length: slotCount },
      (_, s) => new SlotView(buffer, RING_HEADER_BYTES + s * layout.slotBytes, layout),
    );
  }

  static create(slotCount: number, geometry: SlotGeometry): SharedRing {
    const layout = slotLayout(geometry);
    const buffer = new SharedArrayBuffer(RING_HEADER_BYTES + slotCount * layout.slotBytes);
    const header = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    header[H_MAGIC] = RING_MAGIC;
    header[H_VERSION] = RING_VERSION;
    header[H_SLOT_COUNT] = slotCount;
    header[H_SLOT_BYTES] = layout.slotBytes;
    header[H_BATCH_SIZE] = geometry.batchSize;
    header[H_SAMPLE_ELEMENTS] = geometry.sampleElements;
    header[H_DTYPE] = DTYPE_CODES[geometry.dtype];
    return new SharedRing(buffer, layout, slotCount);
  }

  /** Producer side: views over a ring the main thread created. */
  static attach(buffer: SharedArrayBuffer, geometry: SlotGeometry): SharedRing {
    const header = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    const layout = slotLayout(geometry);
    if (header[H_MAGIC] !== RING_MAGIC || header[H_VERSION] !== RING_VERSION) {
      throw new Error(`\`SharedRing.attach\`: not a Feedline ring (magic ${header[H_MAGIC]}, version ${header[H_VERSION]})`);
    }
    // The whole geometry, not just the slot size: two geometries can share a
    // slot size and still disagree on where indices and pixels start.
    const stored = `batchSize ${header[H_BATCH_SIZE]}, sampleElements ${header[H_SAMPLE_ELEMENTS]}, dtype code ${header[H_DTYPE]}, slotBytes ${header[H_SLOT_BYTES]}`;
    const wanted = `batchSize ${geometry.batchSize}, sampleElements ${geometry.sampleElements}, dtype code ${DTYPE_CODES[geometry.dtype]}, slotBytes ${layout.slotBytes}`;
    if (stored !== wanted) {
      throw new Error(`\`SharedRing.attach\`: the ring was built for ${stored}, not ${wanted}`);
    }
    return new SharedRing(buffer, layout, header[H_SLOT_COUNT]);
  }
}

/** Number of ring slots for a loader: max(2, numWorkers * prefetchFactor). */
export function ringSlotCount(numWorkers: number, prefetchFactor: number): number {
  return Math.max(2, numWorkers * prefetchFactor);
}
