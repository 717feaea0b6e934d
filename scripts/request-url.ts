/**
 * A dev or preview server request's URL, parsed. `new URL(req.url, base)`
 * reads a path that starts with `//` (a doubled slash from a joined link) as
 * a protocol-relative URL whose host is the first segment, and throws on
 * `//` alone: Vite then answers 500 for the whole page. Prefixing the origin
 * keeps every request path a path.
 */
export function requestUrl(path: string | undefined): URL {
  return new URL(`http://localhost${path?.startsWith('/') ? path : `/${path ?? ''}`}`);
}
