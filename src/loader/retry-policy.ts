/**
 * onError's `retry`, where a failure is retried: which failures are never
 * retried, and how long a retry waits. One policy for the producers
 * (worker/batch-executor.ts, per sample) and the shard feed (shard-feed.ts,
 * per shard).
 */
import type { SampleFailureReason } from './errors.ts';

const BACKOFF_BASE_MS = 50;
/** Failures a server or network may clear in a moment: their retries wait, doubling. */
const RETRY_WITH_BACKOFF: ReadonlySet<string> = new Set<SampleFailureReason>(['network', 'http', 'timeout']);

/** Failures no retry can change: the manifest item itself is invalid. */
export const NEVER_RETRY: ReadonlySet<string> = new Set<SampleFailureReason>(['manifest']);

/** The wait before the try after try `attempt` (1-based) failed with `reason`: 50, 100, 200 ms... or none. */
export function backoffMs(reason: string, attempt: number): number {
  return RETRY_WITH_BACKOFF.has(reason) ? BACKOFF_BASE_MS * 2 ** (attempt - 1) : 0;
}
