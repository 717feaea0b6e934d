/** The demo's live series as deep reactive state, the way a session's $state series is. */
import type { RunSeries } from '../../src/app/run-record.ts';
import { demoSeries } from './ui-parts-data.ts';

export function reactiveDemoSeries(): RunSeries {
  const series = $state(demoSeries());
  return series;
}
