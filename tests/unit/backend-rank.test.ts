/**
 * The order 'auto' tries the backends in, from what the browser tells about
 * its adapters: a software WebGPU adapter never comes first where WebGL can
 * run, and is never called the fastest.
 */
import { describe, expect, it } from 'vitest';
import { adapterSoftware, rankBackends, softwareName } from '../../src/train/backend-rank.ts';

const SWIFTSHADER_GPU = { vendor: 'google', architecture: 'swiftshader', description: '' };
const SWIFTSHADER_GL = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const NVIDIA_GPU = { vendor: 'nvidia', architecture: 'ampere', description: '' };
const NVIDIA_GL = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 (0x00002206) Direct3D11 vs_5_0 ps_5_0, D3D11)';

describe('auto backend ranking', () => {
  it('puts WebGPU first on a hardware adapter and says it is the fastest', () => {
    expect(rankBackends({ webgpu: NVIDIA_GPU, webglRenderer: NVIDIA_GL })).toEqual({
      order: ['webgpu', 'webgl', 'cpu'],
      why: 'webgpu is the fastest backend available: a hardware adapter (nvidia ampere)',
    });
  });

  it('puts software WebGL before software WebGPU (SwiftShader), and says why without calling it fastest', () => {
    const ranking = rankBackends({ webgpu: SWIFTSHADER_GPU, webglRenderer: SWIFTSHADER_GL });
    expect(ranking).toEqual({
      order: ['webgl', 'webgpu', 'cpu'],
      why: 'webgl: the WebGPU adapter is software (SwiftShader), and WebGL is faster there',
    });
    expect(ranking.why).not.toMatch(/fastest/);
  });

  it('prefers hardware WebGL over a fallback WebGPU adapter known only by isFallbackAdapter', () => {
    expect(rankBackends({ webgpu: { vendor: '', isFallbackAdapter: true }, webglRenderer: NVIDIA_GL })).toEqual({
      order: ['webgl', 'webgpu', 'cpu'],
      why: 'webgl: the WebGPU adapter is software (a fallback adapter), and WebGL runs on the GPU',
    });
  });

  it('recognises llvmpipe and software descriptions, and keeps a hardware or silent adapter as hardware', () => {
    expect(adapterSoftware({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe('llvmpipe');
    expect(adapterSoftware({ description: 'Microsoft Basic Render Driver' })).toBe('Microsoft Basic Render');
    expect(adapterSoftware({ description: 'Software Adapter' })).toBe('a software renderer');
    expect(adapterSoftware(NVIDIA_GPU)).toBeNull();
    expect(adapterSoftware({})).toBeNull();
    expect(softwareName('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)')).toBeNull();
    expect(softwareName('')).toBeNull();
  });

  it('keeps WebGPU first on a software adapter where there is no WebGL, without calling it fastest', () => {
    expect(rankBackends({ webgpu: SWIFTSHADER_GPU, webglRenderer: null })).toEqual({
      order: ['webgpu', 'cpu'],
      why: 'webgpu: its adapter is software (SwiftShader), but there is no WebGL to prefer',
    });
  });

  it('tries WebGL then the CPU without a WebGPU adapter', () => {
    expect(rankBackends({ webgpu: null, webglRenderer: SWIFTSHADER_GL }).order).toEqual(['webgl', 'cpu']);
  });

  it('keeps WebGPU first when the WebGPU adapter is hardware and only WebGL is software', () => {
    expect(rankBackends({ webgpu: NVIDIA_GPU, webglRenderer: SWIFTSHADER_GL }).order).toEqual(['webgpu', 'webgl', 'cpu']);
  });
});
