/**
 * Where the app's own files are. The build uses a relative base (vite.config.ts
 * `base: './'`), so the same files work from a domain root or from any
 * sub-path of a static host (`https://example.org/docs/feedline/`): every
 * page of the app (index.html, embed.html, learn.html) sits at the app's
 * root, and `import.meta.env.BASE_URL` is './' there, the page's folder.
 * The dev server serves from '/', where the test pages under /tests/ live too.
 */

/** `path` ('/datasets/mnist/manifest.json', written from the app's root) as an absolute URL for this page. */
export function appUrl(path: string): string {
  const root = new URL(import.meta.env.BASE_URL, location.href);
  return new URL(path.replace(/^\//, ''), root).href;
}
