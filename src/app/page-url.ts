/**
 * The page's address kept in step with its settings: read once at load
 * (url-state.ts's fromSearch), rewritten with `history.replaceState` as the
 * settings change, so the address bar is always a link to what is on screen
 * and a reload opens the same configuration. Page params that are not
 * settings (`coi=0`) are carried over as they were.
 */
import type { PlaygroundValues } from './playground-values.ts';
import { PAGE_PARAMS, toSearch, type UrlExtras } from './url-state.ts';

/** `toSearch(values, extras)` with the page params of `current` kept at the end. */
export function pageSearch(values: PlaygroundValues, extras: UrlExtras, current: string): string {
  const search = toSearch(values, extras);
  const kept = new URLSearchParams();
  const now = new URLSearchParams(current);
  for (const name of PAGE_PARAMS) {
    const value = now.get(name);
    if (value !== null) kept.set(name, value);
  }
  const tail = kept.toString();
  if (!tail) return search;
  return search ? `${search}&${tail}` : `?${tail}`;
}

/** Replaces the address's query (no new history entry) when it differs. */
export function writePageSearch(search: string, loc: Location = location, hist: History = history): void {
  if (loc.search === search) return;
  hist.replaceState(hist.state, '', `${loc.pathname}${search}${loc.hash}`);
}
