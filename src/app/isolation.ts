/** Cross-origin isolation of this page, and the link that flips it (vite.config.ts reads `?coi=0`). */
import { sharedMemoryAvailable, type RingMode } from '../loader/index.ts';

export interface Isolation {
  crossOriginIsolated: boolean;
  /** The mode a DataLoader with mode 'auto' will pick on this page. */
  expectedMode: RingMode;
  /** The same page with isolation flipped. */
  toggleHref: string;
  toggleLabel: string;
}

export function pageIsolation(): Isolation {
  const url = new URL(location.href);
  const optedOut = url.searchParams.get('coi') === '0';
  if (optedOut) url.searchParams.delete('coi');
  else url.searchParams.set('coi', '0');
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    expectedMode: sharedMemoryAvailable() ? 'shared' : 'transfer',
    toggleHref: url.pathname + url.search + url.hash,
    toggleLabel: optedOut ? 'reload isolated' : 'reload without isolation (?coi=0)',
  };
}
