/**
 * Reads a tar file's headers into an index of its regular files: each one's
 * name, where its bytes start and how many there are. Nothing is copied: the
 * index points into the bytes it was given, so a shard's samples can be handed
 * out as slices of the shard.
 *
 * A tar file is a run of 512-byte blocks: a header block, then the member's
 * data padded to a whole block, then the next header; two zero blocks end it.
 * The header fields read here (offsets within the block):
 *
 * | offset | width | field                                                        |
 * |--------|-------|--------------------------------------------------------------|
 * | 0      | 100   | name, NUL-terminated unless it fills the field               |
 * | 124    | 12    | size: octal digits, or base-256 when bit 7 of byte 0 is set  |
 * | 148    | 8     | checksum: octal sum of the block's bytes, this field as spaces |
 * | 156    | 1     | type: '0' or NUL a file, 'x' PAX for the next member, 'g' PAX global, 'L' GNU long name |
 * | 257    | 6     | magic: "ustar\0" (POSIX) or "ustar " (old GNU)               |
 * | 345    | 155   | prefix: POSIX only, the path's leading part                  |
 *
 * Long names and sizes come from a PAX header ('x': records "LEN key=value\n",
 * `path` and `size` are read; 'g': the same for every later member) or from a
 * GNU 'L' member holding the next member's name. Directories, links and other
 * non-files are skipped.
 *
 * Why not nanotar (MIT, no dependencies, reads tar from an ArrayBuffer): it
 * hands out each member's bytes but not its offset, checks no size against
 * the buffer (a truncated shard throws a bare RangeError, not naming shard or
 * byte), verifies no checksum (so an HTML page parses as members with garbage
 * names), cuts PAX values at the first space or '=' (a path "a b.png" loses
 * its tail) and ignores a PAX `size`. Every rule below is one of those.
 *
 * Safety: every size and offset is checked against the buffer before use, so
 * a header that declares a huge size ends the scan with an error instead of
 * an allocation; each step moves forward at least one block, so the scan
 * ends; metadata members (PAX, GNU names) over MAX_META_BYTES are refused
 * before they are decoded.
 */
import { FeedlineError } from '../errors.ts';
import { runNow, type Work } from '../paced.ts';

export const TAR_BLOCK = 512;
/** Largest PAX or GNU long-name member read; real ones hold a path or two. */
export const MAX_META_BYTES = 1024 * 1024;

const NAME = 0;
const SIZE = 124;
const CHECKSUM = 148;
const TYPE = 156;
const MAGIC = 257;
const PREFIX = 345;

/** A regular file in a tar. */
export interface TarMember {
  /** Its path inside the tar, '/'-separated, without a leading "./". */
  name: string;
  /** Byte offset of its first data byte (its header block is just before, or PAX/GNU ones before that). */
  offset: number;
  /** Its length in bytes. */
  size: number;
  /** Byte offset of its own ustar header block. */
  header: number;
}

