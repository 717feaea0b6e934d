/**
 * The decode bench's own worker (bench/decode.ts): the same
 * createImageBitmap + getImageData work the loader does, with none of the
 * loader around it, `inFlight` at once. It is the ceiling the loader is
 * measured against, and the place the alternatives are measured side by side.
 */
import { decodeWay, type DecodeWay } from './decode-ways.ts';

export interface DecodeTask {
  blobs: Blob[];
  way: DecodeWay;
  inFlight: number;
  width: number;
  height: number;
}

self.onmessage = async (event: MessageEvent<DecodeTask>) => {
  const { blobs, way, inFlight, width, height } = event.data;
  const run = decodeWay(way, width, height);
  const start = performance.now();
  await run(blobs, inFlight);
  self.postMessage({ ms: performance.now() - start, count: blobs.length });
};
