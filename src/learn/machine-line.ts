/**
 * The Learn page's first line about the reader's machine: cores, the GPU
 * the demos will train on, and whether the page shares memory with its
 * workers. A software WebGPU adapter is named as such: it is correct but
 * slow, and the demos' numbers should be read that way.
 */
import { adapterFacts, adapterName, adapterSoftware, type AdapterFacts } from '../train/backend-rank.ts';

export interface MachineLine {
  cores: string;
  gpu: string;
  isolation: string;
}

export function coresText(cores: number | undefined): string {
  return cores ? `${cores} CPU core${cores === 1 ? '' : 's'}` : 'CPU cores unknown';
}

/** `info`: the WebGPU adapter's facts; null: no adapter; undefined: no WebGPU at all. */
export function gpuText(info: AdapterFacts | null | undefined): string {
  if (info === undefined) return 'no WebGPU here: the demos train with WebGL or the CPU';
  if (info === null) return 'WebGPU without a usable adapter: the demos train with WebGL or the CPU';
  const software = adapterSoftware(info);
  if (software) return `WebGPU in software (${software}): correct but slow, and the demos pick the faster backend`;
  const name = adapterName(info);
  return name ? `WebGPU on ${name}` : 'WebGPU';
}

export function isolationText(isolated: boolean): string {
  return isolated
    ? 'cross-origin isolated: the demos share memory with their workers'
    : 'not cross-origin isolated: the demos run in transfer mode';
}

/** The adapter's facts (the same fields as the trainer reads), null without one, undefined without WebGPU. */
export async function probeAdapter(): Promise<AdapterFacts | null | undefined> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return null;
  return adapterFacts(adapter);
}
