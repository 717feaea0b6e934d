/**
 * Shards for tests: small distinct PNGs, shards packed by the pack tool's
 * writer, and tars made by GNU tar itself (on every Debian machine) from
 * files in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encode } from 'fast-png';
import { packShards, type PackSample, type PackedShard } from '../../../scripts/datasets/shard-writer.ts';

/** A 4x3 RGB PNG whose pixels depend on `n`: distinct bytes per n. */
export function tinyPng(n: number, width = 4, height = 3): Uint8Array {
  const data = new Uint8Array(width * height * 3).map((_, i) => (n * 37 + i * 11) & 255);
  return encode({ width, height, data, channels: 3, depth: 8 });
}

/** `count` samples keyed 00000.., labels n % classes, each a distinct PNG. */
export function samples(count: number, classes = 3, first = 0): PackSample[] {
  return Array.from({ length: count }, (_, i) => ({
    key: String(first + i).padStart(5, '0'),
    ext: 'png',
    image: tinyPng(first + i),
    label: (first + i) % classes,
  }));
}

/** One shard of `list`, named `name`. */
export function shardOf(list: PackSample[], name = 'train', classes = 3): PackedShard {
  const [shard, extra] = packShards(list, name, Number.MAX_SAFE_INTEGER, classes);
  if (extra) throw new Error('shardOf: expected one shard');
  return shard;
}

/** A temp folder that the returned function removes. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `feedline-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `files` (path -> bytes) under `dir`. */
export function writeFiles(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
}

/** GNU tar of `names` (relative to `dir`, in this order), in `format` ('gnu': 'L' long names; 'posix': PAX). */
export function gnuTar(dir: string, names: string[], format: 'gnu' | 'posix' | 'ustar'): Uint8Array {
  const args = ['--format', format, '--owner=0', '--group=0', '--mtime=@0', '-cf', '-', '-C', dir, '--', ...names];
  return new Uint8Array(execFileSync('tar', args, { maxBuffer: 1 << 28 }));
}

/** GNU tar's listing of a tar's bytes (`tar -tf`): what it sees inside. */
export function gnuList(bytes: Uint8Array): string[] {
  return execFileSync('tar', ['-tf', '-'], { input: bytes }).toString().trim().split('\n');
}
