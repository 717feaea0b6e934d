/*
 * Feedline embed host script: include it once on a page that has Feedline
 * demos, and
 *
 * - each demo <iframe> is sized to its content, with no scroll bars;
 * - frames with `theme=host` follow the page's theme;
 * - each link marked `data-feedline-demo` becomes a click-to-start
 *   button: nothing of the demo loads until the reader asks for it,
 *   then the link is replaced by the demo's <iframe>, started (for pages
 *   with many demos, or on phones). Without this script the link still
 *   opens the demo on its own page;
 * - each frame's figures (the share of each step that waits for data,
 *   step time, samples/s, workers) arrive as a `feedline:figures` event on
 *   its <iframe>, for pages that quote them in their text.
 *
 *   <iframe src="https://feedline.example/embed.html?preset=workers&autostart=1&theme=host"
 *           title="Feedline demo" loading="lazy" style="width:100%;height:560px;border:0"
 *           allow="cross-origin-isolated"></iframe>
 *   <a href="https://feedline.example/embed.html?preset=compute-bound&theme=host"
 *      data-feedline-demo>Compute-bound: more workers do not help</a>
 *   <script src="https://feedline.example/embed-host.js" async></script>
 *
 * A frame reports with postMessage; this accepts a message only from an
 * iframe's own window and from the origin of that iframe's src, so no other
 * frame or page can resize it or speak for it. The host's theme is its
 * <html>'s `data-theme` ("light" or "dark") when set, else its color
 * scheme, sent again whenever either changes.
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
    } else if (data.type === 'figures') {
      frame.dispatchEvent(new CustomEvent('feedline:figures', { bubbles: true, detail: data }));
    }
  });

  /** The demo's <iframe> for a start-button link, asked to start at once. */
  function frameFor(link) {
    const url = new URL(link.href, location.href);
    url.searchParams.set('autostart', '1');
    const frame = document.createElement('iframe');
    frame.src = url.href;
    frame.title = link.getAttribute('title') || link.textContent.trim() || 'Feedline demo';
    frame.allow = 'cross-origin-isolated';
    if (link.id) frame.id = link.id;
    frame.className = link.className;
    frame.style.cssText = 'width:100%;height:560px;border:0;display:block';
    return frame;
  }

  /** Turns a `data-feedline-demo` link into a button that swaps in the demo. */
  function startButton(link) {
    if (link.dataset.feedlineDemo === 'ready') return;
    link.dataset.feedlineDemo = 'ready';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = ('feedline-demo-start ' + link.className).trim(); // the page's demo styles apply to it too
    button.dataset.feedlineDemo = 'start';
    button.setAttribute('aria-label', 'Start the live demo: ' + link.textContent.trim());
    button.style.cssText =
      'display:flex;flex-direction:column;align-items:center;justify-content:center;gap:0.4em;width:100%;min-height:9rem;' +
      'padding:1rem;border:1px dashed currentColor;border-radius:8px;background:transparent;color:inherit;font:inherit;cursor:pointer;opacity:0.85';
    const title = document.createElement('strong');
    title.textContent = '\u25B6 ' + link.textContent.trim();
    const note = document.createElement('small');
    note.textContent = 'Live demo: click to load and start it (it runs in your browser, on your GPU)';
    button.append(title, note);
    button.addEventListener('click', function () {
      const frame = frameFor(link);
      link.remove();
      button.replaceWith(frame);
      // The reader asked for it: the demo takes the keyboard focus the button had, without scrolling the page.
      frame.focus({ preventScroll: true });
    });
    link.hidden = true;
    link.style.display = 'none'; // over a page style that gives its links display: block
    link.after(button);
  }

  function startButtons() {
    for (const link of document.querySelectorAll('a[data-feedline-demo]')) startButton(link);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startButtons);
  else startButtons();
})();
