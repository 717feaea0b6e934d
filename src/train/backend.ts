/// <reference types="@webgpu/types" />
/**
 * Which tfjs backend runs, and why: WebGPU on a hardware adapter first, then
 * WebGL, then the CPU; a software WebGPU adapter (SwiftShader) goes after
 * WebGL (backend-rank.ts says why).
 *
 *   auto:   webgpu ──(no navigator.gpu | requestAdapter() null)──> webgl, cpu
 *           adapter facts ──> rankBackends: the order to try the rest in
 *           each ──(init threw: no WebGL context, ...)──> the next; cpu always works
 *   forced: that one backend or a BackendError; no silent substitute, since a
 *           forced backend is there to compare backends.
 *
 * The choice is global to the page (tfjs has one active backend), so the
 * latest `selectBackend` wins. A WebGPU backend whose device was lost is
 * thrown away and its factory registered again, so a later choice asks the
 * browser for a fresh device instead of reusing a dead one.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { OptionError } from '../loader/index.ts';
import { adapterFacts, adapterName, rankBackends, type AdapterFacts } from './backend-rank.ts';
import { BackendError } from './errors.ts';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';
export type BackendPreference = 'auto' | BackendName;
/** The backends, hardware-fastest first (on a software WebGPU adapter 'auto' tries WebGL first). */
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

export interface BackendFallback {
  backend: BackendName;
  /** Why it was passed over, e.g. "navigator.gpu is missing: ...". */
  reason: string;
}

export interface BackendChoice {
  name: BackendName;
  /** Why this one runs: what was preferred, forced, or what it fell back from. */
  reason: string;
  forced: boolean;
  /** The backends tried before it, in order, each with why it was not used. */
  fallbacks: BackendFallback[];
  /**
   * For WebGPU the adapter, e.g. "google swiftshader" (a CPU emulation); for
   * WebGL the renderer where the browser tells it; else null.
   */
  adapter: string | null;
}

/** The last error each backend's factory threw: tfjs only logs it. */
const initErrors = new Map<string, unknown>();
const wrapped = new Set<string>();
const lostDevices = new WeakSet<GPUDevice>();

export function parsePreference(value: unknown, what = '`backend`'): BackendPreference {
  if (value === 'auto' || BACKENDS.includes(value as BackendName)) return value as BackendPreference;
  throw new OptionError(`${what} must be 'auto', ${BACKENDS.map((b) => `'${b}'`).join(', ')}; got ${JSON.stringify(value)}.`);
}

/**
 * Makes `preference` the active tfjs backend and says why. `source` names the
 * API that forced it, for the reason and the error ("forced by `new
 * Trainer({ backend })`"); a page that wants its own words composes its line
 * from `forced`.
 */
export async function selectBackend(preference: BackendPreference = 'auto', source = 'the caller'): Promise<BackendChoice> {
  const forced = preference !== 'auto';
  const fallbacks: BackendFallback[] = [];
  let candidates: readonly BackendName[] = [preference as BackendName];
  let why: string | null = null;
  if (!forced) {
    const probe = await probeWebGPU();
    if (!probe.ok) fallbacks.push({ backend: 'webgpu', reason: probe.reason });
    // The WebGL renderer matters only to rank a software WebGPU adapter against it.
    const ranking = rankBackends({ webgpu: probe.ok ? probe.info : null, webglRenderer: probe.ok ? probeWebGLRenderer() : null });
    candidates = probe.ok ? ranking.order : ['webgl', 'cpu'];
    why = ranking.why;
  }
  for (const name of candidates) {
    const tried = await tryBackend(name);
    if (tried.ok) {
      const reason = forced
        ? `forced by ${source}`
        : fallbacks.length === 0 && name === candidates[0]
          ? why!
          : `fell back: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`;
      return { name, reason, forced, fallbacks, adapter: tried.adapter };
    }
    fallbacks.push({ backend: name, reason: tried.reason });
  }
  const detail = fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ');
  throw new BackendError(
    preference,
    forced
      ? `\`selectBackend\`: the ${preference} backend, forced by ${source}, cannot run here (${detail}); choose 'auto' or another backend`
      : `\`selectBackend\`: no tfjs backend could start (${detail})`,
  );
}

