/**
 * Cross-origin isolation on a static host that cannot send headers (GitHub
 * Pages, a docs site's bucket): the app's top-level pages load
 * coi-serviceworker (MIT, github.com/gzuidhof/coi-serviceworker), a service
 * worker that adds COOP/COEP/CORP to every response of the app's folder.
 * The first visit registers it and reloads once; from then on the page is
 * isolated and the loader gets its SharedArrayBuffer ring.
 *
 * It does nothing where the headers already came from the server (`npm run
 * dev`, `npm run preview`, a host configured as in docs/hosting.md), nor in
 * a frame (an embed's isolation is its host page's), nor on a page opened
 * with `?coi=0` (deliberately not isolated; a worker registered earlier is
 * removed). The file is served in dev and emitted beside the pages in the
 * build, at the app's root, so its scope is the app's folder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { HtmlTagDescriptor, Plugin } from 'vite';
import { requestUrl } from './request-url.ts';

const FILE = 'coi-serviceworker.js';
/** The pages a reader opens top-level; embed.html is framed, and the test pages need no help. */
const PAGES = ['index.html', 'learn.html'];

const OPTIONS = `window.coi = {
  shouldRegister: () => window.top === window && new URLSearchParams(location.search).get('coi') !== '0',
  shouldDeregister: () => new URLSearchParams(location.search).get('coi') === '0',
  quiet: true,
};`;

export function coiServiceWorker(): Plugin {
  const source = () => readFileSync(createRequire(import.meta.url).resolve(`coi-serviceworker/${FILE}`), 'utf8');
  let root = '';
  const tags: HtmlTagDescriptor[] = [
    { tag: 'script', children: OPTIONS, injectTo: 'head-prepend' },
    { tag: 'script', attrs: { src: `./${FILE}` }, injectTo: 'head-prepend' },
  ];
  return {
    name: 'feedline:coi-serviceworker',
    configResolved: (config) => void (root = config.root),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (requestUrl(req.url).pathname !== `/${FILE}`) return next();
        res.setHeader('Content-Type', 'text/javascript');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: FILE, source: source() });
    },
    transformIndexHtml(_html, ctx) {
      const page = ctx.filename.startsWith(root) ? ctx.filename.slice(root.length).replace(/^\//, '') : ctx.path.replace(/^\//, '');
      return PAGES.includes(page) ? tags : undefined;
    },
  };
}
