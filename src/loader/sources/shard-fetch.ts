/**
 * One shard's bytes over HTTP, and the error a shard fails with as a whole.
 * Framework-free: the platform's fetch, in a page, a worker or Node.
 */
import { FeedlineError, type SampleFailureReason } from '../errors.ts';

/** A shard could not be fetched or read as a whole; `reason` as a sample failure's. */
export class ShardError extends FeedlineError {
  override name = 'ShardError';
  constructor(
    readonly url: string,
    readonly reason: SampleFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The whole shard, in one request, refused past `limit` bytes. The place
 * for HTTP Range requests, should measurements call for them: a `range`
 * argument and a 206 answer would fill the same buffer.
 */
export async function fetchShard(fetchFn: typeof fetch, url: string, limit: number, signal: AbortSignal): Promise<Uint8Array> {
  const failed = (reason: SampleFailureReason, what: string, cause?: unknown) => {
    if (signal.aborted) return signal.reason;
    return new ShardError(url, reason, `the shard ${url} could not be fetched: ${what}${cause === undefined ? '' : `: ${String(cause)}`}`);
  };
  let response: Response;
  try {
    response = await fetchFn(url, { signal });
  } catch (cause) {
    throw failed('network', 'the fetch failed (offline, or refused by CORS?)', cause);
  }
  if (!response.ok) throw failed('http', `the server answered ${response.status} ${response.statusText}`.trim());
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      length += read.value.length;
      if (length > limit) {
        await reader.cancel();
        throw new ShardError(url, 'source', `the shard ${url} is larger than ${limit} bytes, the most \`shardCacheBytes\` lets one shard take; raise it, or pack smaller shards`);
      }
      chunks.push(read.value);
    }
  } catch (cause) {
    if (cause instanceof ShardError) throw cause;
    throw failed('network', 'the response body failed', cause);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

