/**
 * Writes a POSIX tar (ustar, with a PAX header for a name over 100 bytes)
 * that GNU tar, bsdtar, Python's tarfile and WebDataset read. Deterministic:
 * the same entries give the same bytes (mtime 0, uid/gid 0, mode 0644, no
 * user names), so generated shards do not change between runs.
 *
 * Why not nanotar's createTar: it writes no end-of-archive blocks when the
 * members fill a 10 KiB record exactly (and one zero block, a "lone zero
 * block" to GNU tar, when they leave 512 bytes of it), and it cuts a name over
 * 100 bytes silently. Both are easy to get right in the few lines below.
 */
import { TAR_BLOCK } from '../../src/loader/sources/tar-index.ts';

export interface TarEntry {
  /** Path inside the tar, '/'-separated. */
  name: string;
  data: Uint8Array;
}

/** GNU tar and Python pad an archive to records of 20 blocks; so do we. */
const RECORD = 20 * TAR_BLOCK;
const encoder = new TextEncoder();

const padded = (n: number) => Math.ceil(n / TAR_BLOCK) * TAR_BLOCK;

/** The whole archive: each entry's header(s) and data, two zero blocks, padding to a record. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const parts = entries.flatMap((entry) => memberParts(entry));
  const length = parts.reduce((sum, part) => sum + padded(part.length), 0);
  const out = new Uint8Array(Math.ceil((length + 2 * TAR_BLOCK) / RECORD) * RECORD);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += padded(part.length);
  }
  return out;
}

/** Header block(s) and data of one file: a PAX 'x' member first when the name does not fit 100 bytes. */
function memberParts({ name, data }: TarEntry): Uint8Array[] {
  const nameBytes = encoder.encode(name);
  if (nameBytes.length <= 100) return [header(nameBytes, data.length, '0'), data];
  const pax = paxRecord('path', name);
  // The ustar name of a PAX member is informative only; GNU tar writes "./PaxHeaders/<name>" cut to fit.
  const stub = encoder.encode(`PaxHeaders/${name}`).subarray(0, 100);
  return [header(stub, pax.length, 'x'), pax, header(nameBytes.subarray(0, 100), data.length, '0'), data];
}

/** One "LEN key=value\n" record; LEN counts itself, so it is found by trying. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = encoder.encode(` ${key}=${value}\n`).length;
  let length = body + String(body).length;
  if (String(length).length !== String(body).length) length = body + String(length).length;
  return encoder.encode(`${length} ${key}=${value}\n`);
}

function header(name: Uint8Array, size: number, type: '0' | 'x'): Uint8Array {
  if (size > 0o77777777777) throw new RangeError(`\`writeTar\`: a member of ${size} bytes needs more than the 8 GiB an octal size field holds`);
  const block = new Uint8Array(TAR_BLOCK);
  block.set(name, 0);
  const field = (at: number, text: string) => block.set(encoder.encode(text), at);
  field(100, '0000644\0'); // mode
  field(108, '0000000\0'); // uid
  field(116, '0000000\0'); // gid
  field(124, `${size.toString(8).padStart(11, '0')}\0`);
  field(136, '00000000000\0'); // mtime: 0, so the bytes do not depend on when they were written
  field(148, '        '); // checksum counts as spaces while summing
  field(156, type);
  field(257, 'ustar\0');
  field(263, '00');
  const sum = block.reduce((a, b) => a + b, 0);
  field(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}
