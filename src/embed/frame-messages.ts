/**
 * What an embedded Feedline frame and its host page say to each other with
 * `postMessage` (the host's half is public/embed-host.js).
 *
 *   frame -> host  { feedline: 1, type: 'height', id, height }   the content's height in CSS px, on every change
 *   frame -> host  { feedline: 1, type: 'ready', id }            once, when the frame can take a theme
 *   frame -> host  { feedline: 1, type: 'figures', id, ...Figures } the run's figures, when they change (5 times a second at most)
 *   host -> frame  { feedline: 1, type: 'theme', theme }         'light' or 'dark': for `theme=host`
 *
 * The frame cannot know its host's origin, so it posts to '*': a height is
 * not a secret. The host accepts a message only from the frame's own window
 * and origin; the frame accepts a theme only from its parent window.
 */

import type { SessionStatus } from '../app/session.svelte.ts';
import type { RingMode } from '../loader/index.ts';

export interface HeightMessage {
  feedline: 1;
  type: 'height';
  id: string;
  height: number;
}

export interface ReadyMessage {
  feedline: 1;
  type: 'ready';
  id: string;
}

export interface ThemeMessage {
  feedline: 1;
  type: 'theme';
  theme: 'light' | 'dark';
}

/**
 * What the demo shows, for a host page that wants to quote it in its text
 * (embed-host.js re-dispatches it as a `feedline:figures` DOM event on the
 * iframe; the Learn page writes them into its paragraphs).
 */
export interface Figures {
  status: SessionStatus;
  /** Steps (or simulated batches) so far. */
  steps: number;
  /** Share of the recent steps spent waiting for data, 0..1; null before the first step. */
  waitShare: number | null;
  verdict: 'none' | 'input-bound' | 'compute-bound';
  /** Mean milliseconds a step took over the recent steps (waiting and computing); null before the first. */
  stepMs: number | null;
  samplesPerSec: number;
  /** Workers loading now (0: the page loads itself); while idle, the number the settings start with. */
  workers: number;
  mode: RingMode;
}

export interface FiguresMessage extends Figures {
  feedline: 1;
  type: 'figures';
  id: string;
}

/** The host's window, or null when the page is not in a frame. */
function host(): Window | null {
  return window.parent !== window ? window.parent : null;
}

/** Reports `target`'s height to the host now and on every change (ResizeObserver); returns the cleanup. */
export function reportHeight(id: string, target: Element): () => void {
  const parent = host();
  if (!parent) return () => {};
  let last = -1;
  const send = () => {
    const height = Math.ceil(target.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    parent.postMessage({ feedline: 1, type: 'height', id, height } satisfies HeightMessage, '*');
  };
  const observer = new ResizeObserver(send);
  observer.observe(target);
  send();
  return () => observer.disconnect();
}

/** Says the frame is ready, and calls `apply` with each theme its parent sends; returns the cleanup. */
export function takeHostTheme(id: string, apply: (theme: 'light' | 'dark') => void): () => void {
  const parent = host();
  if (!parent) return () => {};
  const onMessage = (event: MessageEvent) => {
    const data = event.data as Partial<ThemeMessage> | null;
    if (event.source !== parent || data?.feedline !== 1 || data.type !== 'theme') return;
    if (data.theme === 'light' || data.theme === 'dark') apply(data.theme);
  };
  window.addEventListener('message', onMessage);
  parent.postMessage({ feedline: 1, type: 'ready', id } satisfies ReadyMessage, '*');
  return () => window.removeEventListener('message', onMessage);
}

/**
 * Calls `changed(true|false)` when `target` comes into or goes out of the
 * host's viewport (an IntersectionObserver in a frame measures against the
 * top-level viewport), or the tab is hidden or shown; returns the cleanup.
 */
export function watchInView(target: Element, changed: (inView: boolean) => void): () => void {
  let intersecting = true;
  let last: boolean | null = null;
  const update = () => {
    const now = intersecting && document.visibilityState === 'visible';
    if (now === last) return;
    last = now;
    changed(now);
  };
  const observer = new IntersectionObserver((entries) => {
    intersecting = entries.at(-1)!.isIntersecting;
    update();
  });
  observer.observe(target);
  document.addEventListener('visibilitychange', update);
  return () => {
    observer.disconnect();
    document.removeEventListener('visibilitychange', update);
  };
}

/** A function that posts the figures to the host when they differ from the last ones posted (nothing outside a frame). */
export function figuresReporter(id: string): (figures: Figures) => void {
  const parent = host();
  let last = '';
  return (figures) => {
    if (!parent) return;
    const text = JSON.stringify(figures);
    if (text === last) return;
    last = text;
    parent.postMessage({ feedline: 1, type: 'figures', id, ...figures } satisfies FiguresMessage, '*');
  };
}
