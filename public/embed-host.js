/*
 * Feedline embed host script: include it once on a page that has Feedline
 * demo <iframe>s, and each frame is sized to its content with no scroll
 * bars, and frames with `theme=host` follow the page's theme.
 *
 *   <iframe src="https://feedline.example/embed.html?preset=prefetch&autostart=1&theme=host"
 *           title="Feedline demo" loading="lazy" style="width:100%;border:0"
 *           allow="cross-origin-isolated"></iframe>
 *   <script src="https://feedline.example/embed-host.js" async></script>
 *
 * A frame reports its height with postMessage; this accepts a message only
 * from an iframe's own window and from the origin of that iframe's src, so
 * no other frame or page can resize it. The host's theme is its <html>'s
 * `data-theme` ("light" or "dark") when set, else its color scheme, sent
 * again whenever either changes.
 *
 * MIT licensed, part of Feedline; no dependencies.
 */
(function () {
  if (window.feedlineEmbedHost) return; // included twice: one listener is enough
  window.feedlineEmbedHost = true;

  /** The iframe whose window sent `event`, when its src has the sender's origin. */
  function frameOf(event) {
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== event.source) continue;
      let origin;
      try {
        origin = new URL(frame.src, location.href).origin;
      } catch {
        return null;
      }
      return origin === event.origin ? frame : null;
    }
    return null;
  }

  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  function hostTheme() {
    const set = document.documentElement.getAttribute('data-theme');
    if (set === 'light' || set === 'dark') return set;
    return dark.matches ? 'dark' : 'light';
  }

  /** Frames that asked for the host's theme, by window, with their origin. */
  const themed = new Map();
  function sendTheme(win, origin) {
    win.postMessage({ feedline: 1, type: 'theme', theme: hostTheme() }, origin);
  }
  function sendThemeToAll() {
    for (const [win, origin] of themed) sendTheme(win, origin);
  }
  dark.addEventListener('change', sendThemeToAll);
  new MutationObserver(sendThemeToAll).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

  window.addEventListener('message', function (event) {
    const data = event.data;
    if (!data || data.feedline !== 1) return;
    const frame = frameOf(event);
    if (!frame) return;
    if (data.type === 'height' && typeof data.height === 'number' && data.height > 0) {
      frame.style.height = Math.ceil(data.height) + 'px';
    } else if (data.type === 'ready' && new URL(frame.src, location.href).searchParams.get('theme') === 'host') {
      themed.set(event.source, event.origin);
      sendTheme(event.source, event.origin);
    }
  });
})();
