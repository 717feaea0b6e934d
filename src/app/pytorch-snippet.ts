/**
 * "Copy as PyTorch": the playground's settings as a runnable Python script
 * that loads the same data with torch's DataLoader and trains the same model
 * (or, in loader-only mode, feeds a simulated step). Comments mark where the
 * browser and PyTorch differ. The data-reading classes live in
 * pytorch-datasets.ts, transforms and models in pytorch-python.ts.
 */
import type { PlaygroundValues } from './playground-values.ts';
import { AUGMENT_RECIPES } from './augment-recipes.ts';
import { datasetEntry, ERROR_PRONE_ARGS, FOLDER_ID } from './datasets.ts';
import { trainFamily } from './train-data.ts';
import { AUTO_START, startWorkers } from './loader-plan.ts';
import { FILES_PY, LATENCY_PY, READ_PY, SHARDS_PY, SKIP_PY, errorPronePy } from './pytorch-datasets.ts';
import { modelPython, py, SnippetError, transformsPython } from './pytorch-python.ts';

export { SnippetError } from './pytorch-python.ts';

export interface SnippetContext {
  /** The page's link to these settings, quoted in the header. */
  link?: string;
  /** The folder panel's output size, for dataset 'folder'. */
  folderSize?: number;
}

interface DataPlan {
  imports: string[];
  classes: string[];
  /** Lines in main() that make `dataset` (and `classes`). */
  open: string[];
  images: boolean;
}

/** Where the script finds a bundled manifest: the repository's public/ folder, which the dev server serves at /. */
const localPath = (url: string) => `public${url.split('?')[0]}`;

function dataPlan(v: PlaygroundValues, ctx: SnippetContext): DataPlan {
  const family = trainFamily(v.dataset);
  const augment = AUGMENT_RECIPES[v.augment];
  if (v.dataset === FOLDER_ID) {
    const size = ctx.folderSize ?? 64;
    const transform = transformsPython({ augment, size: [size, size], channels: 3, normalize: null });
    return {
      imports: ['from torchvision.datasets import ImageFolder'],
      classes: [],
      images: true,
      open: [
        '# Your folder: one subfolder per class, as the browser\'s ImageFolder (RGB, resized to the panel\'s size).',
        `dataset = ImageFolder("path/to/your/folder", transform=${transform})`,
        'classes = dataset.classes',
      ],
    };
  }
  const entry = datasetEntry(v.dataset);
  if (entry.kind === 'custom') {
    if (entry.id !== 'error-prone') throw new SnippetError(`no PyTorch translation of the custom dataset "${entry.id}"`, 'dataset', entry.id);
    return {
      imports: [],
      classes: [errorPronePy(ERROR_PRONE_ARGS.sleepMs, ERROR_PRONE_ARGS.slowEvery)],
      images: false,
      open: ['dataset = ErrorProneDataset()', 'classes = dataset.classes'],
    };
  }
  if (entry.kind === 'url') {
    const crops = augment.some((a) => a.type === 'RandomResizedCrop' || a.type === 'RandomCrop');
    return {
      imports: [],
      classes: [READ_PY, FILES_PY, SHARDS_PY],
      images: true,
      open: [
        `MANIFEST = os.environ.get("MANIFEST", ${py(v.manifestUrl || 'path/or/url/of/manifest.json')})`,
        'meta = json.loads(read_bytes(MANIFEST))',
        ...(crops ? ['SIZE = (meta["height"], meta["width"])  # the crops keep the declared size'] : []),
        '# No normalization: the page shows a manifest by URL as its bytes are.',
        `transform = ${transformsPython({ augment, size: null, channels: 3, normalize: null })}`,
        '# One file per image or packed in shards: the manifest\'s split says which.',
        'Split = ShardDataset if "shards" in meta["splits"]["train"] else ManifestDataset',
        'dataset = Split(MANIFEST, "train", transform)',
        'classes = dataset.classes',
      ],
    };
  }
  if (entry.kind !== 'manifest') throw new SnippetError(`the dataset "${v.dataset}" has no PyTorch translation`, 'dataset', v.dataset);
  const shards = entry.manifest.includes('/shards/');
  const size = family?.image ? ([family.image.height, family.image.width] as [number, number]) : null;
  // Channels decide Normalize's length: 1 for MNIST's gray digits, else 3 (the loader's default).
  const channels = v.dataset.startsWith('mnist') ? 1 : 3;
  const transform = transformsPython({ augment, size, channels, normalize: family?.normalize ?? null });
  const open = [`MANIFEST = os.environ.get("MANIFEST", ${py(localPath(entry.manifest))})  # or http://localhost:5173${entry.manifest.split('?')[0]}`];
  if (!size && augment.some((a) => a.type === 'RandomResizedCrop' || a.type === 'RandomCrop')) {
    open.push('meta = json.loads(read_bytes(MANIFEST))', 'SIZE = (meta["height"], meta["width"])  # the crops keep the declared size');
  }
  if (!family) open.push('# No normalization: this dataset has no training settings, and the page shows its bytes as they are.');
  open.push(
    `transform = ${transform}`,
    `dataset = ${shards ? 'ShardDataset' : 'ManifestDataset'}(MANIFEST, ${py(entry.split)}, transform)`,
    'classes = dataset.classes',
  );
  return { imports: [], classes: [READ_PY, shards ? SHARDS_PY : FILES_PY], images: true, open };
}

