/**
 * worker_threads for tests: start a TypeScript entry in a real thread, and
 * speak Comlink's Endpoint shape over a Worker or a parentPort.
 *
 * Node 20 cannot run .ts in a worker, and `execArgv: ['--import', 'tsx']` does
 * not help (tsx registers its ESM hooks on the main thread only). So an entry
 * is bundled with esbuild (a devDependency) into one .mjs file
 * under the OS temp folder, named by content hash: a thread then starts in
 * ~25 ms instead of ~250 ms.
 * Where esbuild cannot be loaded, or FEEDLINE_TEST_WORKERS=tsx, the thread runs
 * ts-worker.mjs, which registers tsx inside the thread and imports the entry.
 *
 * Why not comlink/dist/esm/node-adapter.mjs: it maps every addEventListener
 * type to 'message', so WorkerProducer's 'error' listener would fire on each
 * reply as if the worker had crashed. These adapters route 'message' and
 * 'error' separately and ignore other types.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { Endpoint } from 'comlink';
import type { WorkerLike } from '../../../src/loader/producers.ts';

const BOOT = new URL('./ts-worker.mjs', import.meta.url);
const ESBUILD = 'esbuild'; // a devDependency (also vite's and tsx's); imported lazily so the tsx fallback works without it

/** A runnable worker script: a bundle, or a .ts entry that needs the tsx bootstrap. */
export interface WorkerScript {
  url: URL;
  viaTsx: boolean;
}

const scripts = new Map<string, Promise<WorkerScript>>();
/** Bundles live here, named by content hash: runs share them, and nothing else is written. */
const BUNDLE_DIR = join(tmpdir(), 'feedline-test-workers');
const DAY_MS = 24 * 3600 * 1000;

/** The script for `entry` (a .ts file URL), bundled on first use. */
export function workerScript(entry: URL): Promise<WorkerScript> {
  let script = scripts.get(entry.href);
  if (!script) scripts.set(entry.href, (script = bundle(entry)));
  return script;
}

interface Esbuild {
  build(options: object): Promise<{ outputFiles: Array<{ contents: Uint8Array }> }>;
}

async function bundle(entry: URL): Promise<WorkerScript> {
  if (process.env.FEEDLINE_TEST_WORKERS === 'tsx') return { url: entry, viaTsx: true };
  let esbuild: Esbuild;
  try {
    esbuild = (await import(/* @vite-ignore */ ESBUILD)) as Esbuild;
  } catch {
    return { url: entry, viaTsx: true };
  }
  const source = fileURLToPath(entry);
  const options = { entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false };
  const [output] = (await esbuild.build({ ...options, logLevel: 'silent' })).outputFiles;
  const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
  const file = join(BUNDLE_DIR, `${basename(source, '.ts')}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(BUNDLE_DIR, { recursive: true });
    pruneOldBundles();
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, file); // atomic: parallel test processes never see half a file
  }
  return { url: pathToFileURL(file), viaTsx: false };
}

/** Bundles of sources that have since changed are never used again: drop those a day old. */
function pruneOldBundles(): void {
  for (const name of readdirSync(BUNDLE_DIR)) {
    const path = join(BUNDLE_DIR, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
    } catch {
      // another process pruned it first
    }
  }
}

/** Starts `script` in a new thread; `data` arrives as workerData. */
export function startWorker(script: WorkerScript, data: Record<string, unknown> = {}): Worker {
  // execArgv []: do not inherit the test runner's own flags.
  if (script.viaTsx) return new Worker(BOOT, { workerData: { ...data, entry: script.url.href }, execArgv: [] });
  return new Worker(script.url, { workerData: data, execArgv: [] });
}

type Listener = EventListenerOrEventListenerObject;
type Emitter = Pick<Worker, 'on' | 'off'>;
// Node emitters pass their arguments untyped.
type Handler = (value: any) => void;

const deliver = (listener: Listener, event: object) =>
  typeof listener === 'function' ? listener(event as Event) : listener.handleEvent(event as Event);

/** Event-target style listeners over a Node emitter: 'message' and 'error' only. */
class ListenerTable {
  readonly #wrapped = new Map<string, Map<Listener, Handler>>();

  constructor(readonly emitter: Emitter) {}

  add(type: string, listener: Listener): void {
    let handler: Handler | null = null;
    if (type === 'message') handler = (data: unknown) => deliver(listener, { data });
    if (type === 'error') handler = (error: Error) => deliver(listener, { message: error.message, error });
    if (!handler) return;
    const table = this.#wrapped.get(type) ?? new Map();
    this.#wrapped.set(type, table);
    table.set(listener, handler);
    this.emitter.on(type, handler);
  }

  remove(type: string, listener: Listener): void {
    const handler = this.#wrapped.get(type)?.get(listener);
    if (!handler) return;
    this.#wrapped.get(type)!.delete(listener);
    this.emitter.off(type, handler);
  }
}

/** The main thread's side: a worker_threads Worker as the loader's WorkerLike. */
export class NodeWorkerEndpoint implements WorkerLike {
  /** Resolves with the exit code once the thread is gone. */
  readonly exited: Promise<number>;
  terminated = false;
  readonly #listeners: ListenerTable;
  readonly #delayed = new Map<Listener, Listener>(); // listener -> its delaying wrapper
  readonly #inTransit = new Set<ReturnType<typeof setTimeout>>();

  /**
   * `replyDelayMs` holds each message from the worker back that long, as a
   * busy page would; terminate() drops the ones still held, as a terminated
   * browser worker's replies never arrive.
   */
  constructor(
    readonly worker: Worker,
    readonly replyDelayMs = 0,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    this.#listeners = new ListenerTable(worker);
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.worker.postMessage(message, transfer as never);
  }

  addEventListener(type: string, listener: Listener): void {
    if (type !== 'message' || this.replyDelayMs === 0) return this.#listeners.add(type, listener);
    const delaying = (event: Event) => {
      const timer = setTimeout(() => {
        this.#inTransit.delete(timer);
        deliver(listener, event);
      }, this.replyDelayMs);
      this.#inTransit.add(timer);
    };
    this.#delayed.set(listener, delaying);
    this.#listeners.add(type, delaying);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.remove(type, (type === 'message' && this.#delayed.get(listener)) || listener);
  }

  terminate(): Promise<number> {
    this.terminated = true;
    for (const timer of this.#inTransit) clearTimeout(timer);
    this.#inTransit.clear();
    return this.worker.terminate();
  }
}

/** The worker's side: its parentPort as a Comlink Endpoint. */
export function parentEndpoint(port: MessagePort): Endpoint {
  const listeners = new ListenerTable(port as unknown as Emitter);
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer as never),
    addEventListener: (type, listener) => listeners.add(type, listener),
    removeEventListener: (type, listener) => listeners.remove(type, listener),
  };
}
