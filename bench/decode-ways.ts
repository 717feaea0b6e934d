/**
 * Ways to turn in-memory JPEG Blobs into RGBA at a target size, for the decode
 * bench (bench/decode.ts): the loader's own work without the loader (the
 * ceiling), and the alternatives its choices were measured against. Runs in
 * a worker or on the main thread.
 */
export type DecodeWay =
  /** createImageBitmap, drawImage with 'high' smoothing, getImageData: what the loader does. */
  | 'ceiling'
  /** The ceiling after reading each Blob's first 64 KiB on its own (the loader's header check before this change). */
  | 'slice-header'
  /** The ceiling after reading the first 64 KiB of 32 Blobs at a time in one composite read. */
  | 'composite-header'
  /** As composite-header with 4 KiB prefixes: the loader's header check now (header-reads.ts). */
  | 'composite-4k'
  /** As composite-4k, each group's read started when the previous group's first sample starts (one read ahead, as a worker's next job). */
  | 'composite-ahead'
  /** Resize inside createImageBitmap (resizeWidth/resizeHeight, 'high'), then an unscaled drawImage and getImageData. */
  | 'resize-at-decode'
  /** Resize inside createImageBitmap, then VideoFrame.copyTo into one reused buffer instead of a canvas and getImageData. */
  | 'copy-to'
  /** Whole Blobs read 32 at a time in one composite read, decoded from memory by ImageDecoder, drawn and read back. */
  | 'image-decoder';

const BITMAP: ImageBitmapOptions = { premultiplyAlpha: 'none', colorSpaceConversion: 'none' };
const GROUP = 32;
const PREFIX = 64 * 1024;

/** Runs `task` over 0..count-1, `inFlight` at once, started in order. */
async function pool(count: number, inFlight: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

/** One composite read per group of GROUP Blobs, started by the first sample that asks; `bytes` picks how much of each. */
function groupedReads(blobs: Blob[], bytes: (b: Blob) => number, ahead = 0): (i: number) => Promise<Uint8Array> {
  const groups = new Map<number, Promise<Uint8Array[]>>();
  const start = (g: number) => {
    if (g * GROUP >= blobs.length) return;
    let read = groups.get(g);
    if (!read) {
      const members = blobs.slice(g * GROUP, (g + 1) * GROUP);
      const lengths = members.map(bytes);
      read = new Blob(members.map((b, k) => b.slice(0, lengths[k])))
        .arrayBuffer()
        .then((buffer) => {
          let at = 0;
          return lengths.map((n) => new Uint8Array(buffer, (at += n) - n, n));
        });
      groups.set(g, read);
    }
  };
  return async (i) => {
    const g = Math.floor(i / GROUP);
    for (let k = 0; k <= ahead; k++) start(g + k);
    return (await groups.get(g)!)[i % GROUP];
  };
}

/** Draws an image (scaled to width x height, or as it is) on one reused canvas and reads its pixels back. */
function canvasReadback(width: number, height: number): (image: CanvasImageSource, scale: boolean) => ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  return (image, scale) => {
    context.clearRect(0, 0, width, height);
    if (scale) context.drawImage(image, 0, 0, width, height);
    else context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, width, height);
  };
}

/** The ceiling's work for one Blob, returning its pixels: for baselines that need them (tf.data). */
export function decodeOne(width: number, height: number): (blob: Blob) => Promise<ImageData> {
  const readback = canvasReadback(width, height);
  return async (blob) => {
    const bitmap = await createImageBitmap(blob, BITMAP);
    try {
      return readback(bitmap, true);
    } finally {
      bitmap.close();
    }
  };
}

export function decodeWay(way: DecodeWay, width: number, height: number): (blobs: Blob[], inFlight: number) => Promise<void> {
  const readback = canvasReadback(width, height);
  const full = decodeOne(width, height);
  const resized = (blob: Blob) => createImageBitmap(blob, { ...BITMAP, resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
  const rgba = new Uint8Array(width * height * 4);
  switch (way) {
    case 'ceiling':
      return (blobs, n) => pool(blobs.length, n, async (i) => void (await full(blobs[i])));
    case 'slice-header':
      return (blobs, n) =>
        pool(blobs.length, n, async (i) => {
          await blobs[i].slice(0, Math.min(blobs[i].size, PREFIX)).arrayBuffer();
          await full(blobs[i]);
        });
    case 'composite-header':
      return (blobs, n) => {
        const header = groupedReads(blobs, (b) => Math.min(b.size, PREFIX));
        return pool(blobs.length, n, async (i) => {
          await header(i);
          await full(blobs[i]);
        });
      };
    case 'composite-4k':
    case 'composite-ahead':
      return (blobs, n) => {
        const header = groupedReads(blobs, (b) => Math.min(b.size, 4096), way === 'composite-ahead' ? 1 : 0);
        return pool(blobs.length, n, async (i) => {
          await header(i);
          await full(blobs[i]);
        });
      };
    case 'resize-at-decode':
      return (blobs, n) =>
        pool(blobs.length, n, async (i) => {
          const bitmap = await resized(blobs[i]);
          readback(bitmap, false);
          bitmap.close();
        });
    case 'copy-to':
      return (blobs, n) =>
        pool(blobs.length, n, async (i) => {
          const bitmap = await resized(blobs[i]);
          const frame = new VideoFrame(bitmap, { timestamp: 0 });
          bitmap.close();
          await frame.copyTo(rgba, { format: 'RGBA' } as VideoFrameCopyToOptions);
          frame.close();
        });
    case 'image-decoder':
      return (blobs, n) => {
        const whole = groupedReads(blobs, (b) => b.size);
        return pool(blobs.length, n, async (i) => {
          const data = await whole(i);
          const init = { data, type: blobs[i].type || 'image/jpeg', colorSpaceConversion: 'none', premultiplyAlpha: 'none' };
          const decoder = new ImageDecoder(init as ImageDecoderInit);
          const { image } = await decoder.decode();
          readback(image, true);
          image.close();
          decoder.close();
        });
      };
  }
}
