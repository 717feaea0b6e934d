/**
 * The fixture app of tests/browser/package.spec.ts, set up as another project
 * would: `npm pack` of this repo (its prepack builds dist/), then a copy of
 * tests/package/app/ in a temp dir outside the repo (so nothing resolves
 * from the repo's node_modules) that installs the tarball and Vite with npm.
 * Its public/ gets the fixture dataset, whose pixels follow a formula.
 *
 * Also the servers it runs on: Vite (dev, or preview of a build) as child
 * processes, and a small static server for the plain-ESM page.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { makeFixtures } from '../../scripts/make-fixtures.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));

export interface FixtureApp {
  /** The installed app (its package.json, node_modules/, public/). */
  dir: string;
  /** Files `npm pack` put in the tarball, as its paths. */
  packed: string[];
  /** Deletes the temp dir. */
  remove(): void;
}

/** Runs a command to its end; on failure the error carries its output. */
export function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Packs the repo and installs the tarball into a fresh copy of the fixture app. */
export function installFixtureApp(): FixtureApp {
  const root = mkdtempSync(join(tmpdir(), 'feedline-package-'));
  try {
    run('npm', ['run', 'build:lib', '--silent'], REPO); // what prepack does; run apart so that pack's stdout is its JSON alone
    const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], REPO);
    const [pack] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const dir = join(root, 'app');
    cpSync(join(HERE, 'app'), dir, { recursive: true });
    makeFixtures(join(dir, 'public', 'datasets', 'fixtures'), { force: true });
    const vite = JSON.parse(readFileSync(join(REPO, 'node_modules', 'vite', 'package.json'), 'utf8')).version as string;
    // The repo's own Vite version: after `npm ci` here, npm's cache already holds it.
    run('npm', ['install', join(root, pack.filename), `vite@${vite}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
    return { dir, packed: pack.files.map((f) => f.path), remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Gives the app the repo's tfjs as its peer dependency, by a link rather than
 * an install (tfjs and its dependencies are 350 MB on disk).
 */
export function linkTfjs(app: FixtureApp): void {
  const link = join(app.dir, 'node_modules', '@tensorflow');
  if (!existsSync(link)) symlinkSync(join(REPO, 'node_modules', '@tensorflow'), link, 'dir');
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Running {
  url: string;
  stop(): Promise<void>;
}

/** Waits until `url` answers, at most `ms`; fails early with the server's output if it exits. */
async function answering(url: string, child: ChildProcess | null, output: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${ms} ms:\n${output()}`);
}

/** `vite <args>` in the app (dev server: no args; `preview`) on a free port, until stop(). */
export async function startVite(app: FixtureApp, args: string[] = []): Promise<Running> {
  const port = await freePort();
  const bin = join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [bin, ...args, '--port', String(port), '--strictPort'], { cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://localhost:${port}/`;
  try {
    await answering(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.png': 'image/png' };

/** The import map's text in plain.html, and its CSP hash (an inline script needs one under a strict policy). */
export function importMapHash(): string {
  const html = readFileSync(join(HERE, 'plain.html'), 'utf8');
  const text = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1];
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/**
 * Serves plain.html at /, the app's main.ts compiled to /main.js (types
 * stripped, imports left bare), the app's node_modules/ and its public/.
 * The page gets COOP/COEP unless asked with `?coi=0`, and `?csp=<policy>`
 * as its Content-Security-Policy.
 */
export async function startStatic(app: FixtureApp): Promise<Running> {
  const main = transformSync(readFileSync(join(app.dir, 'main.ts'), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' }).code;
  const page = readFileSync(join(HERE, 'plain.html'), 'utf8');
  const server: HttpServer = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      if (url.searchParams.get('coi') !== '0') {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
      const csp = url.searchParams.get('csp');
      if (csp) res.setHeader('Content-Security-Policy', csp);
      return send(200, 'text/html', page);
    }
    if (url.pathname === '/main.js') return send(200, 'text/javascript', main);
    const base = url.pathname.startsWith('/node_modules/') ? app.dir : join(app.dir, 'public');
    const file = normalize(join(base, decodeURIComponent(url.pathname)));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'text/plain', 'not found');
    send(200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://localhost:${port}/`;
  await answering(url, null, () => '');
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the browser keeps its connections open
    });
  return { url, stop };
}
