/**
 * The tar reader (src/loader/sources/tar-index.ts) against GNU tar's own
 * archives and ours, long names in both conventions, and the broken inputs a
 * server can hand over: a cut shard, a header declaring a huge size, a page
 * that is not a tar at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TAR_BLOCK, TarFormatError, indexTar, scanTar } from '../../src/loader/sources/tar-index.ts';
import { groupSamples } from '../../src/loader/sources/webdataset.ts';
import { writeTar } from '../../scripts/datasets/tar-writer.ts';
import { pack } from '../../scripts/pack.ts';
import { gnuList, gnuTar, samples, shardOf, tempDir, tinyPng, writeFiles } from './support/shards.ts';

const temp = tempDir('tar');
afterAll(temp.remove);

/** What a shard means, offsets aside: key -> label, type and the image's bytes. */
function meaning(bytes: Uint8Array, name: string) {
  return groupSamples(indexTar(bytes, name), bytes, 10).map((s) => ({
    key: s.key,
    label: s.label,
    type: s.type,
    image: Buffer.from(bytes.subarray(s.offset, s.offset + s.length)).toString('hex'),
    problem: s.problem,
  }));
}

/** `bytes` with header field [at, at + width) replaced by `field`, checksum fixed. */
function patchHeader(bytes: Uint8Array, header: number, at: number, field: number[]): Uint8Array {
  const out = bytes.slice();
  out.set(field, header + at);
  out.fill(0x20, header + 148, header + 156);
  const sum = out.subarray(header, header + TAR_BLOCK).reduce((a, b) => a + b, 0);
  out.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), header + 148);
  return out;
}

