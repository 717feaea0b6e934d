/**
 * What the first bytes of a file say, before anything is decoded: the image
 * format and the size it declares, or that the bytes are text (an HTML error
 * page saved under an image's name) or nothing known. The reader refuses an
 * image larger than `maxPixels` from this alone, so a small file that
 * declares a giant size (a decompression bomb) never reaches the decoder.
 *
 * Pure functions over a Uint8Array prefix; no DOM. Formats whose size is read:
 *
 * | format | where the size is                                              |
 * |--------|----------------------------------------------------------------|
 * | PNG    | IHDR, bytes 16..23 (u32 BE width, height)                      |
 * | JPEG   | the first SOFn segment (u16 BE height, width), after any APPn  |
 * | GIF    | logical screen, bytes 6..9 (u16 LE width, height)              |
 * | WebP   | the VP8 / VP8L / VP8X chunk header                             |
 * | BMP    | the DIB header (i32 LE, height may be negative: top-down)      |
 * | AVIF, HEIF | every 'ispe' property (u32 BE), the largest counts         |
 *
 * Anything else (ICO is at most 256x256; TIFF, SVG) goes to the decoder, and
 * the reader checks the decoded size afterwards.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heif' | 'ico' | 'tiff';
export type TextKind = 'html' | 'xml' | 'svg' | 'json' | 'text';

export type HeaderInfo =
  /** An image format and the size its header declares. */
  | { kind: 'image'; format: ImageFormat; width: number; height: number }
  /**
   * An image format whose size is not in these bytes: read `needBytes` from
   * the start and ask again (null: the header is broken or has no size).
   */
  | { kind: 'image'; format: ImageFormat; width: null; height: null; needBytes: number | null }
  /** Printable text, not an image. */
  | { kind: 'text'; text: TextKind; excerpt: string }
  | { kind: 'unknown'; firstBytes: string };

/** Bytes to read before the first look; most headers fit in far fewer. */
export const HEADER_PREFIX_BYTES = 64 * 1024;
/** Give up looking for a size past this many bytes (a JPEG's size follows its metadata). */
export const HEADER_MAX_BYTES = 4 * 1024 * 1024;

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u32le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const i32le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0) => bytes.every((v, i) => b[at + i] === v);

const sized = (format: ImageFormat, width: number, height: number): HeaderInfo => ({ kind: 'image', format, width, height });
const unsized = (format: ImageFormat, needBytes: number | null): HeaderInfo => ({
  kind: 'image',
  format,
  width: null,
  height: null,
  needBytes,
});

/** Reads the format and declared size from the first bytes of a file (see the table above). */
export function readImageHeader(bytes: Uint8Array): HeaderInfo {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return png(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes);
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') {
    return bytes.length >= 10 ? sized('gif', u16le(bytes, 6), u16le(bytes, 8)) : unsized('gif', 10);
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return webp(bytes);
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 6) return bmp(bytes);
  if (ascii(bytes, 4, 8) === 'ftyp') return isobmff(bytes);
  if (startsWith(bytes, [0, 0, 1, 0]) && bytes.length >= 6 && u16le(bytes, 4) > 0) return unsized('ico', null);
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return unsized('tiff', null);
  return textOrUnknown(bytes);
}

function png(b: Uint8Array): HeaderInfo {
  if (b.length < 24) return unsized('png', 24);
  if (ascii(b, 12, 16) !== 'IHDR') return unsized('png', null);
  return sized('png', u32be(b, 16), u32be(b, 20));
}

/** SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers that stand alone, with no length field: TEM, RST0..7 (SOI and EOI end the walk). */
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

