/**
 * The address bar follows the settings: only what differs from the defaults
 * (and the preset) is written, a page param that is not a setting (coi=0)
 * is carried over, and an unchanged address writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { pageSearch, writePageSearch } from '../../src/app/page-url.ts';
import { DEFAULT_VALUES } from '../../src/app/playground-values.ts';

describe('page url', () => {
  it('writes the settings and keeps coi=0 from the current address', () => {
    const values = { ...DEFAULT_VALUES, numWorkers: 4 };
    expect(pageSearch(values, {}, '?workers=1&coi=0')).toBe('?workers=4&coi=0');
    expect(pageSearch(DEFAULT_VALUES, {}, '?coi=0&batch=8')).toBe('?coi=0');
    expect(pageSearch(DEFAULT_VALUES, {}, '?batch=8')).toBe('');
  });

  it('replaces the query without a history entry, and only when it changed', () => {
    const calls: string[] = [];
    const loc = { search: '?workers=4', pathname: '/app/', hash: '#top' } as Location;
    const hist = { state: null, replaceState: (_: unknown, __: string, url: string) => calls.push(url) } as unknown as History;
    writePageSearch('?workers=4', loc, hist);
    expect(calls).toEqual([]);
    writePageSearch('?workers=1', loc, hist);
    expect(calls).toEqual(['/app/?workers=1#top']);
  });
});
