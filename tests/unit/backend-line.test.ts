/**
 * The dev page's backend line: it reads `?backend=` and says what forced the
 * backend in its own words, whatever the library's reason says.
 */
import { describe, expect, it } from 'vitest';
import { backendLine, backendParam } from '../../src/app/backend-line.ts';
import type { BackendChoice } from '../../src/train/index.ts';

const choice = (forced: boolean, reason: string): BackendChoice => ({ name: 'webgl', reason, forced, fallbacks: [], adapter: null });

describe('backend line', () => {
  it('reads ?backend= from a query string with the words that name it, and nothing when absent', () => {
    expect(backendParam('?backend=webgl&coi=0')).toEqual({ value: 'webgl', source: '?backend=webgl' });
    expect(backendParam('?coi=0')).toBeNull();
    expect(backendParam('?backend=')).toBeNull();
  });

  it("names the page's own source for a forced backend and keeps the library's reason otherwise", () => {
    expect(backendLine(choice(true, 'forced by `new Trainer({ backend })`'), '?backend=webgl')).toBe('forced by ?backend=webgl');
    expect(backendLine(choice(false, 'webgl is the fastest backend available'), 'the backend control')).toBe(
      'webgl is the fastest backend available',
    );
  });
});
