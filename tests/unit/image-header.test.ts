/**
 * The header reader (src/loader/image-header.ts) and the reader's check
 * before decoding (inspect() in src/loader/decode.ts): sizes from real
 * encoders' bytes and from hand-built headers, bombs refused from their first
 * bytes, text named for what it is.
 */
import { describe, expect, it } from 'vitest';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { inspect } from '../../src/loader/worker/decode.ts';
import { HEADER_PREFIX_BYTES, readImageHeader } from '../../src/loader/worker/image-header.ts';
import { SampleLoadError } from '../../src/loader/errors.ts';

const bytes = (...parts: Array<number[] | Uint8Array | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : [...p])));
const u32be = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const u16be = (v: number) => [(v >>> 8) & 255, v & 255];
const u16le = (v: number) => [v & 255, (v >>> 8) & 255];
const u32le = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];

const realPng = (width: number, height: number) =>
  encodePng({ width, height, data: new Uint8Array(width * height * 3).fill(7), channels: 3, depth: 8 });
const realJpeg = (width: number, height: number) =>
  new Uint8Array(jpeg.encode({ data: Buffer.alloc(width * height * 4, 90), width, height }, 80).data);

/** A PNG signature and an IHDR that declares width x height; nothing after (a "bomb" needs no more to be refused). */
const pngHeader = (width: number, height: number) =>
  bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32be(13), 'IHDR', u32be(width), u32be(height), [8, 2, 0, 0, 0], u32be(0));
/** SOI, APP2 segments (ICC profile chunks, up to 65,533 bytes each) for `appBytes` of payload, then SOF2 (progressive) declaring width x height. */
function jpegWithApp(appBytes: number, width: number, height: number): Uint8Array {
  const segments: number[][] = [];
  for (let left = appBytes; left > 0; left -= 65_533) {
    const n = Math.min(left, 65_533);
    segments.push([0xff, 0xe2, ...u16be(n + 2), ...new Uint8Array(n)]);
  }
  return bytes([0xff, 0xd8], ...segments, [0xff, 0xc2], u16be(17), [8], u16be(height), u16be(width), [3]);
}

describe('readImageHeader', () => {
  it('reads the size of PNGs and JPEGs from real encoders', () => {
    expect(readImageHeader(realPng(12, 10))).toEqual({ kind: 'image', format: 'png', width: 12, height: 10 });
    expect(readImageHeader(realJpeg(33, 17))).toEqual({ kind: 'image', format: 'jpeg', width: 33, height: 17 });
  });

  it.each([
    ['PNG', pngHeader(100_000, 90_000), 'png', 100_000, 90_000],
    ['JPEG SOF2 after an APP1 segment', jpegWithApp(300, 65_000, 64_000), 'jpeg', 65_000, 64_000],
    ['GIF89a', bytes('GIF89a', u16le(640), u16le(480), [0, 0, 0]), 'gif', 640, 480],
    ['GIF87a', bytes('GIF87a', u16le(3), u16le(2), [0, 0, 0]), 'gif', 3, 2],
    // VP8 lossy: frame tag, start code 9d 01 2a, 14-bit width and height (scale bits above them ignored).
    ['WebP VP8', bytes('RIFF', u32le(100), 'WEBP', 'VP8 ', u32le(80), [0, 0, 0], [0x9d, 0x01, 0x2a], u16le(0x4000 | 16383), u16le(9000)), 'webp', 16383, 9000],
    // VP8L lossless: signature 0x2f, then (width - 1) and (height - 1) in 14 bits each.
    ['WebP VP8L', bytes('RIFF', u32le(100), 'WEBP', 'VP8L', u32le(80), [0x2f], u32le(((200 - 1) << 14) | (300 - 1)), [0]), 'webp', 300, 200],
    ['WebP VP8X', bytes('RIFF', u32le(100), 'WEBP', 'VP8X', u32le(10), [0, 0, 0, 0], [0x3f, 0x42, 0x0f], [0x9f, 0x86, 0x01]), 'webp', 1_000_000, 100_000],
    ['BMP (top-down, negative height)', bytes('BM', u32le(0), u32le(0), u32le(54), u32le(40), u32le(5000), u32le(-4000 >>> 0)), 'bmp', 5000, 4000],
    ['BMP core header', bytes('BM', u32le(0), u32le(0), u32le(26), u32le(12), u16le(7), u16le(9)), 'bmp', 7, 9],
    [
      'AVIF: the largest ispe',
      bytes(u32be(20), 'ftyp', 'avif', u32be(0), 'mif1', u32be(20), 'ispe', u32be(0), u32be(64), u32be(48), u32be(20), 'ispe', u32be(0), u32be(50_000), u32be(40_000)),
      'avif',
      50_000,
      40_000,
    ],
  ] as const)('reads the declared size of %s', (_, data, format, width, height) => {
    expect(readImageHeader(data)).toEqual({ kind: 'image', format, width, height });
  });

  it('asks for more bytes when a JPEG size lies past what it was given', () => {
    const big = jpegWithApp(70_000, 40, 30); // two APP2 segments: 65,533 and 4,467 bytes
    expect(readImageHeader(big.subarray(0, 1000))).toEqual({ kind: 'image', format: 'jpeg', width: null, height: null, needBytes: 2 + 65_537 + 2 });
    expect(readImageHeader(big.subarray(0, 65_541))).toEqual({ kind: 'image', format: 'jpeg', width: null, height: null, needBytes: 65_539 + 4 });
    expect(readImageHeader(big.subarray(0, 70_000))).toMatchObject({ width: null, needBytes: 65_539 + 4_471 + 2 });
    expect(readImageHeader(big)).toEqual({ kind: 'image', format: 'jpeg', width: 40, height: 30 });
  });

  it('says a JPEG has no readable size when it is cut before its frame, or has a marker where none belongs', () => {
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ format: 'jpeg', width: null, needBytes: null });
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0x12, 0x34]))).toMatchObject({ format: 'jpeg', needBytes: null });
  });

  it.each([
    ['an HTML error page', '<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>', 'html', '<!DOCTYPE html> <html><body><h1>404 Not'],
    ['JSON', '{"error": "forbidden"}', 'json', '{"error": "forbidden"}'],
    ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg" width="10"/>', 'svg', '<svg xmlns="http://www.w3.org/2000/svg"'],
    ['XML', '<?xml version="1.0"?><note/>', 'xml', '<?xml version="1.0"?><note/>'],
    ['plain text', 'this is not a picture\n', 'text', 'this is not a picture'],
    ['UTF-8 text with a BOM', '\uFEFFnaïve café', 'text', 'naïve café'],
  ])('names %s as text, not an image', (_, text, kind, excerpt) => {
    expect(readImageHeader(new TextEncoder().encode(text))).toEqual({ kind: 'text', text: kind, excerpt });
  });

  it('knows TIFF and ICO without a size, and calls other binary unknown with its first bytes', () => {
    expect(readImageHeader(bytes('II*\0', u32le(8)))).toMatchObject({ kind: 'image', format: 'tiff', width: null, needBytes: null });
    expect(readImageHeader(bytes([0, 0, 1, 0, 1, 0, 16, 16]))).toMatchObject({ kind: 'image', format: 'ico', width: null });
    expect(readImageHeader(bytes([0x00, 0x01, 0x02, 0x9f, 0xff, 0x10, 0x00, 0x00, 0x42]))).toEqual({
      kind: 'unknown',
      firstBytes: '00 01 02 9f ff 10 00 00',
    });
    expect(readImageHeader(new Uint8Array(0))).toEqual({ kind: 'unknown', firstBytes: '' });
  });
});

