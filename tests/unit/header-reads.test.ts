/**
 * The header check's composite reads (src/loader/worker/header-reads.ts):
 * which samples are read, how they group, and that each sample gets exactly
 * its own first bytes, or null (read it yourself) when the group read fails.
 */
import { describe, expect, it } from 'vitest';
import { COMPOSITE_PREFIX_BYTES, GROUP_SAMPLES, HeaderReads, headerReadsFor, planHeaderReads } from '../../src/loader/worker/header-reads.ts';
import type { JobSample } from '../../src/loader/protocol.ts';
import { inspect } from '../../src/loader/worker/decode.ts';
import { SampleLoadError } from '../../src/loader/errors.ts';

describe('planHeaderReads', () => {
  it('skips samples that need no check and empty Blobs; offsets run on within the read', () => {
    expect(planHeaderReads([10, null, 0, 7, 3])).toEqual([
      [
        { position: 0, start: 0, length: 10 },
        { position: 3, start: 10, length: 7 },
        { position: 4, start: 17, length: 3 },
      ],
    ]);
  });

  it('reads at most the prefix of a large Blob', () => {
    expect(planHeaderReads([5_000_000, 20])).toEqual([
      [
        { position: 0, start: 0, length: COMPOSITE_PREFIX_BYTES },
        { position: 1, start: COMPOSITE_PREFIX_BYTES, length: 20 },
      ],
    ]);
  });

  it('starts a new group at the sample limit and before the byte limit would be passed', () => {
    const bySamples = planHeaderReads(Array(GROUP_SAMPLES * 2 + 1).fill(4));
    expect(bySamples.map((g) => g.length)).toEqual([GROUP_SAMPLES, GROUP_SAMPLES, 1]);
    expect(bySamples[1][0]).toEqual({ position: GROUP_SAMPLES, start: 0, length: 4 });
    const byBytes = planHeaderReads([60, 30, 50, 200, 10], 100, 32, 100);
    expect(byBytes).toEqual([
      [
        { position: 0, start: 0, length: 60 },
        { position: 1, start: 60, length: 30 },
      ],
      [{ position: 2, start: 0, length: 50 }],
      [{ position: 3, start: 0, length: 100 }],
      [{ position: 4, start: 0, length: 10 }],
    ]);
  });

  it('plans nothing when no sample needs a check', () => {
    expect(planHeaderReads([null, null, 0])).toEqual([]);
  });
});

describe('HeaderReads', () => {
  const blob = (...bytes: number[]) => new Blob([Uint8Array.from(bytes)]);
  const sample = (index: number, source: JobSample['source'], extra: Partial<JobSample> = {}): JobSample => ({ index, label: 0, source, ...extra });

  it('gives each unchecked Blob its own first bytes from one read, and nothing to the rest', async () => {
    const samples = [
      sample(0, blob(1, 2, 3)),
      sample(1, 'https://example.com/a.png'),
      sample(2, blob(9, 9), { checked: true }),
      sample(3, blob(4, 5), { problem: 'no src' }),
      sample(4, blob(6, 7, 8, 9)),
    ];
    const reads = headerReadsFor(samples, false)!;
    expect(reads.groups).toHaveLength(1);
    expect([...(await reads.prefix(0))!]).toEqual([1, 2, 3]);
    expect([...(await reads.prefix(4))!]).toEqual([6, 7, 8, 9]);
    for (const position of [1, 2, 3]) expect(await reads.prefix(position)).toBeNull();
  });

  it('is null for a job with nothing to check', () => {
    expect(headerReadsFor([sample(0, 'a.png'), sample(1, blob(1), { checked: true })], true)).toBeNull();
  });

  it('hands back null to every member when the composite read fails, so each reads its own', async () => {
    const broken = Object.assign(blob(1, 2), {
      slice: () => {
        throw new Error('NotReadableError');
      },
    });
    const reads = new HeaderReads([blob(3), broken], planHeaderReads([1, 2]), true);
    expect(await reads.prefix(0)).toBeNull();
    expect(await reads.prefix(1)).toBeNull();
  });
});

describe('inspect with a prefix read ahead', () => {
  /** A PNG signature and IHDR declaring width x height. */
  const png = (width: number, height: number) => {
    const b = new Uint8Array(33);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(b.buffer).setUint32(16, width);
    new DataView(b.buffer).setUint32(20, height);
    return b;
  };
  const unreadable = (bytes: Uint8Array) =>
    Object.assign(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      slice: () => {
        throw new Error('read');
      },
    });

  it('refuses a bomb from the prefix alone, with the reason and message of a read of its own', async () => {
    const bomb = png(100_000, 100_000);
    const refusal = (e: SampleLoadError) => [e.reason, e.message];
    const own = await inspect(new Blob([bomb]), 1e6).then(() => null, refusal);
    const ahead = await inspect(unreadable(bomb), 1e6, bomb).then(() => null, refusal);
    expect(ahead).toEqual(own);
    expect(own?.[0]).toBe('oversize');
  });

  it('reads on from the Blob when the size lies past the prefix (a JPEG with large metadata)', async () => {
    // SOI, an APP1 segment of 10,000 bytes, then SOF0 declaring 60000x60000.
    const jpeg = new Uint8Array(2 + 2 + 10_000 + 11);
    jpeg.set([0xff, 0xd8, 0xff, 0xe1, 10_000 >> 8, 10_000 & 255]);
    jpeg.set([0xff, 0xc0, 0, 11, 8, 60_000 >> 8, 60_000 & 255, 60_000 >> 8, 60_000 & 255, 3], 2 + 2 + 10_000);
    const prefix = jpeg.slice(0, COMPOSITE_PREFIX_BYTES);
    const error = await inspect(new Blob([jpeg]), 1e6, prefix).catch((e: SampleLoadError) => e);
    expect((error as SampleLoadError).reason).toBe('oversize');
    expect((error as SampleLoadError).message).toMatch(/^its JPEG header declares 60000x60000/);
  });

  it('passes a good header from the prefix without reading the Blob', async () => {
    const good = png(12, 10);
    expect(await inspect(unreadable(good), 1e6, good)).toEqual({ kind: 'image', format: 'png', width: 12, height: 10 });
  });
});
