/**
 * The HTML a docs author pastes to embed a demo: the <iframe> on embed.html
 * with the playground's settings, and the host script that sizes it
 * (public/embed-host.js). "Embed this" in the playground copies it.
 */
import type { ControlGroup } from '../app/playground-values.ts';

export interface SnippetOptions {
  /** The control groups the frame shows; none by default. */
  controls?: readonly ControlGroup[];
  autostart?: boolean;
  /** The frame's title, for screen readers. */
  title?: string;
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
  if (options.controls?.length) params.set('controls', options.controls.join(','));
  if (options.autostart ?? true) params.set('autostart', '1');
  params.set('theme', 'host');
  const src = new URL(`embed.html?${params.toString().replaceAll('%2C', ',')}`, appUrl).href;
  const host = new URL('embed-host.js', appUrl).href;
  const title = options.title ?? 'Feedline demo: prefetching at work';
  return [
    `<iframe src="${attr(src)}" title="${attr(title)}" loading="lazy"`,
    `        style="width:100%;height:${FIRST_HEIGHT_PX}px;border:0" allow="cross-origin-isolated"></iframe>`,
    `<script src="${attr(host)}" async></script>`,
  ].join('\n');
}
