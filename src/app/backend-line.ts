/**
 * The dev page's words about the backend. Who forced it (`?backend=` or the
 * backend control) is the page's business, so the page composes that line;
 * the library's reason names only its own API.
 */
import type { BackendChoice } from '../train/index.ts';

/** `?backend=` as given, and the words that name it; null when absent. Validated once src/train has loaded. */
export function backendParam(search: string): { value: string; source: string } | null {
  const value = new URLSearchParams(search).get('backend');
  return value ? { value, source: `?backend=${value}` } : null;
}

/** The reason shown under the backend badge: a forced backend names what forced it on this page. */
export function backendLine(choice: BackendChoice, source: string): string {
  return choice.forced ? `forced by ${source}` : choice.reason;
}