function jpeg(b: Uint8Array): HeaderInfo {
  let i = 2;
  for (;;) {
    if (i + 2 > b.length) return unsized('jpeg', i + 2);
    if (b[i] !== 0xff) return unsized('jpeg', null); // not a marker where one must be
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (isStandalone(marker)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda || marker === 0xd8) return unsized('jpeg', null); // EOI, SOS, SOI before any frame
    if (i + 4 > b.length) return unsized('jpeg', i + 4);
    const length = u16be(b, i + 2);
    if (length < 2) return unsized('jpeg', null);
    if (isSof(marker)) {
      if (i + 9 > b.length) return unsized('jpeg', i + 9);
      const height = u16be(b, i + 5);
      const width = u16be(b, i + 7);
      // Height 0 means "set later by a DNL segment": the size is not known up front.
      return height === 0 ? unsized('jpeg', null) : sized('jpeg', width, height);
    }
    i += 2 + length;
  }
}

function webp(b: Uint8Array): HeaderInfo {
  const chunk = ascii(b, 12, 16);
  const need = chunk === 'VP8L' ? 25 : 30;
  if (b.length < need) return unsized('webp', need);
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (2 bits of scale above each).
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return unsized('webp', null);
    return sized('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return unsized('webp', null);
    const bits = u32le(b, 21);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const width = (b[24] | (b[25] << 8) | (b[26] << 16)) + 1;
    const height = (b[27] | (b[28] << 8) | (b[29] << 16)) + 1;
    return sized('webp', width, height);
  }
  return unsized('webp', null);
}

function bmp(b: Uint8Array): HeaderInfo {
  if (b.length < 18) return unsized('bmp', 18);
  const dibSize = u32le(b, 14);
  if (dibSize === 12) return b.length < 22 ? unsized('bmp', 22) : sized('bmp', u16le(b, 18), u16le(b, 20)); // BITMAPCOREHEADER
  if (dibSize < 40) return unsized('bmp', null);
  if (b.length < 26) return unsized('bmp', 26);
  return sized('bmp', Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22)));
}

/** AVIF and HEIF (ISO base media): the image spatial extent ('ispe') properties, the largest. */
function isobmff(b: Uint8Array): HeaderInfo {
  const brand = ascii(b, 8, 12);
  const format: ImageFormat = brand === 'avif' || brand === 'avis' ? 'avif' : 'heif';
  let width = 0;
  let height = 0;
  for (let i = 4; i + 16 <= b.length; i++) {
    // 'ispe': size (4), type (4), version and flags (4), width (4), height (4).
    if (b[i] !== 0x69 || b[i + 1] !== 0x73 || b[i + 2] !== 0x70 || b[i + 3] !== 0x65) continue;
    const w = u32be(b, i + 8);
    const h = u32be(b, i + 12);
    if (w * h > width * height) [width, height] = [w, h];
  }
  if (width > 0) return sized(format, width, height);
  // The properties sit in the 'meta' box near the start; read on if it is not all here.
  return unsized(format, b.length < HEADER_MAX_BYTES ? b.length * 2 : null);
}

/** Text if the first bytes are printable (UTF-8 allowed): the usual "image" that is an error page. */
function textOrUnknown(b: Uint8Array): HeaderInfo {
  const head = b.subarray(0, 512);
  let printable = head.length > 0;
  for (const v of head) {
    if (v < 0x09 || (v > 0x0d && v < 0x20) || v === 0x7f) {
      printable = false;
      break;
    }
  }
  if (!printable) {
    const firstBytes = [...b.subarray(0, 8)].map((v) => v.toString(16).padStart(2, '0')).join(' ');
    return { kind: 'unknown', firstBytes };
  }
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '');
  const start = text.trimStart().slice(0, 200).toLowerCase();
  const kind: TextKind = /^(<!doctype html|<html|<head|<body)/.test(start)
    ? 'html'
    : /<svg[\s>]/.test(start) || start.startsWith('<svg')
      ? 'svg'
      : start.startsWith('<?xml') || start.startsWith('<')
        ? 'xml'
        : /^[{[]/.test(start)
          ? 'json'
          : 'text';
  const excerpt = text.trim().replace(/\s+/g, ' ').slice(0, 40).trimEnd();
  return { kind: 'text', text: kind, excerpt };
}

/** "12x10 (120 pixels)" style: how a size reads in messages. */
export function describeSize(width: number, height: number): string {
  return `${width}x${height} (${(width * height).toLocaleString('en-US')} pixels)`;
}
