/**
 * A static host for the built site (dist-app/), serving it under a sub-path
 * the way GitHub Pages or a docs bucket would: plain files, no SPA fallback,
 * and COOP/COEP only when asked (most static hosts cannot send them).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.tar': 'application/x-tar',
  '.wasm': 'application/wasm',
};

export interface StaticHost {
  server: Server;
  /** The site's address, ending in the sub-path's slash. */
  url: string;
  close(): Promise<void>;
}

export function staticHost(dir: string, subPath: string, options: { isolation: boolean }): Promise<StaticHost> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(subPath)) return void res.writeHead(404).end('not found');
    let file = normalize(join(dir, path.slice(subPath.length)));
    if (!file.startsWith(normalize(dir))) return void res.writeHead(403).end();
    if (path.endsWith('/')) file = join(file, 'index.html');
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      return void res.writeHead(404).end('not found');
    }
    const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(size) };
    if (options.isolation) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${subPath}`;
      resolve({ server, url, close: () => new Promise<void>((done) => (server.close(() => done()), server.closeAllConnections())) });
    }),
  );
}
