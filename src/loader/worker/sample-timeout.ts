/**
 * `timeoutMs` around one sample's work: `run` gets a signal that aborts when
 * the caller's does or when the time (active time: see active-timer.ts) runs
 * out; then the promise rejects with a SampleLoadError('timeout') at once,
 * whether or not `run` honours its signal.
 */
import { activeTimeout } from '../active-timer.ts';
import { SampleLoadError } from '../errors.ts';

export async function withTimeout<T>(timeoutMs: number, signal: AbortSignal, run: (signal: AbortSignal) => T | Promise<T>): Promise<T> {
  if (timeoutMs === 0) return run(signal);
  const controller = new AbortController();
  const onCancel = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onCancel, { once: true });
  let cancelTimer = () => {};
  const expired = new Promise<never>((_, reject) => {
    cancelTimer = activeTimeout(timeoutMs, () => {
      const error = new SampleLoadError('timeout', `it took longer than timeoutMs (${timeoutMs} ms)`);
      controller.abort(error);
      reject(error);
    });
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    cancelTimer();
    signal.removeEventListener('abort', onCancel);
  }
}