/** The tar could not be read (further): names the shard and the byte where it went wrong. */
export class TarFormatError extends FeedlineError {
  override name = 'TarFormatError';
  constructor(
    readonly shard: string,
    /** Byte offset of the header (or record) at fault. */
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${shard}: at byte ${offset}: ${problem}`);
  }
}

/** What a scan found: every member before the first problem, and that problem, if any. */
export interface TarScan {
  members: TarMember[];
  /** Null when the scan reached the end-of-archive blocks or the end of the bytes at a block boundary. */
  error: TarFormatError | null;
}

/** Indexes a whole tar; throws TarFormatError at the first problem. `shard` names it in errors. */
export function indexTar(bytes: Uint8Array, shard: string): TarMember[] {
  const scan = scanTar(bytes, shard);
  if (scan.error) throw scan.error;
  return scan.members;
}

/** Pending metadata from PAX and GNU headers, applied to the next member. */
interface Meta {
  path?: string;
  size?: number;
}

/**
 * Reads headers until the end of the archive or the first problem, and keeps
 * what it read before that problem (a truncated shard still gives its whole
 * members). Ending without the two zero blocks is tolerated, as GNU tar does.
 */
export function scanTar(bytes: Uint8Array, shard: string): TarScan {
  return runNow(scanTarWork(bytes, shard));
}

/** scanTar as work that yields after each header, to run paced on the main thread (paced.ts). */
export function* scanTarWork(bytes: Uint8Array, shard: string): Work<TarScan> {
  const scanner = new Scanner(bytes, shard);
  let at: number | null = 0;
  try {
    while (at !== null && at < bytes.length) {
      at = scanner.step(at);
      yield;
    }
  } catch (error) {
    if (error instanceof TarFormatError) return { members: scanner.members, error };
    throw error;
  }
  return { members: scanner.members, error: null };
}

const isMetaType = (type: string) => type === 'x' || type === 'g' || type === 'L' || type === 'K';

/** One pass over a tar's headers; PAX and GNU metadata carry from a header to the member it describes. */
class Scanner {
  readonly members: TarMember[] = [];
  #next: Meta = {}; // from 'x' and 'L' headers, for the next member only
  #global: Meta = {}; // from 'g' headers, for every later member

  constructor(
    readonly bytes: Uint8Array,
    readonly shard: string,
  ) {}

  /** Reads the header at `at` and its data; returns the next header's offset, or null at the end-of-archive block. */
  step(at: number): number | null {
    const { bytes, shard } = this;
    const fail = (problem: string): never => {
      throw new TarFormatError(shard, at, problem);
    };
    if (at + TAR_BLOCK > bytes.length) fail(`the shard is truncated: a header needs 512 bytes, ${bytes.length - at} are left`);
    const block = bytes.subarray(at, at + TAR_BLOCK);
    if (isZeroBlock(block)) return null;
    checkChecksum(block, at, fail);
    const type = String.fromCharCode(block[TYPE]);
    // A PAX size stands for the next member's own (it may exceed the octal field); never for a metadata member.
    const size = (isMetaType(type) ? undefined : (this.#next.size ?? this.#global.size)) ?? readSize(block, fail);
    const data = at + TAR_BLOCK;
    if (size > bytes.length - data) {
      fail(`the member "${headerName(block)}" declares ${size} bytes, past the shard's end at byte ${bytes.length}: truncated`);
    }
    if (isMetaType(type)) this.#meta(type, bytes.subarray(data, data + size), data, fail);
    else this.#member(type, block, { offset: data, size, header: at });
    const following = data + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
    if (following > bytes.length) {
      throw new TarFormatError(shard, data + size, `the shard is truncated: it ends inside the padding after "${headerName(block)}"`);
    }
    return following;
  }

  #meta(type: string, body: Uint8Array, data: number, fail: (problem: string) => never): void {
    if (body.length > MAX_META_BYTES) fail(`a '${type}' metadata member of ${body.length} bytes (more than ${MAX_META_BYTES}) is not a real header`);
    if (type === 'x') this.#next = { ...this.#next, ...parsePax(body, data, this.shard) };
    else if (type === 'g') this.#global = { ...this.#global, ...parsePax(body, data, this.shard) };
    else if (type === 'L') this.#next = { ...this.#next, path: this.#next.path ?? cString(body, 0, body.length) };
    // 'K' (GNU long link target): read past; links are not samples.
  }

  #member(type: string, block: Uint8Array, where: Omit<TarMember, 'name'>): void {
    const name = cleanName(this.#next.path ?? ustarName(block));
    // A V7 header (type NUL) marks a directory by its trailing slash.
    if ((type === '0' || type === '\0' || type === '7') && !name.endsWith('/')) this.members.push({ name, ...where });
    this.#next = {};
  }
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < TAR_BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Unsigned sum as POSIX says, or the signed sum some old tars wrote. */
function checkChecksum(block: Uint8Array, at: number, fail: (problem: string) => never): void {
  const stored = readOctal(block, CHECKSUM, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < TAR_BLOCK; i++) {
    const v = i >= CHECKSUM && i < CHECKSUM + 8 ? 0x20 : block[i];
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  if (stored === null || (stored !== unsigned && stored !== signed)) {
    const first = Array.from(block.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
    const text = printable(block.subarray(0, 40));
    fail(
      `not a tar header: its checksum does not match (first bytes ${first}${text ? `, "${text}"` : ''})` +
        (at === 0 ? ': not a tar file, or a compressed one (a .tar.gz must be unpacked first)' : ': the shard is corrupt'),
    );
  }
}

/** Octal digits, with leading spaces or NULs and a trailing space or NUL; null if anything else. */
function readOctal(block: Uint8Array, from: number, width: number): number | null {
  let i = from;
  const end = from + width;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let value = 0;
  let digits = 0;
  for (; i < end && block[i] >= 0x30 && block[i] <= 0x37; i++, digits++) value = value * 8 + (block[i] - 0x30);
  for (; i < end; i++) if (block[i] !== 0x20 && block[i] !== 0) return null;
  return digits === 0 ? 0 : value;
}

/** The size field: octal, or GNU's base-256 for sizes past 8 GiB. */
function readSize(block: Uint8Array, fail: (problem: string) => never): number {
  if (block[SIZE] & 0x80) {
    if (block[SIZE] === 0xff) fail('a negative size (base-256 field)');
    let value = block[SIZE] & 0x7f;
    for (let i = SIZE + 1; i < SIZE + 12; i++) value = value * 256 + block[i];
    if (!Number.isSafeInteger(value)) fail('a size beyond 2^53 bytes');
    return value;
  }
  const size = readOctal(block, SIZE, 12);
  if (size === null) fail(`a size field that is not octal: "${printable(block.subarray(SIZE, SIZE + 12))}"`);
  return size as number;
}

const decoder = new TextDecoder();

/** UTF-8 text up to the first NUL within [from, from + width). */
function cString(bytes: Uint8Array, from: number, width: number): string {
  const field = bytes.subarray(from, from + width);
  const nul = field.indexOf(0);
  return decoder.decode(nul < 0 ? field : field.subarray(0, nul));
}

function headerName(block: Uint8Array): string {
  return cString(block, NAME, 100);
}

/** name, with the POSIX prefix before it where the magic says POSIX ("ustar\0"; old GNU uses that area otherwise). */
function ustarName(block: Uint8Array): string {
  const name = headerName(block);
  const posix = block[MAGIC + 5] === 0 && cString(block, MAGIC, 6) === 'ustar';
  const prefix = posix ? cString(block, PREFIX, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

const cleanName = (name: string) => name.replace(/^(\.\/)+/, '');

/** "LEN key=value\n" records, LEN counting the whole record in bytes. Only `path` and `size` matter here. */
function parsePax(body: Uint8Array, offset: number, shard: string): Meta {
  const meta: Meta = {};
  let i = 0;
  while (i < body.length) {
    if (body[i] === 0) break; // padding some writers leave after the records
    const fail = (problem: string): never => {
      throw new TarFormatError(shard, offset + i, `a malformed PAX record: ${problem}`);
    };
    let length = 0;
    let j = i;
    for (; j < body.length && j - i < 16 && body[j] >= 0x30 && body[j] <= 0x39; j++) length = length * 10 + (body[j] - 0x30);
    if (j === i || body[j] !== 0x20) fail('no length before the space');
    if (length <= j - i + 1 || i + length > body.length) fail(`a length of ${length} that leaves the record`);
    const record = body.subarray(j + 1, i + length);
    if (record[record.length - 1] !== 0x0a) fail('no newline at its end');
    const eq = record.indexOf(0x3d);
    if (eq < 0) fail('no "=" between key and value');
    const key = decoder.decode(record.subarray(0, eq));
    const value = decoder.decode(record.subarray(eq + 1, record.length - 1));
    if (key === 'path') meta.path = value;
    if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) fail(`a size "${value}" that is not a whole number`);
      meta.size = Number(value);
    }
    i += length;
  }
  return meta;
}

/** Printable ASCII of a few bytes, for messages about bytes that are not what they should be. */
function printable(bytes: Uint8Array): string {
  return Array.from(bytes, (v) => (v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : ' '))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
