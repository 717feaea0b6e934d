/**
 * ToTensor + Normalize as one WebGPU compute pass, run by tfjs's own WebGPU
 * backend (`runWebGPUProgram`), so its output is an ordinary tfjs-managed
 * float32 tensor.
 *
 * Input `A`: the batch's uint8 NHWC bytes, packed four to an i32 word (the
 * ring slot's bytes as written by `GPUQueue.writeBuffer`; WebGPU buffers are
 * little-endian, so byte i sits in bits 8*(i % 4) of word i / 4).
 * Output: float32 NHWC, element i = byte_i * scale[c] + offset[c], c = i % C,
 * with scale = 1 / (255 * std) and offset = -mean / std: torchvision's
 * ToTensor then Normalize(mean, std). The default path computes the same
 * expression with tfjs ops, so both agree to float rounding.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP_X = 64;

export class UnpackBytesProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['A'];
  workgroupSize: [number, number, number] = [WORKGROUP_X, 1, 1];
  /** Adds `size` (output elements) to the uniforms. */
  size = true;
  /** Per channel, up to 4 channels: padded vectors. */
  uniforms = 'scale : vec4<f32>, offset : vec4<f32>,';

  constructor(
    outputShape: [number, number, number, number],
    readonly channels: number,
  ) {
    this.outputShape = outputShape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
    // The channel count is baked into the code, so it must be in the cache key.
    this.shaderKey = `feedline_unpack_u8_c${channels}`;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let word = A[index / 4];
          let byte = (word >> u32((index % 4) * 8)) & 255;
          let c = index % ${this.channels};
          setOutputAtIndex(index, f32(byte) * uniforms.scale[c] + uniforms.offset[c]);
        }
      }
    `;
  }
}
