import { describe, expect, it } from 'vitest';
import type { Figures } from '../../src/embed/frame-messages.ts';
import { figureText, NOT_YET } from '../../src/learn/figure-text.ts';
import { coresText, gpuText, isolationText } from '../../src/learn/machine-line.ts';

const running: Figures = {
  status: 'running',
  steps: 40,
  waitShare: 0.6234,
  verdict: 'input-bound',
  stepMs: 1234.4,
  samplesPerSec: 1520.6,
  workers: 4,
  mode: 'shared',
};
const idle: Figures = { ...running, status: 'idle', steps: 0, waitShare: null, verdict: 'none', stepMs: null, samplesPerSec: 0, workers: 2 };

describe("the Learn page's quoted figures", () => {
  it("writes a running demo's figures as the sentences expect them", () => {
    expect(['waitShare', 'stepMs', 'samplesPerSec', 'workers', 'verdict'].map((name) => figureText(name, running))).toEqual([
      '62%',
      '1,234 ms',
      '1,521',
      '4',
      'input-bound',
    ]);
    expect(figureText('waitShare', { ...running, waitShare: 0.001 })).toBe('<1%');
  });

  it('shows a dash for what an idle demo has not measured, and the workers it will start with', () => {
    expect(['waitShare', 'stepMs', 'samplesPerSec', 'verdict', 'unknown'].map((name) => figureText(name, idle))).toEqual(Array(5).fill(NOT_YET));
    expect(figureText('workers', idle)).toBe('2');
  });
});

describe("the Learn page's line about the reader's machine", () => {
  it('names the cores, and a software WebGPU adapter as slow', () => {
    expect(coresText(8)).toBe('8 CPU cores');
    expect(coresText(1)).toBe('1 CPU core');
    expect(coresText(undefined)).toBe('CPU cores unknown');
    expect(gpuText({ vendor: 'google', architecture: 'swiftshader', description: '' })).toMatch(/^WebGPU in software \(SwiftShader\): correct but slow/);
    expect(gpuText({ vendor: 'nvidia', architecture: 'ada-lovelace', description: '' })).toBe('WebGPU on nvidia ada-lovelace');
    expect(gpuText(undefined)).toMatch(/^no WebGPU here/);
    expect(gpuText(null)).toMatch(/^WebGPU without a usable adapter/);
  });

  it('says whether the demos share memory with their workers', () => {
    expect(isolationText(true)).toBe('cross-origin isolated: the demos share memory with their workers');
    expect(isolationText(false)).toBe('not cross-origin isolated: the demos run in transfer mode');
  });
});
