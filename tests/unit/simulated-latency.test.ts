/**
 * The playground's slow-network knob: each read waits latency + jitter (as
 * fetch time) before the real read, an abort cuts the wait, cached pixels keep
 * their tag, and the environment exists only when there is latency, arming
 * each worker before the loader's own first message.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LatencyReader, latencyEnvironment } from '../../src/app/simulated-latency.ts';
import type { PixelReader } from '../../src/loader/worker/decode.ts';
import type { WorkerLike } from '../../src/loader/index.ts';

function fakeReader(): PixelReader & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    cacheTag: 'fake/1',
    async read(source) {
      calls.push(source);
      return new Uint8ClampedArray([1, 2, 3, 4]);
    },
  };
}

describe('LatencyReader', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits latency plus the drawn share of jitter, marks it as fetch, then reads', async () => {
    const inner = fakeReader();
    const marks: Array<[string, number]> = [];
    const reader = new LatencyReader(inner, () => ({ latencyMs: 40, jitterMs: 20 }), () => 0.5);
    const start = performance.now();
    const read = reader.read('a.png', new AbortController().signal, (phase, at) => marks.push([phase, at]));
    await vi.advanceTimersByTimeAsync(49);
    expect(inner.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(Array.from(await read)).toEqual([1, 2, 3, 4]);
    expect(inner.calls).toEqual(['a.png']);
    expect(marks).toEqual([['fetch', start]]);
  });

  it('reads at once with no latency and no jitter', async () => {
    const inner = fakeReader();
    const reader = new LatencyReader(inner, () => ({ latencyMs: 0, jitterMs: 0 }));
    const marks: string[] = [];
    await reader.read('b.png', new AbortController().signal, (phase) => marks.push(phase));
    expect(inner.calls).toEqual(['b.png']);
    expect(marks).toEqual([]);
  });

  it('an abort during the wait rejects with its reason and never reads', async () => {
    const inner = fakeReader();
    const reader = new LatencyReader(inner, () => ({ latencyMs: 1000, jitterMs: 0 }));
    const controller = new AbortController();
    const read = reader.read('c.png', controller.signal);
    const reason = new Error('epoch 0 was stopped');
    controller.abort(reason);
    await expect(read).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(2000);
    expect(inner.calls).toEqual([]);
  });

  it('keeps the inner reader\'s cache tag: the pixels are the same', () => {
    expect(new LatencyReader(fakeReader(), () => ({ latencyMs: 5, jitterMs: 0 })).cacheTag).toBe('fake/1');
  });
});

describe('latencyEnvironment', () => {
  it('is the loader defaults (undefined) with no latency', () => {
    expect(latencyEnvironment({ latencyMs: 0, jitterMs: 0 })).toBeUndefined();
  });

  it('arms each worker it starts with the latency, in its first message', () => {
    const posted: unknown[] = [];
    const worker: WorkerLike = {
      postMessage: (message: unknown) => posted.push(message),
      addEventListener: () => {},
      removeEventListener: () => {},
      terminate: () => {},
    };
    const env = latencyEnvironment({ latencyMs: 40, jitterMs: 10 }, () => worker)!;
    expect(env.createWorker!(0)).toBe(worker);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ type: 'APPLY', path: ['simulate'], argumentList: [{ type: 'RAW', value: { latencyMs: 40, jitterMs: 10 } }] });
  });
});
