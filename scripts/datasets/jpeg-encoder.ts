/**
 * jpeg-js's encoder, built once and reused.
 *
 * `jpeg.encode()` builds a new JPEGEncoder per call, and each one allocates
 * 65,535 small arrays of Huffman bit codes: for a 160x160 picture that setup
 * (and the garbage collection after it) costs ~15 ms against ~1 ms of actual
 * encoding. jpeg-js does not export the class, so we compile its encoder.js
 * with a `return JPEGEncoder` appended. The output is byte-identical to
 * `jpeg.encode()` (tests/unit/datasets.test.ts checks it); if a future
 * jpeg-js moves the class, we fall back to `jpeg.encode()`, only slower.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import jpeg from 'jpeg-js';

interface Encoder {
  encode(image: { data: Uint8Array; width: number; height: number }, quality: number): Uint8Array;
}
type EncoderClass = new (quality: number) => Encoder;

/** Encodes RGBA pixels (alpha ignored) as a baseline JPEG. */
export type EncodeJpeg = (rgba: Uint8Array, width: number, height: number) => Uint8Array;

function loadEncoderClass(): EncoderClass | undefined {
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('jpeg-js/lib/encoder.js');
    const source = `${readFileSync(file, 'utf8')}\n;return typeof JPEGEncoder === 'function' ? JPEGEncoder : undefined;`;
    const body = vm.compileFunction(source, ['module', 'require'], { filename: file });
    return body({ exports: {} }, require) as EncoderClass | undefined;
  } catch {
    return undefined;
  }
}

/** An encoder at `quality` (1-100); `reuse: false` always takes the public `jpeg.encode()` path. */
export function jpegEncoder(quality: number, { reuse = true } = {}): EncodeJpeg {
  const Encoder = reuse ? loadEncoderClass() : undefined;
  if (Encoder === undefined) return (data, width, height) => jpeg.encode({ data, width, height }, quality).data;
  const encoder = new Encoder(quality);
  return (data, width, height) => encoder.encode({ data, width, height }, quality);
}
