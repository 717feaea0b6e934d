/**
 * The dev and preview servers' request parsing (scripts/request-url.ts): a
 * doubled slash stays a path, so the isolation headers and the service worker
 * route never turn a request into a 500.
 */
import { describe, expect, it } from 'vitest';
import { requestUrl } from '../../scripts/request-url.ts';

describe('requestUrl', () => {
  it('reads the path and query of an ordinary request', () => {
    const url = requestUrl('/embed.html?preset=workers&coi=0');
    expect(url.pathname).toBe('/embed.html');
    expect(url.searchParams.get('coi')).toBe('0');
  });

  it('keeps a doubled slash as a path instead of a host, and does not throw on "//" alone', () => {
    expect(requestUrl('//').pathname).toBe('//');
    const joined = requestUrl('//learn.html?coi=0');
    expect(joined.host).toBe('localhost');
    expect(joined.pathname).toBe('//learn.html');
    expect(joined.searchParams.get('coi')).toBe('0');
  });

  it('treats a missing or relative URL as a path from the root', () => {
    expect(requestUrl(undefined).pathname).toBe('/');
    expect(requestUrl('coi-serviceworker.js').pathname).toBe('/coi-serviceworker.js');
  });
});