const indent = (text: string, spaces: number) =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(spaces) + l : l))
    .join('\n');

/** The DataLoader call: prefetch_factor and timeout only with workers (PyTorch refuses them otherwise). */
function loaderCall(v: PlaygroundValues, skipping: boolean): string[] {
  const workers = startWorkers(v);
  const args = [`batch_size=${v.batchSize}`, `shuffle=${py(v.shuffle)}`, `num_workers=${workers}`];
  const notes: string[] = [];
  // prefetchFactor matters only with workers (num_workers=0 has no prefetch).
  const tuned = [v.numWorkers === 'auto' && 'numWorkers', workers > 0 && v.prefetchFactor === 'auto' && 'prefetchFactor'].filter(Boolean);
  if (tuned.length > 0) {
    notes.push(
      `# ${tuned.join(' and ')} 'auto': the browser tunes ${tuned.length > 1 ? 'them' : 'it'} while it runs;`,
      `# PyTorch has no such option, so this starts where the browser starts (${AUTO_START}; tf.data's AUTOTUNE is the nearest).`,
    );
  }
  if (workers > 0) {
    args.push(`prefetch_factor=${v.prefetchFactor === 'auto' ? AUTO_START : v.prefetchFactor}`);
    if (v.timeoutMs > 0) {
      // PyTorch bounds a whole batch from a worker and raises; Feedline bounds each sample and skips it.
      args.push(`timeout=${py((v.timeoutMs * v.batchSize) / 1000)}`);
      notes.push(`# timeout: PyTorch bounds a batch (here batch_size x timeoutMs = ${(v.timeoutMs * v.batchSize) / 1000} s) and raises;`, '# the browser bounds each sample to timeoutMs and applies onError to it.');
    }
  } else {
    notes.push('# num_workers=0: loading runs in the training loop, nothing is prefetched (prefetch_factor and timeout need workers).');
  }
  args.push(`in_order=${py(v.inOrder)}`, 'generator=generator');
  if (skipping) args.push('collate_fn=collate_skipping');
  if (workers > 0) args.push('persistent_workers=True');
  return [...notes, '# in_order needs torch >= 2.6.', `loader = DataLoader(dataset, ${args.join(', ')})`];
}

const ANY_GPU = '"cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"';
/** torch.device's argument, and a comment after the call's closing parenthesis. */
const DEVICES: Record<PlaygroundValues['backend'], [string, string]> = {
  auto: [ANY_GPU, ''],
  webgpu: [ANY_GPU, "  # the browser's WebGPU: here, the GPU"],
  webgl: [ANY_GPU, "  # the browser's WebGL: here, the GPU"],
  cpu: ['"cpu"', ''],
};

function trainLoop(v: PlaygroundValues, skipping: boolean): string[] {
  const optimizer = v.optimizer === 'adam' ? 'torch.optim.Adam' : 'torch.optim.SGD';
  return [
    `device = torch.device(${DEVICES[v.backend][0]})${DEVICES[v.backend][1]}`,
    'model, optimizer, loss_fn = None, None, nn.CrossEntropyLoss()  # the loss applies the softmax to the logits',
    `for epoch in range(${v.epochs}):`,
    '    waited = worked = total_loss = 0.0',
    '    steps, mark = 0, time.perf_counter()',
    '    for batch in loader:',
    '        got = time.perf_counter()',
    '        waited += got - mark  # the data stall: the headline\'s share',
    ...(skipping ? ['        if batch is None:  # every sample of the batch was skipped', '            mark = got', '            continue'] : []),
    '        x, y = batch',
    '        if model is None:  # built from the first batch\'s shape, as the browser\'s Trainer does',
    '            model = build_model(tuple(x.shape[1:]), len(classes)).to(device)',
    '            model.apply(glorot)',
    `            optimizer = ${optimizer}(model.parameters(), lr=${py(v.learningRate)})${v.optimizer === 'adam' ? '  # tfjs Adam: eps 1e-7, torch: 1e-8' : ''}`,
    '        x, y = x.to(device), y.to(device)',
    '        loss = loss_fn(model(x), y)',
    '        optimizer.zero_grad()',
    '        loss.backward()',
    '        optimizer.step()',
    '        total_loss += loss.item()  # waits for the GPU, so the step time below is real',
    ...(v.extraComputeMs > 0 ? [`        time.sleep(${py(v.extraComputeMs / 1000)})  # the playground's extra compute per step (simulated there too)`] : []),
    '        steps, mark = steps + 1, time.perf_counter()',
    '        worked += mark - got',
    '    share = waited / max(waited + worked, 1e-9)',
    '    verdict = "input-bound: add workers or pack the data" if share >= 0.05 else "compute-bound: more workers will not help"',
    `    print(f"epoch {epoch + 1}/${v.epochs}: loss {total_loss / max(steps, 1):.4f}, {share:.0%} of each step waits for data: {verdict}")`,
  ];
}

