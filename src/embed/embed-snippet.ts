/**
 * The HTML a docs author pastes to embed a demo: the <iframe> on embed.html
 * with the playground's settings (or, with `start: 'click'`, a link the host
 * script turns into a click-to-start button), and the host script that
 * sizes it (public/embed-host.js). "Embed this" in the playground copies it.
 *
 * The settings leave out a forced backend: the author's machine chose it,
 * and each reader's browser should pick its own (WebGPU where it has one).
 */
import type { ControlGroup } from '../app/playground-values.ts';

export interface SnippetOptions {
  /** The control groups the frame shows; none by default. */
  controls?: readonly ControlGroup[];
  autostart?: boolean;
  /** The frame's title, for screen readers, and the start button's words. */
  title?: string;
  /**
   * 'view' (the default): an iframe that loads lazily and starts once in view
   * (with autostart). 'click': a link that embed-host.js turns into a
   * start button, loading nothing until the reader clicks it; for pages with
   * many demos. Without the script the link opens the demo on its own page.
   */
  start?: 'view' | 'click';
}

/** A frame is this tall until embed-host.js sizes it to its content. */
export const FIRST_HEIGHT_PX = 560;

const attr = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * `appUrl`: the playground's address (its folder holds embed.html and
 * embed-host.js); `search`: its settings' query string (url-state.ts toSearch).
 */
export function embedSnippet(appUrl: string, search: string, options: SnippetOptions = {}): string {
  const params = new URLSearchParams(search);
  params.delete('backend');
  if (options.controls?.length) params.set('controls', options.controls.join(','));
  const click = options.start === 'click';
  if ((options.autostart ?? true) && !click) params.set('autostart', '1'); // a start button's frame always starts: the click asked for it
  params.set('theme', 'host');
  const src = new URL(`embed.html?${params.toString().replaceAll('%2C', ',')}`, appUrl).href;
  const host = new URL('embed-host.js', appUrl).href;
  const title = options.title ?? 'Feedline demo: prefetching at work';
  if (click) return [`<a href="${attr(src)}" data-feedline-demo>${attr(title).replaceAll('>', '&gt;')}</a>`, `<script src="${attr(host)}" async></script>`].join('\n');
  return [
    `<iframe src="${attr(src)}" title="${attr(title)}" loading="lazy"`,
    `        style="width:100%;height:${FIRST_HEIGHT_PX}px;border:0" allow="cross-origin-isolated"></iframe>`,
    `<script src="${attr(host)}" async></script>`,
  ].join('\n');
}