type Tried = { ok: true; adapter: string | null } | { ok: false; reason: string };

async function tryBackend(name: BackendName): Promise<Tried> {
  let adapter: string | null = null;
  if (name === 'webgpu') {
    const probe = await probeWebGPU(); // again for a forced or ranked-later WebGPU: cheap, and the adapter may have changed
    if (!probe.ok) return probe;
    adapter = probe.adapter;
    discardLostWebGPU();
  }
  if (!tf.engine().registryFactory[name]) {
    return { ok: false, reason: 'not registered: tfjs offers it only in a browser' };
  }
  instrument(name);
  initErrors.delete(name);
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    initErrors.set(name, error);
  }
  if (!ok) {
    const error = initErrors.get(name);
    return { ok: false, reason: `initialisation failed: ${error instanceof Error ? error.message : String(error ?? 'unknown error')}` };
  }
  if (name === 'webgpu') watchDevice(currentDevice()!);
  if (name === 'webgl') adapter = webglRenderer((tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl) || null;
  return { ok: true, adapter };
}

async function probeWebGPU(): Promise<{ ok: true; adapter: string; info: AdapterFacts } | { ok: false; reason: string }> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (!gpu) {
    return { ok: false, reason: 'navigator.gpu is missing: this browser has no WebGPU, or the page is not a secure context' };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ok: false, reason: `navigator.gpu.requestAdapter() threw: ${String(error)}` };
  }
  if (!adapter) {
    return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null: no usable GPU adapter (blocklisted or disabled)' };
  }
  const info = adapterFacts(adapter);
  return { ok: true, adapter: adapterName(info) ?? 'unknown adapter', info };
}

/** The WebGL renderer of a throwaway context ('' when hidden), or null where WebGL is missing. */
function probeWebGLRenderer(): string | null {
  const canvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1)
      : typeof document !== 'undefined'
        ? document.createElement('canvas')
        : null;
  const gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl') ?? null) as WebGLRenderingContext | null;
  if (!gl) return null;
  const renderer = webglRenderer(gl);
  gl.getExtension('WEBGL_lose_context')?.loseContext(); // give the context back now, not at GC
  return renderer;
}

function webglRenderer(gl: WebGLRenderingContext | undefined): string {
  const debug = gl?.getExtension('WEBGL_debug_renderer_info');
  return debug ? String(gl!.getParameter(debug.UNMASKED_RENDERER_WEBGL) ?? '') : '';
}

/**
 * Wraps a backend's factory once so that its error is kept: tfjs's
 * `setBackend` returns false and only logs why.
 */
function instrument(name: BackendName): void {
  const engine = tf.engine();
  if (wrapped.has(name) || engine.registry[name]) return;
  const entry = engine.registryFactory[name];
  if (!entry) return;
  wrapped.add(name);
  const { factory, priority } = entry;
  tf.removeBackend(name);
  tf.registerBackend(
    name,
    async () => {
      try {
        return await factory();
      } catch (error) {
        initErrors.set(name, error);
        throw error;
      }
    },
    priority,
  );
}

/** A WebGPU backend whose device is lost cannot recover: drop it, keep its factory. */
function discardLostWebGPU(): void {
  const engine = tf.engine();
  const backend = engine.registry.webgpu as WebGPUBackend | undefined;
  if (!backend || !lostDevices.has(backend.device)) return;
  const { factory, priority } = engine.registryFactory.webgpu;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, priority);
}

function watchDevice(device: GPUDevice): void {
  void device.lost.then(() => lostDevices.add(device));
}

/** The active backend's GPUDevice when it is WebGPU; else null. */
export function currentDevice(): GPUDevice | null {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as WebGPUBackend).device : null;
}
