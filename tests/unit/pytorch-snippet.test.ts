/**
 * "Copy as PyTorch": for several settings the script is valid Python (parsed
 * by python3's own ast module) and says what the settings say: the
 * DataLoader's arguments, the transforms for `augment`, the model, the loop.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUES, type PlaygroundValues } from '../../src/app/playground-values.ts';
import { pytorchSnippet, SnippetError } from '../../src/app/pytorch-snippet.ts';

const snippet = (values: Partial<PlaygroundValues>) => pytorchSnippet({ ...DEFAULT_VALUES, ...values }, { link: 'http://localhost:5173/?workers=4' });

/** python3's parser on the script: '' when it parses, else its error. */
function pythonSyntaxError(source: string): string {
  const run = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: source, encoding: 'utf8' });
  if (run.error) throw new Error(`python3 is needed to check the snippet (CI installs it from Debian): ${run.error.message}`);
  return run.status === 0 ? '' : run.stderr;
}

const loaderLine = (script: string) => script.split('\n').find((l) => l.trimStart().startsWith('loader = DataLoader('))!;

describe('Copy as PyTorch', () => {
  it('writes the default settings as a script that parses, with the DataLoader arguments the page uses', () => {
    const script = snippet({});
    expect(pythonSyntaxError(script)).toBe('');
    expect(loaderLine(script).trim()).toBe(
      'loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2, prefetch_factor=2, timeout=160, in_order=True, generator=generator, collate_fn=collate_skipping, persistent_workers=True)',
    );
    expect(script).toContain('# Settings: http://localhost:5173/?workers=4');
    expect(script).toContain('MANIFEST = os.environ.get("MANIFEST", "public/datasets/mnist/shards/manifest.json")');
    expect(script).toContain('dataset = ShardDataset(MANIFEST, "train", transform)');
    expect(script).toContain('T.Normalize(mean=(0.1307,), std=(0.3081,))');
    expect(script).toContain('generator = torch.Generator().manual_seed(0)');
    expect(script).toContain('nn.Linear(math.prod(shape), 128), nn.ReLU(), nn.Linear(128, classes)');
    expect(script).toContain('optimizer = torch.optim.Adam(model.parameters(), lr=0.001)');
    expect(script).toContain('for epoch in range(3):');
  });

  it('parses for every backend, each device comment after the call it annotates', () => {
    for (const backend of ['auto', 'webgpu', 'webgl', 'cpu'] as const) {
      const script = snippet({ backend });
      expect(pythonSyntaxError(script), backend).toBe('');
      expect(script.split('\n').find((l) => l.trimStart().startsWith('device = torch.device('))!.trim()).toMatch(
        backend === 'cpu' ? /^device = torch\.device\("cpu"\)$/ : /^device = torch\.device\(.*"cpu"\)(  # the browser's \w+: here, the GPU)?$/,
      );
    }
  });

  it('leaves out prefetch_factor and timeout with num_workers=0, which PyTorch refuses', () => {
    const script = snippet({ numWorkers: 0, timeoutMs: 1000 });
    expect(pythonSyntaxError(script)).toBe('');
    const line = loaderLine(script);
    expect(line).toContain('num_workers=0,');
    expect(line).not.toContain('prefetch_factor');
    expect(line).not.toContain('timeout=');
    expect(line).not.toContain('persistent_workers');
  });

  it("writes numWorkers and prefetchFactor 'auto' as where the browser's tuner starts, and says PyTorch has no auto", () => {
    const both = snippet({ numWorkers: 'auto', prefetchFactor: 'auto' });
    expect(pythonSyntaxError(both)).toBe('');
    expect(loaderLine(both)).toContain('num_workers=2, prefetch_factor=2,');
    expect(both).toContain("# numWorkers and prefetchFactor 'auto': the browser tunes them while it runs;");
    expect(both).toContain("# PyTorch has no such option, so this starts where the browser starts (2; tf.data's AUTOTUNE is the nearest).");
    const prefetchOnly = snippet({ numWorkers: 3, prefetchFactor: 'auto' });
    expect(loaderLine(prefetchOnly)).toContain('num_workers=3, prefetch_factor=2,');
    expect(prefetchOnly).toContain("# prefetchFactor 'auto': the browser tunes it while it runs;");
    expect(loaderLine(snippet({ numWorkers: 4, prefetchFactor: 2 }))).toContain('num_workers=4, prefetch_factor=2,');
    expect(snippet({ numWorkers: 4, prefetchFactor: 2 })).not.toContain("'auto'");
    // Without workers there is no prefetch to tune.
    expect(snippet({ numWorkers: 0, prefetchFactor: 'auto' })).not.toContain("'auto'");
  });

  it('maps augment crop-flip on shapes to RandomResizedCrop at 32x32 then a flip, with the CNN and shards', () => {
    const script = snippet({ dataset: 'shapes', augment: 'crop-flip', model: 'cnn', optimizer: 'sgd', learningRate: 0.05, numWorkers: 4, prefetchFactor: 3 });
    expect(pythonSyntaxError(script)).toBe('');
    expect(script).toContain('T.RandomResizedCrop((32, 32), scale=(0.5, 1), ratio=(0.75, 1.33333333333)),\n        T.RandomHorizontalFlip(p=0.5),');
    expect(script).not.toContain('T.Resize(');
    expect(script).toContain('T.Normalize(mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25))');
    expect(script).toContain('layers += [nn.Conv2d(c, filters, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]');
    expect(script).toContain('optimizer = torch.optim.SGD(model.parameters(), lr=0.05)');
    expect(loaderLine(script)).toContain('num_workers=4, prefetch_factor=3,');
  });

  it('maps flip and jitter, resizes shapes without a crop, and reads one file per image', () => {
    const flip = snippet({ dataset: 'shapes-files', augment: 'flip', model: 'cnn-tiny' });
    expect(pythonSyntaxError(flip)).toBe('');
    expect(flip).toContain("T.Resize((32, 32)),  # image.fit 'stretch'");
    expect(flip).toContain('T.RandomHorizontalFlip(p=0.5),');
    expect(flip).toContain('dataset = ManifestDataset(MANIFEST, "train", transform)');
    expect(flip).toContain('nn.Linear(4 * (h // 2) * (w // 2), classes)');
    const jitter = snippet({ augment: 'jitter', model: 'linear', onError: 'raise', inOrder: false, shuffle: false, seed: 9 });
    expect(pythonSyntaxError(jitter)).toBe('');
    expect(jitter).toContain('T.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4),');
    expect(jitter).toContain('nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), classes))');
    expect(loaderLine(jitter)).toContain('shuffle=False, num_workers=2, prefetch_factor=2, timeout=160, in_order=False, generator=generator, persistent_workers=True)');
    expect(jitter).not.toContain('SkipFailures');
    expect(jitter).toContain('torch.Generator().manual_seed(9)');
  });

  it("turns onError 'skip' and 'retry' into a wrapper that drops failed samples, and says DataLoader has no such option", () => {
    const retry = snippet({ dataset: 'bad-images', consumer: 'simulated', onError: 'retry', batchSize: 8, stepMs: 25 });
    expect(pythonSyntaxError(retry)).toBe('');
    expect(retry).toContain("onError 'skip' has no DataLoader equivalent");
    expect(retry).toContain('dataset = SkipFailures(dataset, retries=2)');
    expect(retry).toContain('collate_fn=collate_skipping');
    expect(retry).toContain('time.sleep(0.025)  # loader only: a simulated step of 25 ms per batch, no model');
    expect(retry).not.toContain('def build_model');
    expect(retry).toContain('MANIFEST = os.environ.get("MANIFEST", "public/datasets/broken/manifest.json")');
  });

  it('writes the error-prone module as its PyTorch Dataset, with latency and extra compute as sleeps', () => {
    const script = snippet({ dataset: 'error-prone', consumer: 'simulated', timeoutMs: 250, numWorkers: 4, latencyMs: 40, jitterMs: 20 });
    expect(pythonSyntaxError(script)).toBe('');
    expect(script).toContain('class ErrorProneDataset(Dataset):');
    expect(script).toContain('raise IOError(f"could not read sample {idx}")');
    expect(script).toContain('dataset = SimulatedLatency(dataset, 40, 20)');
    expect(loaderLine(script)).toContain('num_workers=4, prefetch_factor=2, timeout=8,');
    const trained = snippet({ dataset: 'error-prone', model: 'cnn', extraComputeMs: 150 });
    expect(pythonSyntaxError(trained)).toBe('');
    expect(trained).toContain('# The model "cnn" needs images; these samples are vectors, so this trains "mlp".');
    expect(trained).toContain('time.sleep(0.15)  # the playground\'s extra compute per step');
  });

  it("writes the user's folder as torchvision's ImageFolder at the folder panel's size", () => {
    const script = pytorchSnippet({ ...DEFAULT_VALUES, dataset: 'folder', augment: 'flip' }, { folderSize: 96 });
    expect(pythonSyntaxError(script)).toBe('');
    expect(script).toContain('dataset = ImageFolder("path/to/your/folder", transform=T.Compose([');
    expect(script).toContain('T.Resize((96, 96))');
  });

  it('reads a manifest by URL with the dataset class its split calls for, per-file or shards', () => {
    const script = snippet({ dataset: 'url', manifestUrl: 'https://data.example.org/pets/manifest.json', consumer: 'simulated', augment: 'crop-flip' });
    expect(pythonSyntaxError(script)).toBe('');
    expect(script).toContain('MANIFEST = os.environ.get("MANIFEST", "https://data.example.org/pets/manifest.json")');
    expect(script).toContain('Split = ShardDataset if "shards" in meta["splits"]["train"] else ManifestDataset');
    expect(script).toContain('class ShardDataset(Dataset):');
    expect(script).toContain('class ManifestDataset(Dataset):');
    expect(script).toContain('SIZE = (meta["height"], meta["width"])');
  });

  it('refuses a model it cannot translate with a SnippetError naming the setting', () => {
    expect(() => snippet({ model: 'resnet' })).toThrow(SnippetError);
    expect(() => snippet({ model: 'resnet' })).toThrow(/no PyTorch model for the preset "resnet"/);
  });
});
