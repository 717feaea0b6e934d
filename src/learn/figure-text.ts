/**
 * The Learn page quotes each demo's figures in its paragraphs: an
 * `<output data-demo="<frame id>" data-figure="<name>">` is filled from the
 * frame's `feedline:figures` events (embed-host.js). This turns one figure
 * into the words the sentence expects.
 */
import { formatShare } from '../app/verdict.ts';
import type { Figures } from '../embed/frame-messages.ts';

/** What an output shows before its demo has measured anything. */
export const NOT_YET = '–';

export function figureText(name: string, figures: Figures): string {
  switch (name) {
    case 'waitShare':
      return figures.waitShare === null ? NOT_YET : formatShare(figures.waitShare);
    case 'stepMs':
      return figures.stepMs === null ? NOT_YET : `${Math.round(figures.stepMs).toLocaleString('en-US')} ms`;
    case 'samplesPerSec':
      return figures.steps === 0 ? NOT_YET : Math.round(figures.samplesPerSec).toLocaleString('en-US');
    case 'workers':
      return String(figures.workers);
    case 'verdict':
      return figures.verdict === 'none' ? NOT_YET : figures.verdict;
    default:
      return NOT_YET;
  }
}
