/**
 * Example 2, the main side: the shapes dataset's items from its manifest,
 * a CustomDataset over shapes-dataset.ts, and a loader with 2 workers.
 *
 * PyTorch:
 *
 *   mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
 *   loader = DataLoader(ShapesDataset(items, transform), batch_size=8, num_workers=2)
 *
 * (The built-in ImageDataset does the same with `image: { width: 224, height:
 * 224 }, dtype: 'float32', normalize: { mean, std }`, and the two give the
 * same pixels; a custom module is for what the options cannot say.)
 */
import { CustomDataset, DataLoader } from '../src/loader/index.ts'; // in your app: from 'feedline'
import type { ShapesArgs } from './shapes-dataset.ts';

export const MEAN = [0.485, 0.456, 0.406];
export const STD = [0.229, 0.224, 0.225];

/** The first `limit` items of a manifest's split, their URLs resolved against the manifest's. */
export async function shapesItems(manifestUrl: string, split = 'train', limit = Infinity): Promise<ShapesArgs['items']> {
  const url = new URL(manifestUrl, location.href);
  const manifest = (await (await fetch(url)).json()) as { splits: Record<string, Array<{ src: string; label: number }>> };
  return manifest.splits[split].slice(0, limit).map(({ src, label }) => ({ src: new URL(src, url).href, label }));
}

export function makeDataset(items: ShapesArgs['items'], size = 224): CustomDataset<ShapesArgs> {
  return CustomDataset.fromModule({
    name: 'shapes-custom',
    length: items.length,
    sample: { shape: [size, size, 3], dtype: 'float32' },
    args: { items, size, mean: MEAN, std: STD },
    worker: () => new Worker(new URL('./shapes-dataset.ts', import.meta.url), { type: 'module' }),
    module: () => import('./shapes-dataset.ts'),
  });
}

export function makeLoader(dataset: CustomDataset<ShapesArgs>): DataLoader<CustomDataset<ShapesArgs>> {
  return new DataLoader(dataset, { batchSize: 8, numWorkers: 2 });
}