describe('indexTar', () => {
  it('reads a shard from `npm run pack` and GNU tar archives of the same files as the same samples', async () => {
    const folder = join(temp.dir, 'folder');
    writeFiles(folder, { 'cat/a.png': tinyPng(1), 'cat/b.png': tinyPng(2), 'dog/c.png': tinyPng(3), 'dog/deep/d.png': tinyPng(4) });
    const out = join(temp.dir, 'packed');
    await pack(folder, out);
    const ours = new Uint8Array(readFileSync(join(out, 'train-000000.tar')));
    const names = gnuList(ours);
    expect(names).toEqual(['000000.cls', '000000.png', '000001.cls', '000001.png', '000002.cls', '000002.png', '000003.cls', '000003.png']);
    const extracted = join(temp.dir, 'extracted');
    mkdirSync(extracted);
    execFileSync('tar', ['-xf', join(out, 'train-000000.tar'), '-C', extracted]);
    const expected = meaning(ours, 'ours.tar');
    expect(expected.map((s) => s.label).sort()).toEqual([0, 0, 1, 1]);
    expect(expected.every((s) => s.type === 'image/png' && !s.problem)).toBe(true);
    for (const format of ['gnu', 'posix', 'ustar'] as const) {
      expect(meaning(gnuTar(extracted, names, format), `${format}.tar`), format).toEqual(expected);
    }
  });

  it.each(['posix', 'gnu'] as const)('reads long names from %s headers, spaces, "=" and UTF-8 included', (format) => {
    const long = `${'a'.repeat(70)}/${'b'.repeat(60)} x=y \u00fc/00042`;
    const dir = join(temp.dir, `long-${format}`);
    writeFiles(dir, { [`${long}.png`]: tinyPng(42), [`${long}.cls`]: '2' });
    const bytes = gnuTar(dir, [`${long}.cls`, `${long}.png`], format);
    const members = indexTar(bytes, 'long.tar');
    expect(members.map((m) => m.name)).toEqual([`${long}.cls`, `${long}.png`]);
    expect(Buffer.from(bytes.subarray(members[1].offset, members[1].offset + members[1].size)).equals(Buffer.from(tinyPng(42)))).toBe(true);
    expect(groupSamples(members, bytes, 3)).toMatchObject([{ key: long, label: 2, type: 'image/png' }]);
  });

  it('joins the ustar prefix and name, and writes names past 100 bytes as PAX headers that GNU tar reads', () => {
    const path = `${'p'.repeat(120)}/00007.png`;
    const dir = join(temp.dir, 'prefix');
    writeFiles(dir, { [path]: tinyPng(7) });
    expect(indexTar(gnuTar(dir, [path], 'ustar'), 'ustar.tar').map((m) => m.name)).toEqual([path]);
    const ours = writeTar([{ name: path, data: tinyPng(7) }]);
    expect(gnuList(ours)).toEqual([path]);
    expect(indexTar(ours, 'ours.tar')).toMatchObject([{ name: path, size: tinyPng(7).length }]);
  });

  it('tolerates an archive that ends without its two zero blocks, as GNU tar does', () => {
    const { bytes } = shardOf(samples(3));
    const members = indexTar(bytes, 'full.tar');
    const last = members[members.length - 1];
    const cut = bytes.subarray(0, last.offset + Math.ceil(last.size / TAR_BLOCK) * TAR_BLOCK);
    expect(indexTar(cut, 'cut.tar')).toEqual(members);
  });

  it('keeps the members before a cut and names the shard and byte where the cut is', () => {
    const { bytes } = shardOf(samples(4));
    const members = indexTar(bytes, 'train-000000.tar');
    const third = members[3]; // 00001.png
    const scan = scanTar(bytes.subarray(0, third.offset + 10), 'train-000000.tar');
    expect(scan.members).toEqual(members.slice(0, 3));
    expect(scan.error).toBeInstanceOf(TarFormatError);
    expect(scan.error!.offset).toBe(third.header);
    expect(scan.error!.message).toBe(
      `train-000000.tar: at byte ${third.header}: the member "${third.name}" declares ${third.size} bytes, past the shard's end at byte ${third.offset + 10}: truncated`,
    );
    expect(() => indexTar(bytes.subarray(0, third.header + 100), 'train-000000.tar')).toThrow(
      `train-000000.tar: at byte ${third.header}: the shard is truncated: a header needs 512 bytes, 100 are left`,
    );
    const end = third.offset + third.size;
    expect(() => indexTar(bytes.subarray(0, end), 'train-000000.tar')).toThrow(
      `train-000000.tar: at byte ${end}: the shard is truncated: it ends inside the padding after "${third.name}"`,
    );
  });

  it('refuses a header that declares a huge size without allocating for it', () => {
    const { bytes } = shardOf(samples(2));
    const octal = patchHeader(bytes, 0, 124, [...new TextEncoder().encode('77777777777'), 0]);
    expect(() => indexTar(octal, 'huge.tar')).toThrow(
      `huge.tar: at byte 0: the member "00000.cls" declares 8589934591 bytes, past the shard's end at byte ${bytes.length}: truncated`,
    );
    const base256 = patchHeader(bytes, 0, 124, [0x80, ...new Array(11).fill(0xff)]);
    expect(() => indexTar(base256, 'huge.tar')).toThrow('huge.tar: at byte 0: a size beyond 2^53 bytes');
    const notOctal = patchHeader(bytes, 0, 124, [...new TextEncoder().encode('12x4'), 0]);
    expect(() => indexTar(notOctal, 'huge.tar')).toThrow('huge.tar: at byte 0: a size field that is not octal: "12x4 000001"');
  });

  it('refuses a metadata member too large to be a real PAX header', () => {
    const size = 2 * 1024 * 1024;
    const bytes = new Uint8Array(TAR_BLOCK + size + TAR_BLOCK);
    bytes.set(new TextEncoder().encode('PaxHeaders/x'), 0);
    bytes[156] = 'x'.charCodeAt(0);
    const pax = patchHeader(bytes, 0, 124, [...new TextEncoder().encode(size.toString(8).padStart(11, '0')), 0]);
    expect(() => indexTar(pax, 'pax.tar')).toThrow(
      `pax.tar: at byte 0: a 'x' metadata member of ${size} bytes (more than 1048576) is not a real header`,
    );
  });

  it('says a page or a gzip that is not a tar is none, from its first header', () => {
    const html = new TextEncoder().encode(`<!DOCTYPE html><html><body>${'Not Found '.repeat(80)}</body></html>`);
    expect(() => indexTar(html, 'page.tar')).toThrow(
      'page.tar: at byte 0: not a tar header: its checksum does not match (first bytes 3c 21 44 4f 43 54 59 50, "<!DOCTYPE html><html><body>Not Found Not")' +
        ': not a tar file, or a compressed one (a .tar.gz must be unpacked first)',
    );
    const { bytes } = shardOf(samples(3));
    const corrupt = bytes.slice();
    corrupt[1024 + 3] ^= 0x40; // the second header's name
    expect(() => indexTar(corrupt, 'corrupt.tar')).toThrow(/^corrupt\.tar: at byte 1024: not a tar header: its checksum does not match .*: the shard is corrupt$/);
    expect(() => indexTar(html.subarray(0, 100), 'short.tar')).toThrow('short.tar: at byte 0: the shard is truncated: a header needs 512 bytes, 100 are left');
  });

  it('skips directories and links, and strips a leading "./"', () => {
    const dir = join(temp.dir, 'dirs');
    writeFiles(dir, { 'sub/00001.png': tinyPng(1), 'sub/00001.cls': '1' });
    execFileSync('ln', ['-s', '00001.png', join(dir, 'sub', 'link.png')]);
    const bytes = gnuTar(dir, ['./sub'], 'gnu');
    expect(gnuList(bytes)).toContain('./sub/');
    expect(indexTar(bytes, 'dirs.tar').map((m) => m.name).sort()).toEqual(['sub/00001.cls', 'sub/00001.png']);
  });
});