function simulatedLoop(v: PlaygroundValues, skipping: boolean): string[] {
  return [
    `for epoch in range(${v.epochs}):`,
    '    waited = worked = 0.0',
    '    batches, mark = 0, time.perf_counter()',
    '    for batch in loader:',
    '        got = time.perf_counter()',
    '        waited += got - mark',
    ...(skipping ? ['        if batch is None:', '            mark = got', '            continue'] : []),
    `        time.sleep(${py(v.stepMs / 1000)})  # loader only: a simulated step of ${v.stepMs} ms per batch, no model`,
    '        batches, mark = batches + 1, time.perf_counter()',
    '        worked += mark - got',
    '    share = waited / max(waited + worked, 1e-9)',
    `    print(f"epoch {epoch + 1}/${v.epochs}: {batches} batches, {share:.0%} of each step waits for data")`,
  ];
}

/** The script for `values`; throws SnippetError for a setting with no translation. */
export function pytorchSnippet(values: PlaygroundValues, ctx: SnippetContext = {}): string {
  const v = values;
  const data = dataPlan(v, ctx);
  const skipping = v.onError !== 'raise';
  const simulated = v.consumer === 'simulated';
  const model = !simulated && !data.images && v.model.startsWith('cnn') ? 'mlp' : v.model;
  const main: string[] = [...data.open];
  if (v.latencyMs > 0 || v.jitterMs > 0) main.push(`dataset = SimulatedLatency(dataset, ${v.latencyMs}, ${v.jitterMs})`);
  if (skipping) main.push(`dataset = SkipFailures(dataset, retries=${v.onError === 'retry' ? 2 : 0})`);
  if (v.cache) main.push('# cache: the browser keeps decoded samples in IndexedDB; DataLoader has no cache (decode once to a tensor file instead).');
  main.push(
    '# Shuffle order from a seeded generator. Augmentations: the browser draws each sample\'s from (seed, epoch, index), so',
    '# batches are the same for any num_workers; PyTorch seeds each worker from base_seed + worker_id, so they are not.',
    `generator = torch.Generator().manual_seed(${v.seed})`,
    `torch.manual_seed(${v.seed})`,
    ...loaderCall(v, skipping),
    ...(simulated ? simulatedLoop(v, skipping) : trainLoop(v, skipping)),
  );
  const header = [
    '# Feedline playground settings as a PyTorch script.',
    ...(ctx.link ? [`# Settings: ${ctx.link}`] : []),
    '# Run it from the Feedline repository after `npm run datasets` (or set MANIFEST to the dev server\'s URL).',
    '# Needs torch (>= 2.6), torchvision and Pillow.',
    ...(model !== v.model ? [`# The model "${v.model}" needs images; these samples are vectors, so this trains "mlp".`] : []),
  ];
  const imports = [
    'import io, json, math, os, random, re, tarfile, time, urllib.parse, urllib.request',
    'from functools import lru_cache',
    '',
    'import torch',
    'from PIL import Image  # Image.MAX_IMAGE_PIXELS refuses decompression bombs at 178,956,970 pixels, as the browser\'s maxPixels',
    'from torch import nn',
    'from torch.utils.data import DataLoader, Dataset, default_collate',
    'from torchvision import transforms as T',
    ...data.imports,
  ];
  const blocks = [header.join('\n') + '\n' + imports.join('\n'), ...data.classes];
  if (v.latencyMs > 0 || v.jitterMs > 0) blocks.push(LATENCY_PY);
  if (skipping) blocks.push(SKIP_PY);
  if (!simulated) blocks.push(modelPython(model));
  blocks.push(`def main():\n${indent(main.join('\n'), 4)}`);
  blocks.push('if __name__ == "__main__":  # worker processes re-import this file on macOS and Windows\n    main()');
  return blocks.join('\n\n\n') + '\n';
}
