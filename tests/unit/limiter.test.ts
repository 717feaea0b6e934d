/** Limiter (src/loader/limiter.ts): a FIFO counting semaphore. */
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/loader/worker/limiter.ts';
import { below, prng } from './support/random.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('Limiter', () => {
  it('runs at most `limit` tasks at once and returns each result to its caller', async () => {
    const limiter = new Limiter(3);
    const random = prng(12);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await sleep(below(random, 4));
          active--;
          return i * i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * i));
  });

  it('starts queued tasks in the order they asked', async () => {
    const limiter = new Limiter(2);
    const random = prng(3);
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          await sleep(below(random, 5));
        }),
      ),
    );
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('hands the permit on when a task throws, and the caller gets the error', async () => {
    const limiter = new Limiter(1);
    const failing = limiter.run(async () => {
      await sleep(2);
      throw new Error('task 0 failed');
    });
    const next = limiter.run(async () => 'task 1 ran');
    await expect(failing).rejects.toThrow('task 0 failed');
    await expect(next).resolves.toBe('task 1 ran');
    // And the permit is not lost: two more run one after the other.
    const order: string[] = [];
    await Promise.all([
      limiter.run(async () => void order.push('a')),
      limiter.run(async () => void order.push('b')),
    ]);
    expect(order).toEqual(['a', 'b']);
  });
});
