/**
 * Where a run's data starts when it continues a saved position or a
 * checkpoint, and the line that tells the person so. Pure, for the session.
 */
import type { LoaderState } from '../loader/index.ts';
import type { EvalDetail } from './run-record.ts';

export interface StartingPoint {
  /** The epochs the run trains to: a checkpoint that had finished its epochs trains `epochs` more. */
  epochs: number;
  note: string | null;
}

export function startingPoint(state: LoaderState | null, epochs: number, checkpoint: boolean): StartingPoint {
  if (!state) return { epochs, note: null };
  if (checkpoint && state.epoch >= epochs) {
    const to = state.epoch + epochs;
    return { epochs: to, note: `the checkpoint had finished its epochs: training on to epoch ${to}` };
  }
  return { epochs, note: `continued at epoch ${state.epoch + 1}, batch ${state.consumed + 1}` };
}

/** The confusion matrix and misclassified samples of an evaluation that has them (an epoch end's), else null. */
export function evalDetailOf(evaluation: object): EvalDetail | null {
  const { confusion, misclassified } = evaluation as Partial<EvalDetail>;
  return confusion ? { confusion, misclassified: misclassified ?? [] } : null;
}
