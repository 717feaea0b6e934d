/**
 * Writes a dataset's manifest.json after checking it with the loader's own
 * validator, so a generator can never publish a manifest the loader rejects.
 * One item per line: the file stays readable and diffable at 10,000 items.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateManifest, type Manifest, type ManifestItem } from '../../src/loader/sources/manifest.ts';
import { isShardSplit, type ShardSplit } from '../../src/loader/sources/shard-manifest.ts';

/** A manifest item as a generator plans it: with the id in its file name. */
export type PlannedItem = ManifestItem & { id: number };

/** The manifest's view of a planned item. */
export const toItem = ({ src, label }: PlannedItem): ManifestItem => ({ src, label });

export function formatManifest(manifest: Manifest): string {
  const { splits, ...header } = manifest;
  const lines = Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  const splitBlocks = Object.entries(splits).map(([split, items]) => {
    if (isShardSplit(items)) return `    ${JSON.stringify(split)}: ${formatShards(items)}`;
    const rows = items.map((item) => `      ${JSON.stringify({ src: item.src, label: item.label })}`);
    return `    ${JSON.stringify(split)}: [\n${rows.join(',\n')}\n    ]`;
  });
  return `{\n${lines.join('\n')}\n  "splits": {\n${splitBlocks.join(',\n')}\n  }\n}\n`;
}

/** Validates and writes `out/manifest.json`; returns the text written. */
export function writeManifest(out: string, manifest: Manifest): string {
  const file = join(out, 'manifest.json');
  const text = formatManifest(manifest);
  validateManifest(JSON.parse(text), file);
  writeFileSync(file, text);
  return text;
}

/** A shard split: one shard header per line, then one index entry per line. */
function formatShards({ shards }: ShardSplit): string {
  if (typeof shards === 'string' || shards.every((s) => typeof s === 'string')) return JSON.stringify({ shards });
  const blocks = shards.map((shard) => {
    if (typeof shard === 'string') return `        ${JSON.stringify(shard)}`;
    const rows = shard.samples.map(({ key, offset, length, type, label }) => `          ${JSON.stringify({ key, offset, length, type, label })}`);
    const head = `        { "url": ${JSON.stringify(shard.url)}, "bytes": ${shard.bytes}, "samples": [`;
    return `${head}\n${rows.join(',\n')}\n        ] }`;
  });
  return `{\n      "shards": [\n${blocks.join(',\n')}\n      ]\n    }`;
}
