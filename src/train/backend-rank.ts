/**
 * The order 'auto' tries the backends in, from what the browser says about
 * its GPU without running anything long: the WebGPU adapter's
 * `GPUAdapterInfo` and the WebGL renderer string.
 *
 *   WebGPU on hardware                 -> webgpu, webgl, cpu
 *   WebGPU on a software adapter       -> webgl, webgpu, cpu   (SwiftShader's WebGPU trains
 *                                                               several times slower than its WebGL)
 *   WebGPU software and no WebGL       -> webgpu, cpu
 *   no WebGPU adapter                  -> webgl, cpu
 *
 * A software adapter is never called the fastest: the reason says what was
 * found ("the WebGPU adapter is software (SwiftShader), and WebGL is faster
 * there"). Pure functions over plain facts, so the choice is tested in Node.
 */
import type { BackendName } from './backend.ts';

/** What `requestAdapter()` told about the WebGPU adapter. */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  description?: string;
  /** `GPUAdapterInfo.isFallbackAdapter` (or the older `GPUAdapter.isFallbackAdapter`). */
  isFallbackAdapter?: boolean;
}

/** What the browser knows about its GPUs; null where the API is missing or refused. */
export interface GpuFacts {
  /** The WebGPU adapter, or null with why there is none. */
  webgpu: AdapterFacts | null;
  /** WebGL's `UNMASKED_RENDERER_WEBGL` ('' when the browser hides it), or null without WebGL. */
  webglRenderer: string | null;
}

export interface Ranking {
  order: BackendName[];
  /** Why the first of `order` comes first; used as the reason when it runs. */
  why: string;
}

const SOFTWARE = [
  ['swiftshader', 'SwiftShader'],
  ['llvmpipe', 'llvmpipe'],
  ['softpipe', 'softpipe'],
  ['lavapipe', 'lavapipe'],
  ['warp', 'WARP'],
  ['basic render', 'Microsoft Basic Render'],
  ['software', 'a software renderer'],
] as const;

/** The adapter's name as one line, e.g. "google swiftshader"; null when it says nothing. */
/**
 * What an adapter says about itself. `GPUAdapter.info` (Chrome 127+) and `info.isFallbackAdapter`
 * (Chrome 136+) are newer than the bundled @webgpu/types; older browsers had `GPUAdapter.isFallbackAdapter`.
 */
export function adapterFacts(adapter: GPUAdapter): AdapterFacts {
  const raw = adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean };
  return {
    vendor: raw.info?.vendor,
    architecture: raw.info?.architecture,
    description: raw.info?.description,
    isFallbackAdapter: raw.info?.isFallbackAdapter ?? raw.isFallbackAdapter,
  };
}

export function adapterName(info: AdapterFacts | null): string | null {
  if (!info) return null;
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || null;
}

/** The software renderer a text names ("SwiftShader"), or null for hardware or unknown. */
export function softwareName(text: string | null | undefined): string | null {
  const lower = (text ?? '').toLowerCase();
  if (!lower) return null;
  for (const [needle, name] of SOFTWARE) {
    // 'warp' only as a word: not inside another name.
    if (needle === 'warp' ? /\bwarp\b/.test(lower) : lower.includes(needle)) return name;
  }
  return null;
}

/** Why a WebGPU adapter is software ("SwiftShader", "a fallback adapter"), or null if it is not known to be. */
export function adapterSoftware(info: AdapterFacts): string | null {
  const named = softwareName(adapterName(info));
  if (named) return named;
  return info.isFallbackAdapter ? 'a fallback adapter' : null;
}

export function rankBackends(facts: GpuFacts): Ranking {
  const gpuSoftware = facts.webgpu ? adapterSoftware(facts.webgpu) : null;
  const glSoftware = softwareName(facts.webglRenderer);
  const gl = facts.webglRenderer !== null;
  if (!facts.webgpu) {
    return {
      order: ['webgl', 'cpu'],
      why: gl
        ? `webgl: there is no WebGPU adapter${glSoftware ? `; WebGL runs in software (${glSoftware})` : ''}`
        : 'webgl: there is no WebGPU adapter',
    };
  }
  if (!gpuSoftware) {
    const name = adapterName(facts.webgpu);
    return { order: ['webgpu', 'webgl', 'cpu'], why: `webgpu is the fastest backend available: a hardware adapter${name ? ` (${name})` : ''}` };
  }
  if (!gl) {
    return { order: ['webgpu', 'cpu'], why: `webgpu: its adapter is software (${gpuSoftware}), but there is no WebGL to prefer` };
  }
  return {
    order: ['webgl', 'webgpu', 'cpu'],
    why: glSoftware
      ? `webgl: the WebGPU adapter is software (${gpuSoftware}), and WebGL is faster there`
      : `webgl: the WebGPU adapter is software (${gpuSoftware}), and WebGL runs on the GPU`,
  };
}
