/**
 * The consumer's side of the slots, in either mode:
 * - 'shared': one SharedRing; a slot never moves, workers write it in place.
 * - 'transfer' (no cross-origin isolation, so no SharedArrayBuffer): one
 *   ArrayBuffer per slot, with the same layout, moved to the worker that fills
 *   it and moved back with the report. While a slot is out, the main thread
 *   has no view of it.
 */
import { SharedRing, SlotState, SlotView, slotLayout, type SlotGeometry, type SlotLayout } from './ring.ts';

export type RingMode = 'shared' | 'transfer';
export type SlotStateName = 'free' | 'filling' | 'ready' | 'failed';
const STATE_NAMES: Record<number, SlotStateName> = {
  [SlotState.FREE]: 'free',
  [SlotState.FILLING]: 'filling',
  [SlotState.READY]: 'ready',
  [SlotState.FAILED]: 'failed',
};

/**
 * Must hold between calls (the scheduler, the consumer and the worker
 * supervisor all go through these methods, on the main thread):
 * - slot s is in #free exactly when its state word is FREE: acquire() takes it
 *   out and marks it FILLING, release() marks it FREE and puts it back, and
 *   nothing else writes FREE;
 * - a slot is in #free at most once (release() refuses a free slot);
 * - a slot not in #free belongs to exactly one job, the one that acquired it
 *   with its current ticket, until the consumer (or a stopped epoch) releases
 *   it: being filled, READY or FAILED, or held as a Batch;
 * - #views[s] is null only in transfer mode, only while s is not in #free: its
 *   buffer is out with the worker filling it, from take() until put(); if the
 *   worker died with it, renew() or release() puts a fresh one in its place;
 * - holds(s, t) is true only for the job that acquired s with ticket t and
 *   only until s is released: a job handed over after its slot was recycled
 *   sees another ticket, or s free, and must not touch s.
 */
export class SlotPool {
  readonly layout: SlotLayout;
  readonly ring: SharedRing | null;
  readonly #views: Array<SlotView | null>; // null while the slot's buffer is out (transfer mode)
  /** Slots the scheduler may hand out, oldest freed first; exactly the FREE ones. */
  readonly #free: number[];
  /** Per slot: times it was acquired. A job keeps the ticket of its acquire (see holds()). */
  readonly #tickets: number[];

  constructor(
    readonly mode: RingMode,
    readonly count: number,
    geometry: SlotGeometry,
  ) {
    this.layout = slotLayout(geometry);
    this.ring = mode === 'shared' ? SharedRing.create(count, geometry) : null;
    this.#views = this.ring ? [...this.ring.slots] : Array.from({ length: count }, () => this.#fresh());
    this.#free = Array.from({ length: count }, (_, s) => s);
    this.#tickets = Array(count).fill(0);
    this.limit = count;
  }

  /**
   * Slots acquire() may have out at once (numWorkers or prefetchFactor
   * 'auto' raises and lowers it); the ring itself keeps `count`. Lowered
   * below what is out, slots come back as their jobs finish.
   */
  limit: number;

  get freeCount(): number {
    return this.#free.length;
  }

  /** Takes the oldest free slot and marks it FILLING; null when none is free. */
  acquire(): number | null {
    if (this.count - this.#free.length >= this.limit) return null;
    const slot = this.#free.shift();
    if (slot === undefined) return null;
    this.#tickets[slot]++;
    this.#views[slot]?.markFilling();
    return slot;
  }

  /** The slot's current ticket: it changes each time the slot is acquired. */
  ticket(slot: number): number {
    return this.#tickets[slot];
  }

  /** True while whoever acquired the slot with `ticket` still holds it: not released since. */
  holds(slot: number, ticket: number): boolean {
    return this.#tickets[slot] === ticket && !this.#free.includes(slot);
  }

  /** Transfer mode: the slot's buffer went down with a dead worker; a fresh one, FILLING, takes its place. */
  renew(slot: number): void {
    const view = this.#fresh();
    view.markFilling();
    this.#views[slot] = view;
  }

  /** The producer is done with the slot and the consumer no longer reads it. */
  release(slot: number): void {
    if (this.#free.includes(slot)) throw new Error(`\`SlotPool.release\`: slot ${slot} is already free`);
    (this.#views[slot] ?? this.#restore(slot)).markFree();
    this.#free.push(slot);
  }

  view(slot: number): SlotView {
    const view = this.#views[slot];
    if (!view) throw new Error(`\`SlotPool.view\`: slot ${slot} is out with a worker`);
    return view;
  }

  /** Transfer mode: the slot's buffer, to be moved to a worker. */
  take(slot: number): ArrayBuffer {
    const view = this.view(slot);
    this.#views[slot] = null;
    return view.buffer as ArrayBuffer;
  }

  /** Transfer mode: the buffer came back from the worker. */
  put(slot: number, buffer: ArrayBuffer): void {
    this.#views[slot] = new SlotView(buffer, 0, this.layout);
  }

  /** Each slot's state, in slot order; a slot out with a worker is filling. */
  states(): SlotStateName[] {
    return this.#views.map((view) => STATE_NAMES[view ? view.state : SlotState.FILLING]);
  }

  /** A buffer lost with a dead worker is replaced, so the pool keeps its size. */
  #restore(slot: number): SlotView {
    const view = this.#fresh();
    this.#views[slot] = view;
    return view;
  }

  #fresh(): SlotView {
    return new SlotView(new ArrayBuffer(this.layout.slotBytes), 0, this.layout);
  }
}
