/**
 * Pixel transforms that run where the sample is decoded: RGBA from a canvas to
 * the loader's channels and dtype. Pure functions over typed arrays, so Node
 * tests them without a browser.
 */

/**
 * Luma from RGB with ITU-R BT.601 weights (0.299, 0.587, 0.114, as PIL's 'L'
 * mode) in 8-bit fixed point: 77/256, 150/256, 29/256. They sum to 256, so a
 * gray pixel (r = g = b = v) maps to exactly v; elsewhere the result can
 * differ from PIL's by one (pure green: 149 here, 150 in PIL).
 */
const LUMA_R = 77;
const LUMA_G = 150;
const LUMA_B = 29;

/**
 * Writes one sample's RGBA pixels (width * height * 4 bytes, as from
 * getImageData) into `out` at element `offset`, as `channels` uint8 values per
 * pixel: 1 is luma, 3 drops alpha, 4 keeps it.
 */
export function rgbaToUint8(rgba: Uint8ClampedArray | Uint8Array, channels: number, out: Uint8Array, offset: number): void {
  const pixels = rgba.length >> 2;
  if (channels === 4) {
    out.set(rgba, offset);
    return;
  }
  if (channels === 3) {
    for (let p = 0, o = offset; p < pixels; p++, o += 3) {
      const i = p << 2;
      out[o] = rgba[i];
      out[o + 1] = rgba[i + 1];
      out[o + 2] = rgba[i + 2];
    }
    return;
  }
  for (let p = 0; p < pixels; p++) {
    const i = p << 2;
    out[offset + p] = (LUMA_R * rgba[i] + LUMA_G * rgba[i + 1] + LUMA_B * rgba[i + 2] + 128) >> 8;
  }
}

/**
 * v -> (v / 255 - mean[c]) / std[c] for every byte value v and channel c:
 * torchvision's ToTensor followed by Normalize, as a 256-entry table per
 * channel. Built once per loader, then each pixel is one lookup.
 */
export function normalizeTable(channels: number, mean: readonly number[], std: readonly number[]): Float32Array {
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]) / std[c];
  }
  return table;
}

/**
 * Like rgbaToUint8, then through `table` (from normalizeTable) into float32.
 * `scratch` holds the uint8 sample (width * height * channels bytes).
 */
export function rgbaToFloat32(
  rgba: Uint8ClampedArray | Uint8Array,
  channels: number,
  table: Float32Array,
  out: Float32Array,
  offset: number,
  scratch: Uint8Array,
): void {
  rgbaToUint8(rgba, channels, scratch, 0);
  const n = (rgba.length >> 2) * channels;
  for (let e = 0, c = 0; e < n; e++) {
    out[offset + e] = table[(c << 8) + scratch[e]];
    if (++c === channels) c = 0;
  }
}

/** Where the source lands on the canvas: source rectangle to destination rectangle. */
export interface Placement {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dx: number;
  dy: number;
  dw: number;
  dh: number;
}

/**
 * The geometry of `fit`: 'stretch' maps the whole source onto the whole target;
 * 'cover' scales so the target is covered, then center-crops the source;
 * 'contain' scales so the source fits, centered, and leaves the rest zero.
 */
export function placement(
  srcWidth: number,
  srcHeight: number,
  width: number,
  height: number,
  fit: 'stretch' | 'cover' | 'contain',
): Placement {
  const full = { sx: 0, sy: 0, sw: srcWidth, sh: srcHeight, dx: 0, dy: 0, dw: width, dh: height };
  if (fit === 'stretch') return full;
  if (fit === 'cover') {
    const scale = Math.max(width / srcWidth, height / srcHeight);
    const sw = Math.min(srcWidth, width / scale);
    const sh = Math.min(srcHeight, height / scale);
    return { ...full, sx: (srcWidth - sw) / 2, sy: (srcHeight - sh) / 2, sw, sh };
  }
  const scale = Math.min(width / srcWidth, height / srcHeight);
  const dw = Math.max(1, Math.round(srcWidth * scale));
  const dh = Math.max(1, Math.round(srcHeight * scale));
  return { ...full, dx: Math.floor((width - dw) / 2), dy: Math.floor((height - dh) / 2), dw, dh };
}
