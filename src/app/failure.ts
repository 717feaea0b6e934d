/**
 * Something failed: what, why, and what to do, in words a person can act on.
 * The error's own message is the why; its type says what to suggest.
 */
import type { PlaygroundValues } from './playground-values.ts';

export interface Failure {
  /** What failed, e.g. "The loader raised a sample error". */
  what: string;
  /** The error's message, with its context (sample index, source, worker). */
  why: string;
  /** What to do about it. */
  todo: string;
}

export function describeFailure(error: unknown, values: Pick<PlaygroundValues, 'onError' | 'consumer'>): Failure {
  const why = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'SampleError':
      return {
        what: 'A sample failed to load and stopped the run',
        why,
        todo: values.onError === 'raise' ? "set onError to 'skip' (or 'retry') to drop bad samples and go on" : 'check the sample named above',
      };
    case 'OptionError':
      return { what: 'A setting is out of range', why, todo: 'fix the setting named above; the next Start uses it' };
    case 'DeviceLostError':
      return { what: 'The GPU device was lost', why, todo: 'reload the page, or pick another backend and resume from the checkpoint' };
    case 'BackendError':
      return { what: 'No training backend could start', why, todo: 'pick another backend (cpu always runs), or switch the consumer to "simulated"' };
    case 'WorkerError':
      return { what: 'A loader worker failed', why, todo: 'try fewer workers, or numWorkers 0 to load on the main thread' };
    case 'RangeError':
    case 'TypeError':
      return { what: 'The run cannot start with these settings', why, todo: 'change the setting named above and press Start' };
    default:
      return { what: 'The run failed', why, todo: 'press Start to try again; the message above says what broke' };
  }
}
