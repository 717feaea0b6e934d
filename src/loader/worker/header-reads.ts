/**
 * The header check's reads for a job's Blob sources, done together: one
 * composite read (`new Blob(prefixes).arrayBuffer()`) for a group of samples
 * instead of one read per sample.
 *
 * Why: in Chromium each Blob read is a round trip to the browser process,
 * capped near 1,250 reads/s however many are in flight, whatever the size;
 * a read per sample before each decode halved the decode rate of a first
 * epoch. One read of 32 prefixes costs about as much as a few single ones.
 *
 * NOTE: who reads what.
 * - planHeaderReads() picks the samples that need a check (a Blob, not
 *   checked in an earlier epoch, no manifest problem, not empty) and splits
 *   them, in batch order, into groups of at most GROUP_SAMPLES samples and
 *   GROUP_BYTES bytes.
 * - With `eager`, every group's read starts when the job arrives: a worker
 *   holds the next job while it decodes the current one (prefetchFactor), so
 *   the next batch's headers are read while this batch decodes, and its
 *   first samples do not wait for the read. Without it (the sample cache is
 *   on: a hit needs no check), HeaderReads.prefix(position) starts its
 *   group's read the first time a member asks, so a job served wholly from
 *   the cache reads nothing.
 * - Every member awaits its group's one read.
 * - A group read that fails (a File changed or gone) resolves to null for
 *   every member: each then reads its own prefix (inspect()), so the error,
 *   if any, is its own sample's.
 */
import type { JobSample } from '../protocol.ts';

/**
 * Bytes of each Blob in a composite read. Small on purpose: a read's cost
 * grows with its bytes (measured: 32 prefixes of 4 KiB read faster than 32
 * of 64 KiB, docs/performance.md), and 4 KiB holds the size of a PNG, GIF,
 * WebP, BMP or AVIF and of a JPEG whose metadata before the frame header is
 * small (a web export with an sRGB profile). Where it is not enough (a camera
 * JPEG's EXIF), inspect() reads on from the Blob itself, as far as it needs.
 */
export const COMPOSITE_PREFIX_BYTES = 4 * 1024;
/** Samples per composite read: a batch of 32 is one read. */
export const GROUP_SAMPLES = 32;
/** Bytes per composite read, at most. */
export const GROUP_BYTES = 1024 * 1024;

/** One sample's part of a composite read: its prefix is bytes [start, start + length) of the read. */
export interface PlannedPrefix {
  position: number;
  start: number;
  length: number;
}

/**
 * `sizes[j]`: the byte size of position j's Blob when it needs a header
 * check, null when it does not. Returns the groups, each a list of prefixes
 * in batch order.
 */
export function planHeaderReads(
  sizes: ReadonlyArray<number | null>,
  prefixBytes = COMPOSITE_PREFIX_BYTES,
  groupSamples = GROUP_SAMPLES,
  groupBytes = GROUP_BYTES,
): PlannedPrefix[][] {
  const groups: PlannedPrefix[][] = [];
  let group: PlannedPrefix[] = [];
  let bytes = 0;
  sizes.forEach((size, position) => {
    if (size === null || size <= 0) return;
    const length = Math.min(size, prefixBytes);
    if (group.length > 0 && (group.length === groupSamples || bytes + length > groupBytes)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push({ position, start: bytes, length });
    bytes += length;
  });
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The composite reads of one job (see the NOTE above). */
export class HeaderReads {
  readonly #groupOf = new Map<number, number>(); // position -> group index
  readonly #reads: Array<Promise<Uint8Array[] | null> | null>;

  constructor(
    readonly blobs: ReadonlyArray<Blob | null>,
    readonly groups: PlannedPrefix[][],
    eager = false,
  ) {
    groups.forEach((group, g) => group.forEach((p) => this.#groupOf.set(p.position, g)));
    this.#reads = groups.map((group) => (eager ? this.#read(group) : null));
  }

  /** The first bytes of position's Blob (at most COMPOSITE_PREFIX_BYTES), or null: read them yourself. */
  async prefix(position: number): Promise<Uint8Array | null> {
    const g = this.#groupOf.get(position);
    if (g === undefined) return null;
    this.#reads[g] ??= this.#read(this.groups[g]);
    const prefixes = await this.#reads[g];
    return prefixes?.[this.groups[g].findIndex((p) => p.position === position)] ?? null;
  }

  async #read(group: PlannedPrefix[]): Promise<Uint8Array[] | null> {
    try {
      const buffer = await new Blob(group.map((p) => this.blobs[p.position]!.slice(0, p.length))).arrayBuffer();
      if (buffer.byteLength !== group.reduce((n, p) => n + p.length, 0)) return null;
      return group.map((p) => new Uint8Array(buffer, p.start, p.length));
    } catch {
      return null;
    }
  }
}

/** The reads a job needs: null when none of its samples needs a header check. */
export function headerReadsFor(samples: readonly JobSample[], eager: boolean): HeaderReads | null {
  const blobs = samples.map((s) => (!s.problem && !s.failure && !s.checked && typeof s.source !== 'string' ? s.source : null));
  const groups = planHeaderReads(blobs.map((b) => b && b.size));
  return groups.length > 0 ? new HeaderReads(blobs, groups, eager) : null;
}
