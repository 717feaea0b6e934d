/** Colors shared by the CSS-drawn ring and the canvas-drawn timeline and thumbnails. */

export const SLOT_COLORS = {
  free: '#e2e8f0',
  filling: '#f59e0b',
  ready: '#10b981',
  held: '#8b5cf6',
  failed: '#ef4444',
} as const;

export type SlotColorState = keyof typeof SLOT_COLORS;

/** The consumer's lane: waiting for a batch (bad) and stepping on one (holding its slot). */
export const CONSUMER_COLORS = { wait: '#ef4444', step: SLOT_COLORS.held } as const;

const WORKER_COLORS = ['#2563eb', '#0891b2', '#ca8a04', '#db2777', '#16a34a', '#9333ea'];
const MAIN_THREAD_COLOR = '#475569';

/** A producer's color: -1 is the main thread. */
export function workerColor(worker: number | null): string {
  if (worker === null || worker < 0) return MAIN_THREAD_COLOR;
  return WORKER_COLORS[worker % WORKER_COLORS.length];
}