describe('inspect (before decoding)', () => {
  const blob = (data: Uint8Array, type = '') => new Blob([data as Uint8Array<ArrayBuffer>], { type });
  const refusal = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SampleLoadError);
    return error as SampleLoadError;
  };

  it('refuses an image that declares more than maxPixels, with reason oversize, naming both sizes', async () => {
    const error = await refusal(inspect(blob(pngHeader(100_000, 100_000)), 178_956_970));
    expect(error.reason).toBe('oversize');
    expect(error.message).toBe(
      'its PNG header declares 100000x100000 (10,000,000,000 pixels), more than `maxPixels` (178956970); ' +
        'refused before decoding (raise `maxPixels` if it is meant to be this big)',
    );
    await expect(inspect(blob(pngHeader(12, 10)), 120)).resolves.toMatchObject({ width: 12, height: 10 });
    expect((await refusal(inspect(blob(pngHeader(12, 10)), 119))).reason).toBe('oversize');
  });

  it('reads on past the first 64 KiB when a JPEG size follows a large metadata segment', async () => {
    const data = jpegWithApp(HEADER_PREFIX_BYTES + 5000, 30_000, 30_000);
    const error = await refusal(inspect(blob(data), 1_000_000));
    expect(error.message).toMatch(/^its JPEG header declares 30000x30000 \(900,000,000 pixels\)/);
  });

  it('refuses text with reason decode, saying what it looks like', async () => {
    const html = new TextEncoder().encode('<!doctype html><title>Error</title><p>Internal Server Error');
    const error = await refusal(inspect(blob(html, 'image/png'), 1e9));
    expect(error.reason).toBe('decode');
    expect(error.message).toBe(
      'the bytes are not an image but an HTML page (a server error page saved as an image?), starting "<!doctype html><title>Error</title><p>In"',
    );
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect((await refusal(inspect(blob(svg), 1e9))).message).toMatch(/^the bytes are not an image but an SVG document, .*: createImageBitmap cannot decode SVG from a Blob, rasterize it first$/);
  });

  it('lets an image within the limit, and bytes it cannot place, go on to the decoder', async () => {
    await expect(inspect(blob(realJpeg(8, 8)), 64)).resolves.toEqual({ kind: 'image', format: 'jpeg', width: 8, height: 8 });
    await expect(inspect(blob(bytes([1, 2, 3, 4, 0, 0])), 1)).resolves.toMatchObject({ kind: 'unknown' });
  });
});
